"""Telling the citizen a case is resolved: the resolution message through the case's channel,
recorded like a reply, and, when asked for, the satisfaction survey's first question."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from api.cases import service
from api.cases.models import Case, CaseEventKind, CaseStatus
from api.channels.base import Outgoing
from api.channels.registry import ChannelRegistry, reachable
from api.outbox import service as outbox
from api.outbox.models import OutboxDelivery
from api.survey.service import start_survey


def _retry_key(case: Case) -> str:
    """The same retry key when the same resolution is retried (the first attempt rolled back),
    a new one for a later resolution of the reopened case: the channel delivers it once."""
    resolutions = sum(
        1
        for e in case.events
        if e.kind == CaseEventKind.status_changed.value
        and e.data.get("after") == CaseStatus.resolved.value
    )
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"case-resolution:{case.case_number}:{resolutions}"))


def enqueue_resolution(
    session: Session,
    case: Case,
    *,
    actor: str,
    survey: bool,
    channels: ChannelRegistry,
    now: datetime,
) -> OutboxDelivery | None:
    """Records the case's resolution message (from staff, or from the system for an automatic
    close) and, if `survey`, the survey's first question with its rating buttons, unless the
    case was surveyed before, and queues both for the citizen in the caller's transaction.
    Returns the delivery, or None for a channel that cannot carry messages (phone, where staff
    call back; nothing is sent and nothing fails)."""
    message = case.resolution_message
    if not message or not reachable(case):
        return None
    author = "bot" if actor == service.SYSTEM_ACTOR else "staff"
    outgoing = [Outgoing(message, author)]
    # Recorded in the transaction; the outbox sends after the commit.
    service.record_message_to_citizen(session, case, message, case.channel, actor=actor)
    question = start_survey(session, case, now) if survey else None
    if question is not None:
        outgoing.append(Outgoing(question.text or "", "bot", question.buttons))
    return outbox.enqueue(session, case, outgoing, channels=channels, retry_key=_retry_key(case))
