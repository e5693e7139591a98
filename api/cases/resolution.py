"""Telling the citizen a case is resolved: the resolution message through the case's channel,
recorded like a reply, and, when asked for, the satisfaction survey's first question."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from api.cases import service
from api.cases.models import Case, CaseEventKind, CaseStatus
from api.channels.delivery import Outgoing, PendingPush, prepare_messages, reachable
from api.channels.line.channel import LineChannel
from api.survey.service import start_survey


def _retry_key(case: Case) -> str:
    """The same LINE retry key when the same resolution is retried (the first attempt rolled
    back), a new one for a later resolution of the reopened case: LINE delivers it once."""
    resolutions = sum(
        1
        for e in case.events
        if e.kind == CaseEventKind.status_changed.value
        and e.data.get("after") == CaseStatus.resolved.value
    )
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"case-resolution:{case.case_number}:{resolutions}"))


def prepare_resolution(
    session: Session,
    case: Case,
    *,
    actor: str,
    survey: bool,
    line: LineChannel | None,
    now: datetime,
) -> PendingPush | None:
    """Records the case's resolution message (from staff, or from the system for an automatic
    close) and, if `survey`, the survey's first question with its rating buttons, unless the
    case was surveyed before; web messages go to the widget's outbox. Returns the LINE push to
    send once the transaction committed, or None (web, or a channel that cannot carry
    messages: phone, where staff call back; nothing is sent and nothing fails)."""
    message = case.resolution_message
    if not message or not reachable(case):
        return None
    author = "bot" if actor == service.SYSTEM_ACTOR else "staff"
    outgoing = [Outgoing(message, author)]
    # Recorded in the transaction; the push goes after the commit (see PendingPush).
    service.record_message_to_citizen(session, case, message, case.channel, actor=actor)
    question = start_survey(session, case, now) if survey else None
    if question is not None:
        outgoing.append(Outgoing(question.text or "", "bot", question.buttons))
    return prepare_messages(session, case, outgoing, line=line, retry_key=_retry_key(case))
