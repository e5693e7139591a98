"""Applying the retention policy to the API database, and erasing one case's personal data on
the citizen's request. Counts stay: a case's kind, department, channel, status, dates and survey
ratings remain for the metrics; what identifies or locates a person goes. Never commits: the
caller's unit of work does (a dry run rolls back)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from api.audit import service as audit
from api.cases.models import Case, CaseEvent, CaseEventKind, CaseStatus
from api.channels.line.models import CaseAttachment, InboxStatus, LineInboxEvent
from api.channels.web.models import WebChatSession, WebOutboxMessage
from api.conversation.models import ConversationLanguage
from api.core.errors import NotFoundError
from api.outbox.models import OutboxDelivery
from api.privacy.policy import Cutoffs

ERASED = "（削除済み）"
# History entries whose data quotes the citizen or a message to them.
_QUOTING_EVENTS = (CaseEventKind.citizen_message.value, CaseEventKind.replied.value)


@dataclass
class PurgeReport:
    counts: dict[str, int] = field(default_factory=dict)
    # Conversations (sender ids) whose Rasa tracker must go too.
    senders: list[str] = field(default_factory=list)

    def add(self, what: str, count: int) -> None:
        self.counts[what] = self.counts.get(what, 0) + count


def _erase_case_fields(session: Session, case: Case, now: datetime, *, all_text: bool) -> None:
    case.contact = None
    case.location = None
    case.latitude = None
    case.longitude = None
    case.personal_data_erased_at = now
    session.execute(delete(CaseAttachment).where(CaseAttachment.case_id == case.id))
    if all_text:
        case.description = ERASED
        case.summary = ERASED
        case.entities = []
        case.resolution_message = None if case.resolution_message is None else ERASED
        case.sender_id = None
        for event in session.scalars(
            select(CaseEvent).where(
                CaseEvent.case_id == case.id, CaseEvent.kind.in_(_QUOTING_EVENTS)
            )
        ):
            event.data = {k: v for k, v in (event.data or {}).items() if k != "body"}


def purge(session: Session, cutoffs: Cutoffs, now: datetime) -> PurgeReport:
    """Everything the policy says is past its time, in the API database."""
    report = PurgeReport()
    idle = list(
        session.scalars(
            select(WebChatSession.sender_id).where(
                WebChatSession.last_seen_at < cutoffs.conversation
            )
        )
    )
    if idle:
        session.execute(delete(WebChatSession).where(WebChatSession.sender_id.in_(idle)))
    report.add("web conversations", len(idle))
    report.senders.extend(idle)
    languages = session.execute(
        delete(ConversationLanguage).where(ConversationLanguage.updated_at < cutoffs.conversation)
    )
    report.add("conversation languages", int(languages.rowcount or 0))  # type: ignore[attr-defined]

    outbox = session.execute(
        delete(WebOutboxMessage).where(WebOutboxMessage.created_at < cutoffs.event_stream)
    )
    report.add("event stream messages", int(outbox.rowcount or 0))  # type: ignore[attr-defined]

    inbox = session.execute(
        delete(LineInboxEvent).where(
            LineInboxEvent.received_at < cutoffs.line_inbox,
            LineInboxEvent.status.in_([InboxStatus.done.value, InboxStatus.failed.value]),
        )
    )
    report.add("LINE inbox events", int(inbox.rowcount or 0))  # type: ignore[attr-defined]

    closed = session.scalars(
        select(Case).where(
            Case.status == CaseStatus.resolved.value,
            Case.resolved_at < cutoffs.closed_case_contact,
            Case.personal_data_erased_at.is_(None),
        )
    ).all()
    for case in closed:
        _erase_case_fields(session, case, now, all_text=False)
    report.add("closed cases' contact and place", len(closed))
    return report


def erase_case(session: Session, case_number: str, *, actor: str, now: datetime) -> PurgeReport:
    """The citizen asked (through staff) that their data be deleted: the case keeps its kind,
    department, channel, status, dates and ratings; its text, contact, place, photos, the
    conversation and the messages to and from the citizen go."""
    case = session.scalar(select(Case).where(Case.case_number == case_number))
    if case is None:
        raise NotFoundError(f"case {case_number} not found")
    report = PurgeReport()
    sender = case.sender_id
    _erase_case_fields(session, case, now, all_text=True)
    report.add("cases", 1)
    # Messages not yet delivered are not sent any more; delivered ones hold nothing personal.
    queued = session.execute(delete(OutboxDelivery).where(OutboxDelivery.case_id == case.id))
    report.add("messages waiting for delivery", int(queued.rowcount or 0))  # type: ignore[attr-defined]
    if sender:
        report.senders.append(sender)
        outbox = session.execute(
            delete(WebOutboxMessage).where(WebOutboxMessage.sender_id == sender)
        )
        report.add("event stream messages", int(outbox.rowcount or 0))  # type: ignore[attr-defined]
        web = session.execute(delete(WebChatSession).where(WebChatSession.sender_id == sender))
        report.add("web conversations", int(web.rowcount or 0))  # type: ignore[attr-defined]
        session.execute(
            delete(ConversationLanguage).where(ConversationLanguage.sender_id == sender)
        )
    audit.record(session, actor, "case.personal_data_erased", "case", case_number)
    return report


def erased_cases(session: Session) -> int:
    return int(
        session.scalar(
            select(func.count()).select_from(Case).where(Case.personal_data_erased_at.is_not(None))
        )
        or 0
    )
