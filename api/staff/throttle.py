"""Sign-in throttling, per account and per client address. Each failure after the first few
makes the next try wait longer (1 s, 2 s, 4 s … up to a minute); enough failures lock the key
for a while. A success clears the account's record (not the address's: signing in to one's own
account must not wipe an attacker's trail). Never commits: the caller's unit of work does."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from api.core.errors import AppError
from api.staff.models import SignInThrottle

JAPAN = ZoneInfo("Asia/Tokyo")
FREE_FAILURES = 3  # typos: no wait before the fourth try
MAX_DELAY = timedelta(seconds=60)
# Failures older than this are forgiven.
WINDOW = timedelta(hours=1)
LOCK_FOR = timedelta(minutes=15)


@dataclass(frozen=True)
class Limit:
    prefix: str
    lock_after: int


ACCOUNT = Limit("account", lock_after=10)
# A city office's staff may share one address behind a proxy: a higher bar.
ADDRESS = Limit("address", lock_after=50)

WRONG_LOGIN = "ユーザー名またはパスワードが違います。"


class SignInThrottledError(AppError):
    """Too soon after failures, or locked: when to try again is in the message and headers."""

    status_code = 429
    code = "sign_in_throttled"

    def __init__(self, message: str, retry_at: datetime, now: datetime, *, code: str) -> None:
        super().__init__(message, code=code)
        self.retry_at = retry_at
        self.retry_after = max(1, math.ceil((retry_at - now).total_seconds()))
        self.headers = {"Retry-After": str(self.retry_after)}
        self.extra = {"retry_after": self.retry_after, "retry_at": retry_at.isoformat()}


def keys(username: str, address: str | None) -> list[tuple[Limit, str]]:
    found = [(ACCOUNT, f"{ACCOUNT.prefix}:{username.strip().lower()[:150]}")]
    if address:
        found.append((ADDRESS, f"{ADDRESS.prefix}:{address[:150]}"))
    return found


def _delay(failures: int) -> timedelta:
    if failures < FREE_FAILURES:
        return timedelta(0)
    return min(timedelta(seconds=2 ** (failures - FREE_FAILURES)), MAX_DELAY)


def _row(session: Session, key: str, now: datetime) -> SignInThrottle | None:
    row = session.get(SignInThrottle, key)
    if row is None:
        return None
    locked = row.locked_until is not None and row.locked_until > now
    if not locked and now - row.last_failure_at > WINDOW:
        row.failures, row.locked_until = 0, None  # forgiven
    return row


def _locked_message(until: datetime) -> str:
    at = until.astimezone(JAPAN).strftime("%H:%M")
    return (
        "サインインの失敗が続いたため、一時的にロックしています。"
        f"{at}（日本時間）以降にもう一度お試しください。"
    )


def check(session: Session, username: str, address: str | None, now: datetime) -> None:
    """Raises SignInThrottledError when any key is locked or still waiting."""
    for _limit, key in keys(username, address):
        row = _row(session, key, now)
        if row is None:
            continue
        if row.locked_until is not None and row.locked_until > now:
            raise SignInThrottledError(
                _locked_message(row.locked_until), row.locked_until, now, code="sign_in_locked"
            )
        ready_at = row.last_failure_at + _delay(row.failures)
        if ready_at > now:
            seconds = max(1, math.ceil((ready_at - now).total_seconds()))
            raise SignInThrottledError(
                f"サインインの失敗が続いています。{seconds}秒後にもう一度お試しください。",
                ready_at,
                now,
                code="sign_in_throttled",
            )


def record_failure(
    session: Session, username: str, address: str | None, now: datetime
) -> datetime | None:
    """Counts a failure on every key; returns the end of a lock this failure started."""
    started: datetime | None = None
    for limit, key in keys(username, address):
        row = _row(session, key, now)
        if row is None:
            row = SignInThrottle(key=key, failures=0, last_failure_at=now)
            session.add(row)
        row.failures += 1
        row.last_failure_at = now
        if row.failures >= limit.lock_after and (
            row.locked_until is None or row.locked_until <= now
        ):
            row.locked_until = now + LOCK_FOR
            row.failures = 0  # after the lock, the count starts again
            started = row.locked_until if started is None else max(started, row.locked_until)
    session.flush()
    return started


def record_success(session: Session, username: str) -> None:
    row = session.get(SignInThrottle, keys(username, None)[0][1])
    if row is not None:
        session.delete(row)


def locked_error(until: datetime, now: datetime) -> SignInThrottledError:
    return SignInThrottledError(_locked_message(until), until, now, code="sign_in_locked")
