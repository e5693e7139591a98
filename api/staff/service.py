"""Staff accounts, sign-in and bearer tokens. Never commits: the caller's unit of work does."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from api.audit import service as audit
from api.core.errors import AppError, ConflictError, NotFoundError, UnauthorizedError
from api.core.types import utcnow
from api.departments.service import get_department
from api.staff import throttle
from api.staff.auth import StaffPrincipal
from api.staff.models import StaffMembership, StaffRole, StaffToken, StaffUser
from api.staff.passwords import hash_password, verify_password
from api.staff.repository import StaffRepository

# Actors that are not staff (the bot, the citizen, automatic closes and surveys) sign case
# histories and the audit log under these names: no account may take one.
RESERVED_NAMES = frozenset({"bot", "citizen", "system"})
SYSTEM_ACTOR = "system"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def principal_of(user: StaffUser) -> StaffPrincipal:
    departments = user.department_codes if user.role == StaffRole.department_staff.value else None
    return StaffPrincipal(name=user.username, role=user.role, departments=departments)


def add_staff(
    session: Session,
    username: str,
    password: str,
    role: StaffRole,
    departments: list[str],
    *,
    actor: str,
) -> StaffUser:
    repository = StaffRepository(session)
    if username.strip().lower() in RESERVED_NAMES:
        raise ConflictError(f"{username!r} is reserved for what the system records; choose another")
    if repository.by_username(username) is not None:
        raise ConflictError(f"staff member {username!r} already exists")
    if role == StaffRole.department_staff and not departments:
        raise ConflictError("department staff need at least one department")
    codes = [get_department(session, code).code for code in departments]
    user = StaffUser(
        username=username,
        role=role.value,
        password_hash=hash_password(password, username),
        memberships=[StaffMembership(department_code=code) for code in codes],
    )
    repository.add(user)
    session.flush()
    audit.record(
        session,
        actor,
        "staff.created",
        "staff",
        username,
        after={"role": role.value, "departments": codes},
    )
    return user


def _new_token(session: Session, user: StaffUser, ttl: timedelta, now: datetime) -> str:
    token = secrets.token_urlsafe(32)
    StaffRepository(session).add(
        StaffToken(
            staff_id=user.id, token_hash=_token_hash(token), created_at=now, expires_at=now + ttl
        )
    )
    return token


@dataclass(frozen=True)
class SignIn:
    """A sign-in's outcome: a token and its account, or the error to answer (the failure is
    recorded in the caller's unit of work, which must commit it before answering)."""

    token: str | None = None
    user: StaffUser | None = None
    error: AppError | None = None


def sign_in(
    session: Session,
    username: str,
    password: str,
    ttl: timedelta,
    address: str | None,
    now: datetime | None = None,
) -> SignIn:
    """A throttled sign-in (console session or API token): too soon after failures or locked,
    the password is not even checked; a failure is counted per account and per address and
    written to the audit log."""
    now = now or utcnow()
    try:
        throttle.check(session, username, address, now)
    except throttle.SignInThrottledError as refused:
        audit.record(
            session,
            SYSTEM_ACTOR,
            "auth.sign_in_refused",
            "staff",
            username[:100],
            after={"address": address, "reason": refused.code},
        )
        return SignIn(error=refused)
    user = StaffRepository(session).by_username(username)
    valid = verify_password(user.password_hash if user else None, password)
    if user is None or not valid or not user.active:
        locked_until = throttle.record_failure(session, username, address, now)
        audit.record(
            session,
            SYSTEM_ACTOR,
            "auth.sign_in_failed",
            "staff",
            username[:100],
            after={"address": address},
        )
        if locked_until is not None:
            audit.record(
                session,
                SYSTEM_ACTOR,
                "auth.locked",
                "staff",
                username[:100],
                after={"address": address, "until": locked_until.isoformat()},
            )
            return SignIn(error=throttle.locked_error(locked_until, now))
        return SignIn(error=UnauthorizedError(throttle.WRONG_LOGIN, code="wrong_login"))
    throttle.record_success(session, username)
    token = _new_token(session, user, ttl, now)
    audit.record(session, user.username, "auth.token_issued", "staff", user.username)
    return SignIn(token=token, user=user)


def revoke_token(session: Session, token: str) -> None:
    found = StaffRepository(session).token(_token_hash(token))
    if found is not None:
        session.delete(found)


def principal_for_token(session: Session, token: str) -> StaffPrincipal | None:
    found = StaffRepository(session).token(_token_hash(token))
    if found is None or found.expires_at <= utcnow() or not found.staff.active:
        return None
    return principal_of(found.staff)


# Administration of accounts: list, disable, re-enable, re-role, reset, revoke.


def list_staff(session: Session) -> list[StaffUser]:
    return StaffRepository(session).all()


def get_staff(session: Session, username: str) -> StaffUser:
    user = StaffRepository(session).by_username(username)
    if user is None:
        raise NotFoundError(f"no staff member {username!r}")
    return user


def revoke_tokens(session: Session, username: str, *, actor: str) -> int:
    """Ends every session and API token of the account at once."""
    user = get_staff(session, username)
    count = StaffRepository(session).delete_tokens(user.id)
    audit.record(session, actor, "staff.tokens_revoked", "staff", username, after={"count": count})
    return count


def _snapshot(user: StaffUser) -> dict[str, object]:
    return {
        "role": user.role,
        "departments": sorted(user.department_codes),
        "active": user.active,
    }


def update_staff(
    session: Session,
    username: str,
    *,
    actor: str,
    active: bool | None = None,
    role: StaffRole | None = None,
    departments: list[str] | None = None,
) -> StaffUser:
    """Disables (ending its sessions and tokens at once), re-enables, or changes the role and
    departments of an account. Nobody disables or demotes their own account."""
    user = get_staff(session, username)
    before = _snapshot(user)
    if user.username == actor and (active is False or (role and role != StaffRole.admin)):
        raise ConflictError("you cannot disable or demote your own account")
    new_role = role or StaffRole(user.role)
    codes = (
        [get_department(session, code).code for code in departments]
        if departments is not None
        else sorted(user.department_codes)
    )
    if new_role == StaffRole.department_staff and not codes:
        raise ConflictError("department staff need at least one department")
    user.role = new_role.value
    if departments is not None:
        user.memberships = [StaffMembership(department_code=code) for code in codes]
    if active is not None:
        user.active = active
    session.flush()
    if active is False:
        StaffRepository(session).delete_tokens(user.id)
    after = _snapshot(user)
    if after != before:
        action = "staff.updated"
        if active is not None and active != before["active"]:
            action = "staff.enabled" if active else "staff.disabled"
        audit.record(session, actor, action, "staff", username, before=before, after=after)
    return user


def reset_password(session: Session, username: str, password: str, *, actor: str) -> StaffUser:
    """A new password (checked against the policy); every session and token of the account
    ends, and a sign-in lock on it is lifted."""
    user = get_staff(session, username)
    user.password_hash = hash_password(password, username)
    StaffRepository(session).delete_tokens(user.id)
    throttle.record_success(session, username)
    audit.record(session, actor, "staff.password_reset", "staff", username)
    return user
