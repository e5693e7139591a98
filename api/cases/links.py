"""Duplicates: staff link a case to the one it repeats (the original, where the work
happens); a citizen who says a new report is the same as an open case adds a note to it
instead of a new case."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.cases import service
from api.cases.models import Case, CaseEventKind, CaseLink
from api.core.errors import AppError, ConflictError
from api.core.types import utcnow
from api.staff.auth import StaffPrincipal


def original_of(session: Session, case: Case) -> Case | None:
    link = session.get(CaseLink, case.id)
    return session.get(Case, link.duplicate_of_id) if link else None


def duplicates_of(session: Session, case: Case) -> list[Case]:
    statement = (
        select(Case)
        .join(CaseLink, CaseLink.case_id == Case.id)
        .where(CaseLink.duplicate_of_id == case.id)
        .order_by(Case.created_at, Case.id)
    )
    return list(session.scalars(statement))


def link_duplicate(
    session: Session, principal: StaffPrincipal, case_number: str, original_number: str
) -> Case:
    """Marks `case_number` as a duplicate of `original_number` (both readable by the staff
    member). Linking to a duplicate links to its original, so chains never form."""
    case = service.get_case(session, principal, case_number)
    original = service.get_case(session, principal, original_number)
    original = original_of(session, original) or original
    if original.id == case.id:
        raise AppError("a case cannot be a duplicate of itself", status_code=422)
    if duplicates_of(session, case):
        raise ConflictError(f"case {case_number} has duplicates of its own: it is an original")
    existing = session.get(CaseLink, case.id)
    if existing is not None:
        if existing.duplicate_of_id == original.id:
            return case
        raise ConflictError(f"case {case_number} is already linked; unlink it first")
    session.add(
        CaseLink(
            case_id=case.id,
            duplicate_of_id=original.id,
            linked_by=principal.name,
            created_at=utcnow(),
        )
    )
    data = {"duplicate_of": original.case_number}
    service.record_case_event(session, case, CaseEventKind.linked, principal.name, data)
    service.record_case_event(
        session, original, CaseEventKind.linked, principal.name, {"duplicate": case.case_number}
    )
    return case


def unlink_duplicate(session: Session, principal: StaffPrincipal, case_number: str) -> Case:
    case = service.get_case(session, principal, case_number)
    link = session.get(CaseLink, case.id)
    if link is None:
        raise ConflictError(f"case {case_number} is not linked to another case")
    original = session.get(Case, link.duplicate_of_id)
    session.delete(link)
    data = {"duplicate_of": original.case_number if original else None}
    service.record_case_event(session, case, CaseEventKind.unlinked, principal.name, data)
    return case


def record_same_report(session: Session, case: Case, channel: str) -> Case:
    """A citizen reported the same problem again (they said so in the chat): counted on the
    open case, without their words or their contact."""
    service.record_case_event(
        session, case, CaseEventKind.duplicate_reported, "citizen", {"channel": channel}
    )
    return case
