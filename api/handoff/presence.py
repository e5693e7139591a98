"""Who can answer a live chat now: staff of the department (or the call centre) with the
console open, within the department's business hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from api.departments.models import Department
from api.handoff.models import StaffPresence
from api.sla.business_hours import JAPAN, opening_hours
from api.staff.models import StaffMembership, StaffRole, StaffUser

# The console checks in every minute; two missed check-ins and the member counts as gone.
PRESENCE_WINDOW = timedelta(minutes=2)
# How far ahead the next opening is looked for (a long holiday stretch is at most ~9 days).
_LOOKAHEAD_DAYS = 14


def mark_seen(session: Session, username: str, now: datetime) -> bool:
    """Records that `username` has the console open; False when no such account exists (the
    bootstrap administrator token has none and never answers live chats)."""
    if session.scalar(select(StaffUser.id).where(StaffUser.username == username)) is None:
        return False
    presence = session.get(StaffPresence, username)
    if presence is None:
        session.add(StaffPresence(username=username, last_seen_at=now))
    else:
        presence.last_seen_at = now
    session.flush()
    return True


def mark_gone(session: Session, username: str) -> None:
    session.execute(delete(StaffPresence).where(StaffPresence.username == username))


def is_open(department: Department, now: datetime) -> bool:
    local = now.astimezone(JAPAN)
    interval = opening_hours(local.date(), department.hours)
    return interval is not None and interval[0] <= local.time() < interval[1]


def next_opening(department: Department, now: datetime) -> datetime | None:
    """When the department next opens (now, when it is open), Japan time."""
    local = now.astimezone(JAPAN)
    for offset in range(_LOOKAHEAD_DAYS):
        day = local.date() + timedelta(days=offset)
        interval = opening_hours(day, department.hours)
        if interval is None:
            continue
        opens = datetime.combine(day, interval[0], JAPAN)
        closes = datetime.combine(day, interval[1], JAPAN)
        if local < closes:
            return max(opens, local)
    return None


def staff_present(session: Session, department_code: str, now: datetime) -> list[str]:
    """Active members of the department, and the call centre, seen in the last two minutes."""
    member = select(StaffMembership.staff_id).where(
        StaffMembership.department_code == department_code
    )
    rows = session.scalars(
        select(StaffUser.username)
        .join(StaffPresence, StaffPresence.username == StaffUser.username)
        .where(
            StaffUser.active.is_(True),
            StaffPresence.last_seen_at >= now - PRESENCE_WINDOW,
            (StaffUser.role == StaffRole.call_center.value)
            | ((StaffUser.role == StaffRole.department_staff.value) & StaffUser.id.in_(member)),
        )
        .order_by(StaffUser.username)
    )
    return list(rows)


@dataclass(frozen=True)
class LiveChatAvailability:
    available: bool
    opens_at: datetime | None  # when a callback can start: now if open, else the next opening


def live_chat(session: Session, department: Department, now: datetime) -> LiveChatAvailability:
    open_now = is_open(department, now)
    available = open_now and bool(staff_present(session, department.code, now))
    return LiveChatAvailability(available, next_opening(department, now))
