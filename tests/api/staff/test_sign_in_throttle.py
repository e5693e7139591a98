"""Sign-in resists guessing: a wrong password says so in Japanese; after a few failures each
try must wait longer, then the account is locked for a while (even the right password is
refused, and the message says until when); the API's token endpoint is throttled the same way,
per account and per client address; every failure and lock is in the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from api.audit.models import AuditEntry
from api.core.types import utcnow
from api.staff import throttle
from api.staff.models import SignInThrottle, StaffRole
from api.staff.service import add_staff

PASSWORD = "correct horse battery staple"
WRONG = "ユーザー名またはパスワードが違います。"


@pytest.fixture
def account(seeded: Session) -> str:
    add_staff(seeded, "road-sato", PASSWORD, StaffRole.department_staff, ["roads"], actor="test")
    seeded.commit()
    return "road-sato"


def _console(client: TestClient, username: str, password: str):
    return client.post("/api/v1/auth/session", json={"username": username, "password": password})


def _token(client: TestClient, username: str, password: str):
    return client.post("/api/v1/auth/token", data={"username": username, "password": password})


def _time_passes(factory: sessionmaker[Session], by: timedelta = throttle.MAX_DELAY) -> None:
    """The wait a failure imposed is over: its time moves into the past (no sleeping)."""
    with factory() as session:
        for row in session.scalars(select(SignInThrottle)):
            row.last_failure_at -= by
        session.commit()


def _audit(factory: sessionmaker[Session], action: str) -> list[AuditEntry]:
    with factory() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


@pytest.mark.parametrize("sign_in", [_console, _token], ids=["console", "token"])
def test_failures_slow_down_then_lock_with_the_right_messages(
    client: TestClient, account: str, session_factory: sessionmaker[Session], sign_in
) -> None:
    for _ in range(throttle.FREE_FAILURES):
        wrong = sign_in(client, account, "not the password!")
        assert wrong.status_code == 401
        assert (wrong.json()["error"]["code"], wrong.json()["error"]["message"]) == (
            "wrong_login",
            WRONG,
        )
    # Too soon after the third failure: not even checked, and told how long to wait. (Its
    # 1 s wait is stretched so that a slow machine cannot let it run out before the retry.)
    _time_passes(session_factory, by=-timedelta(seconds=30))
    waiting = sign_in(client, account, PASSWORD)
    assert waiting.status_code == 429
    error = waiting.json()["error"]
    assert (
        error["code"] == "sign_in_throttled" and "秒後にもう一度お試しください" in error["message"]
    )
    assert int(waiting.headers["Retry-After"]) == error["retry_after"] >= 1

    for _ in range(throttle.ACCOUNT.lock_after - throttle.FREE_FAILURES - 1):
        _time_passes(session_factory)
        assert sign_in(client, account, "not the password!").status_code == 401
    _time_passes(session_factory)
    locking = sign_in(client, account, "not the password!")
    assert locking.status_code == 429 and locking.json()["error"]["code"] == "sign_in_locked"
    message = locking.json()["error"]["message"]
    assert (
        "一時的にロックしています" in message
        and "（日本時間）以降にもう一度お試しください" in message
    )

    # Locked: the right password is refused too, until the time the message named.
    _time_passes(session_factory)
    locked = sign_in(client, account, PASSWORD)
    assert locked.status_code == 429 and locked.json()["error"]["code"] == "sign_in_locked"
    assert locked.json()["error"]["retry_after"] > 60

    with session_factory() as session:
        session.execute(update(SignInThrottle).values(locked_until=utcnow() - timedelta(seconds=1)))
        session.commit()
    assert sign_in(client, account, PASSWORD).status_code == 200
    with session_factory() as session:  # a success clears the account's record
        assert session.get(SignInThrottle, f"account:{account}") is None

    failed = _audit(session_factory, "auth.sign_in_failed")
    assert len(failed) == throttle.ACCOUNT.lock_after
    assert {(e.target_id, e.actor) for e in failed} == {(account, "system")}
    assert failed[0].after == {"address": "testclient"}
    assert len(_audit(session_factory, "auth.locked")) == 1
    assert len(_audit(session_factory, "auth.sign_in_refused")) == 2


def test_an_unknown_name_is_told_the_same_and_counted(
    client: TestClient, account: str, session_factory: sessionmaker[Session]
) -> None:
    unknown = _console(client, "nobody", PASSWORD)
    assert (unknown.status_code, unknown.json()["error"]["message"]) == (401, WRONG)
    with session_factory() as session:
        assert session.get(SignInThrottle, "account:nobody").failures == 1
        assert session.get(SignInThrottle, "address:testclient").failures == 1


def test_one_address_guessing_many_accounts_is_stopped(session: Session, account: str) -> None:
    now = utcnow()
    for attempt in range(throttle.ADDRESS.lock_after):
        at = now + attempt * throttle.MAX_DELAY
        throttle.check(session, f"user{attempt}", "192.0.2.7", at)
        throttle.record_failure(session, f"user{attempt}", "192.0.2.7", at)
    later = now + throttle.ADDRESS.lock_after * throttle.MAX_DELAY
    with pytest.raises(throttle.SignInThrottledError) as refused:
        throttle.check(session, account, "192.0.2.7", later)
    assert refused.value.code == "sign_in_locked"
    throttle.check(session, account, "198.51.100.1", later)  # another address is not held


def test_delays_grow_and_old_failures_are_forgiven(session: Session) -> None:
    now = utcnow()
    waits = []
    for _ in range(7):
        throttle.record_failure(session, "x", None, now)
        try:
            throttle.check(session, "x", None, now)
            waits.append(0)
        except throttle.SignInThrottledError as error:
            waits.append(error.retry_after)
    assert waits == [0, 0, 1, 2, 4, 8, 16]
    throttle.check(session, "x", None, now + throttle.WINDOW + timedelta(seconds=1))
    assert session.get(SignInThrottle, "account:x").failures == 0
