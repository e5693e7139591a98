"""Live handoff: staff take over a conversation from the bot, and hand it back."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.cases.models import Case
from api.cases.service import record_citizen_message, record_handoff
from api.core.errors import AppError, ConflictError
from api.core.types import utcnow
from api.handoff.models import Handoff
from api.staff.auth import StaffPrincipal

TAKEN_OVER = "担当の職員に代わりました。このままメッセージをお送りください。"
HANDED_BACK = "職員との会話を終わります。ここからは自動案内がお答えします。"


def active_for(session: Session, sender_id: str) -> Handoff | None:
    return session.scalar(
        select(Handoff).where(Handoff.sender_id == sender_id, Handoff.ended_at.is_(None))
    )


def start(session: Session, principal: StaffPrincipal, case: Case) -> Handoff:
    if not case.sender_id or case.channel not in {"web", "line"}:
        raise AppError(
            f"case {case.case_number} has no live conversation to take over",
            status_code=409,
            code="no_conversation",
        )
    current = active_for(session, case.sender_id)
    if current is not None:
        raise ConflictError(f"{current.staff} is already talking with this citizen")
    handoff = Handoff(sender_id=case.sender_id, case_id=case.id, staff=principal.name)
    session.add(handoff)
    record_handoff(session, principal, case, started=True)
    return handoff


def end(session: Session, principal: StaffPrincipal, case: Case) -> Handoff:
    current = active_for(session, case.sender_id or "")
    if current is None or current.case_id != case.id:
        raise ConflictError(f"nobody has taken over the conversation of case {case.case_number}")
    current.ended_at = utcnow()
    record_handoff(session, principal, case, started=False)
    return current


def route_to_case(session: Session, sender_id: str, message: str) -> bool:
    """During a handoff, files the citizen's message in the case thread; says whether it did."""
    handoff = active_for(session, sender_id)
    if handoff is None:
        return False
    case = session.get(Case, handoff.case_id)
    if case is None:
        return False
    record_citizen_message(session, case, message)
    return True
