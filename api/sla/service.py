"""How long a case has waited against its department's targets, in business hours."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from api.cases.models import Case, CaseEvent, CaseEventKind
from api.departments.models import Department
from api.sla.business_hours import business_hours_between

# What counts as the department's first response to the citizen: a message to them, taking
# over the conversation, or the resolution (its message is the answer). Events by the bot, the
# system (automatic close) or the citizen are not a response.
_RESPONSES = {CaseEventKind.replied.value, CaseEventKind.handoff_started.value}
NOT_STAFF = frozenset({"bot", "system", "citizen"})


class SlaClock(BaseModel):
    target_hours: int
    elapsed_hours: float  # business hours, until the clock stopped or until now
    stopped_at: datetime | None  # None: still running
    overdue: bool


class CaseSla(BaseModel):
    first_response: SlaClock
    resolution: SlaClock


def _clock(
    start: datetime, stop: datetime | None, now: datetime, target: int, hours: dict | None
) -> SlaClock:
    elapsed = business_hours_between(start, stop or now, hours)
    return SlaClock(
        target_hours=target,
        elapsed_hours=round(elapsed, 2),
        stopped_at=stop,
        overdue=elapsed > target,
    )


def is_staff_response(event: CaseEvent) -> bool:
    if event.actor in NOT_STAFF:
        return False
    if event.kind in _RESPONSES:
        return True
    resolution = event.kind == CaseEventKind.status_changed.value
    return resolution and event.data.get("after") == "resolved"


def first_response_at(case: Case) -> datetime | None:
    return next((e.created_at for e in case.events if is_staff_response(e)), None)


def case_sla(case: Case, department: Department | None, now: datetime) -> CaseSla:
    hours = department.hours if department else None
    first_target = department.first_response_target_hours if department else 8
    resolution_target = department.resolution_target_hours if department else 40
    return CaseSla(
        first_response=_clock(case.created_at, first_response_at(case), now, first_target, hours),
        resolution=_clock(case.created_at, case.resolved_at, now, resolution_target, hours),
    )
