"""Live handoff: staff take over a conversation from the bot, and hand it back; and live chats
the citizen asked for, which wait for a member of staff to take them."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.cases.models import Case
from api.cases.service import SYSTEM_ACTOR, record_citizen_message, record_handoff
from api.conversation.language import citizen_language
from api.core.errors import AppError, ConflictError
from api.core.types import utcnow
from api.handoff.models import Handoff
from api.i18n import translate
from api.staff.auth import StaffPrincipal

# What the citizen is told, by catalog id (in the citizen's language); the constants are the
# Japanese texts.
TAKEN_OVER_ID = "handoff.taken_over"
HANDED_BACK_ID = "handoff.handed_back"
TAKEN_OVER = translate("ja", TAKEN_OVER_ID)
HANDED_BACK = translate("ja", HANDED_BACK_ID)
_SYSTEM = StaffPrincipal(name=SYSTEM_ACTOR, role="system")
# A live chat nobody took within this long goes back to the bot; the case stays open for
# the department to call back.
LIVE_WAIT_LIMIT = timedelta(minutes=10)


def active_for(session: Session, sender_id: str) -> Handoff | None:
    return session.scalar(
        select(Handoff).where(Handoff.sender_id == sender_id, Handoff.ended_at.is_(None))
    )


def _require_conversation(case: Case) -> str:
    if not case.sender_id or case.channel not in {"web", "line"}:
        raise AppError(
            f"case {case.case_number} has no live conversation to take over",
            status_code=409,
            code="no_conversation",
        )
    return case.sender_id


def start(session: Session, principal: StaffPrincipal, case: Case) -> Handoff:
    """Staff take over the conversation, or take the live chat the citizen is waiting in."""
    sender_id = _require_conversation(case)
    current = active_for(session, sender_id)
    if current is not None and (current.staff is not None or current.case_id != case.id):
        raise ConflictError(
            f"{current.staff or 'another case'} is already talking with this citizen"
        )
    if current is not None:  # the citizen's own live chat request: now it has a person
        current.staff = principal.name
        handoff = current
    else:
        handoff = Handoff(sender_id=sender_id, case_id=case.id, staff=principal.name)
        session.add(handoff)
    record_handoff(session, principal, case, started=True)
    return handoff


def request_live_chat(session: Session, case: Case, now: datetime) -> Handoff:
    """The citizen asked for a person while one is on duty: the bot falls silent at once and
    the case waits at the top of the queue until a member of staff takes it."""
    sender_id = _require_conversation(case)
    current = active_for(session, sender_id)
    if current is not None:
        return current  # Rasa ran the action again, or a chat is already going on
    handoff = Handoff(sender_id=sender_id, case_id=case.id, staff=None, started_at=now)
    session.add(handoff)
    session.flush()
    return handoff


def waiting_case_ids(session: Session, case_ids: list[int]) -> set[int]:
    """Of these cases, those whose citizen waits in a live chat nobody has taken yet."""
    if not case_ids:
        return set()
    return set(
        session.scalars(
            select(Handoff.case_id).where(
                Handoff.case_id.in_(case_ids), Handoff.ended_at.is_(None), Handoff.staff.is_(None)
            )
        )
    )


def end(session: Session, principal: StaffPrincipal, case: Case) -> Handoff:
    current = active_for(session, case.sender_id or "")
    if current is None or current.case_id != case.id:
        raise ConflictError(f"nobody has taken over the conversation of case {case.case_number}")
    current.ended_at = utcnow()
    record_handoff(session, principal, case, started=False)
    return current


def route_to_case(
    session: Session, sender_id: str, message: str, now: datetime | None = None
) -> list[str] | None:
    """During a handoff, files the citizen's message in the case thread and returns what the
    citizen is told (nothing while a person is talking). None: no handoff, the bot answers.
    A live chat nobody took within LIVE_WAIT_LIMIT goes back to the bot."""
    handoff = active_for(session, sender_id)
    if handoff is None:
        return None
    case = session.get(Case, handoff.case_id)
    if case is None:
        return None
    now = now or utcnow()
    record_citizen_message(session, case, message)
    if handoff.staff is None and now - handoff.started_at > LIVE_WAIT_LIMIT:
        handoff.ended_at = now
        record_handoff(session, _SYSTEM, case, started=False)
        language = citizen_language(session, sender_id, case.language)
        return [translate(language, "handoff.wait_expired", number=case.case_number)]
    return []
