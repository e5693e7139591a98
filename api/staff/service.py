"""Staff accounts, sign-in and bearer tokens. Never commits: the caller's unit of work does."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from api.audit import service as audit
from api.core.errors import ConflictError, UnauthorizedError
from api.core.types import utcnow
from api.departments.service import get_department
from api.staff.auth import StaffPrincipal
from api.staff.models import StaffMembership, StaffRole, StaffToken, StaffUser
from api.staff.passwords import hash_password, verify_password
from api.staff.repository import StaffRepository

# Actors that are not staff (the bot, the citizen, automatic closes and surveys) sign case
# histories and the audit log under these names: no account may take one.
RESERVED_NAMES = frozenset({"bot", "citizen", "system"})


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
        password_hash=hash_password(password),
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


def issue_token(
    session: Session, username: str, password: str, ttl: timedelta, now: datetime | None = None
) -> tuple[str, StaffUser]:
    """Checks the password and returns a new bearer token (shown once, stored hashed)."""
    user = StaffRepository(session).by_username(username)
    valid = verify_password(user.password_hash if user else None, password)
    if user is None or not valid or not user.active:
        raise UnauthorizedError("wrong username or password")
    token = secrets.token_urlsafe(32)
    now = now or utcnow()
    StaffRepository(session).add(
        StaffToken(
            staff_id=user.id, token_hash=_token_hash(token), created_at=now, expires_at=now + ttl
        )
    )
    audit.record(session, user.username, "auth.token_issued", "staff", user.username)
    return token, user


def revoke_token(session: Session, token: str) -> None:
    found = StaffRepository(session).token(_token_hash(token))
    if found is not None:
        session.delete(found)


def principal_for_token(session: Session, token: str) -> StaffPrincipal | None:
    found = StaffRepository(session).token(_token_hash(token))
    if found is None or found.expires_at <= utcnow() or not found.staff.active:
        return None
    return principal_of(found.staff)
