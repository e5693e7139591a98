"""Case logic: opening (idempotent), assigning, transferring, commenting, changing status.
Never commits: the caller's unit of work does."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.audit import service as audit
from api.cases.access import new_access_code
from api.cases.models import Case, CaseEvent, CaseEventKind, CaseStatus
from api.cases.numbering import allocate_case_number
from api.cases.repository import CaseRepository
from api.cases.schemas import NewCase
from api.conversation.language import language_of
from api.core.errors import AppError, ConflictError, NotFoundError
from api.core.types import utcnow
from api.departments.service import get_department
from api.routing import RoutingDecision
from api.staff.auth import StaffPrincipal

Router = Callable[[str], RoutingDecision]

# Which status may follow which; resolved cases can be reopened.
_TRANSITIONS: dict[CaseStatus, set[CaseStatus]] = {
    CaseStatus.new: {CaseStatus.in_progress, CaseStatus.waiting_citizen, CaseStatus.resolved},
    CaseStatus.in_progress: {CaseStatus.waiting_citizen, CaseStatus.resolved},
    CaseStatus.waiting_citizen: {CaseStatus.in_progress, CaseStatus.resolved},
    CaseStatus.resolved: {CaseStatus.in_progress},
}
_SUMMARY_CHARS = 60
# The actor of what nobody on the staff did (automatic closes, surveys sent): never a staff
# account's name, so the history and the audit log cannot confuse the two.
SYSTEM_ACTOR = "system"
_SURVEY_EVENTS = {
    CaseEventKind.survey_sent,
    CaseEventKind.survey_answered,
    CaseEventKind.survey_declined,
}


def _summary(description: str) -> str:
    first_line = description.strip().splitlines()[0]
    return (
        first_line if len(first_line) <= _SUMMARY_CHARS else first_line[: _SUMMARY_CHARS - 1] + "…"
    )


def open_case(
    session: Session,
    new_case: NewCase,
    *,
    route: Router,
    actor: str,
    entities: list[dict[str, Any]] | None = None,
    now: datetime | None = None,
) -> tuple[Case, bool]:
    """Opens a case, or returns the one already opened with the same idempotency key.
    The second element says whether a new case was created."""
    repository = CaseRepository(session)
    if new_case.idempotency_key:
        existing = repository.by_idempotency_key(new_case.idempotency_key)
        if existing is not None:
            return existing, False

    now = now or utcnow()
    if new_case.department:
        department = get_department(session, new_case.department).code
        confidence, alternatives = None, []
    else:
        decision = route(new_case.description)
        department = decision.department
        confidence = decision.confidence
        alternatives = [
            {"department": code, "confidence": score} for code, score in decision.alternatives
        ]

    case = Case(
        case_number=allocate_case_number(session, now),
        idempotency_key=new_case.idempotency_key,
        kind=new_case.kind.value,
        status=CaseStatus.new.value,
        channel=new_case.channel,
        sender_id=new_case.sender_id,
        department_code=department,
        routing_confidence=confidence,
        routing_alternatives=alternatives,
        summary=_summary(new_case.description),
        description=new_case.description,
        location=new_case.location,
        latitude=new_case.latitude,
        longitude=new_case.longitude,
        urgent=new_case.urgent,
        contact=None if new_case.contact_declined else new_case.contact,
        contact_declined=new_case.contact_declined,
        language=new_case.language or language_of(session, new_case.sender_id),
        entities=entities or [],
        access_code=new_access_code(),
        created_at=now,
        updated_at=now,
    )
    try:
        # A savepoint: a concurrent twin with the same key loses only this insert.
        with session.begin_nested():
            repository.add(case)
            session.flush()
    except IntegrityError:
        if new_case.idempotency_key:
            existing = repository.by_idempotency_key(new_case.idempotency_key)
            if existing is not None:
                return existing, False
        raise
    _record(session, case, CaseEventKind.created, actor, {"department": department}, now)
    return case, True


def get_case(session: Session, principal: StaffPrincipal, case_number: str) -> Case:
    case = CaseRepository(session).readable_by_number(principal, case_number)
    if case is None:
        # The same answer whether the case does not exist or belongs to another department.
        raise NotFoundError(f"case {case_number} not found")
    return case


def assign_case(
    session: Session, principal: StaffPrincipal, case_number: str, assignee: str | None
) -> Case:
    case = get_case(session, principal, case_number)
    before = case.assignee
    case.assignee = assignee
    _record(
        session, case, CaseEventKind.assigned, principal.name, {"before": before, "after": assignee}
    )
    return case


def transfer_case(
    session: Session, principal: StaffPrincipal, case_number: str, department: str, reason: str
) -> Case:
    case = get_case(session, principal, case_number)
    target = get_department(session, department)
    if target.code == case.department_code:
        raise ConflictError(f"case {case_number} is already with {target.code}")
    if case.status == CaseStatus.resolved.value:
        raise ConflictError(f"case {case_number} is resolved; reopen it before transferring")
    before = case.department_code
    case.department_code = target.code
    case.transfer_count += 1
    case.assignee = None
    _record(
        session,
        case,
        CaseEventKind.transferred,
        principal.name,
        {"before": before, "after": target.code, "reason": reason},
    )
    return case


def record_reply(
    session: Session, principal: StaffPrincipal, case: Case, body: str, channel: str
) -> Case:
    """Records a staff reply that was delivered to the citizen through `channel`."""
    return record_message_to_citizen(session, case, body, channel, actor=principal.name)


def record_message_to_citizen(
    session: Session, case: Case, body: str, channel: str, *, actor: str
) -> Case:
    """Records a message sent to the citizen by staff, or by the system (SYSTEM_ACTOR)."""
    _record(session, case, CaseEventKind.replied, actor, {"body": body, "channel": channel})
    return case


def record_undelivered(session: Session, case_number: str, reason: str) -> None:
    """Notes in the case's history that the last message to the citizen was not delivered."""
    case = session.scalar(select(Case).where(Case.case_number == case_number))
    if case is not None:
        _record(session, case, CaseEventKind.delivery_failed, SYSTEM_ACTOR, {"reason": reason})


def record_citizen_message(session: Session, case: Case, body: str) -> Case:
    _record(session, case, CaseEventKind.citizen_message, "citizen", {"body": body})
    return case


def record_handoff(
    session: Session, principal: StaffPrincipal, case: Case, *, started: bool
) -> Case:
    kind = CaseEventKind.handoff_started if started else CaseEventKind.handoff_ended
    _record(session, case, kind, principal.name, {})
    return case


def comment_case(session: Session, principal: StaffPrincipal, case_number: str, body: str) -> Case:
    case = get_case(session, principal, case_number)
    _record(session, case, CaseEventKind.commented, principal.name, {"body": body})
    return case


def change_status(
    session: Session,
    principal: StaffPrincipal,
    case_number: str,
    status: CaseStatus,
    message: str | None,
) -> Case:
    """A staff member changes the status of a case they may see."""
    case = get_case(session, principal, case_number)
    return _apply_status(session, case, status, message, actor=principal.name, now=utcnow())


def close_as_system(session: Session, case: Case, message: str, now: datetime) -> Case:
    """Resolves `case` on the system's behalf (automatic close). Takes a case, not a number:
    the caller has selected it itself, so no staff access rule is bypassed or needed."""
    return _apply_status(session, case, CaseStatus.resolved, message, actor=SYSTEM_ACTOR, now=now)


def _apply_status(
    session: Session,
    case: Case,
    status: CaseStatus,
    message: str | None,
    *,
    actor: str,
    now: datetime,
) -> Case:
    case_number = case.case_number
    current = CaseStatus(case.status)
    if status == current:
        raise ConflictError(f"case {case_number} is already {status.value}")
    if status not in _TRANSITIONS[current]:
        raise ConflictError(f"case {case_number} cannot go from {current.value} to {status.value}")
    if status == CaseStatus.resolved and not (message and message.strip()):
        raise AppError("a citizen-readable message is required to resolve a case", status_code=422)
    case.status = status.value
    if status == CaseStatus.resolved:
        case.resolved_at = now
        case.resolution_message = (message or "").strip()
    elif current == CaseStatus.resolved:
        case.resolved_at = None
    data: dict[str, Any] = {"before": current.value, "after": status.value}
    if message:
        data["message"] = message.strip()
    _record(session, case, CaseEventKind.status_changed, actor, data, now)
    return case


def record_survey_event(
    session: Session,
    case: Case,
    kind: CaseEventKind,
    actor: str,
    data: dict[str, Any],
    now: datetime,
) -> None:
    """A survey step in the case's history and the audit log. `data` holds ratings only:
    the citizen's comment never goes into the history or the audit log."""
    if kind not in _SURVEY_EVENTS:
        raise ValueError(f"{kind.value} is not a survey event")
    _record(session, case, kind, actor, data, now)


_LINK_EVENTS = {CaseEventKind.linked, CaseEventKind.unlinked, CaseEventKind.duplicate_reported}


def record_case_event(
    session: Session, case: Case, kind: CaseEventKind, actor: str, data: dict[str, Any]
) -> None:
    """A link between cases in the history and the audit log (api/cases/links.py)."""
    if kind not in _LINK_EVENTS:
        raise ValueError(f"{kind.value} is not a link event")
    _record(session, case, kind, actor, data)


def _record(
    session: Session,
    case: Case,
    kind: CaseEventKind,
    actor: str,
    data: dict[str, Any],
    now: datetime | None = None,
) -> None:
    now = now or utcnow()
    case.updated_at = now
    CaseRepository(session).add_event(
        CaseEvent(case=case, kind=kind.value, actor=actor, data=data, created_at=now)
    )
    before = {"value": data["before"]} if "before" in data else None
    after = {("value" if k == "after" else k): v for k, v in data.items() if k != "before"}
    audit.record(
        session, actor, f"case.{kind.value}", "case", case.case_number, before=before, after=after
    )
    session.flush()
