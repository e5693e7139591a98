"""Recording what the bot answered and what citizens said of it. Idempotent per message,
because Rasa may run an action twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.feedback.models import AnswerFeedback, BotAnswer
from api.nlp import mask


def record_answer(
    session: Session,
    *,
    message_key: str,
    sender_id: str,
    channel: str,
    decision: str,
    faq_id: str | None,
    question: str,
    parent_key: str | None = None,
    faq_reviewed_at: datetime | None = None,
) -> None:
    """Records one decision of the bot. `parent_key` names the question whose offered choices
    the citizen picked from (the record is then a "choice")."""
    if session.scalar(select(BotAnswer.id).where(BotAnswer.message_key == message_key)):
        return
    session.add(
        BotAnswer(
            message_key=message_key,
            sender_id=sender_id,
            channel=channel,
            decision=decision,
            faq_id=faq_id,
            question=mask(question),
            source="choice" if parent_key else "question",
            parent_key=parent_key,
            faq_reviewed_at=faq_reviewed_at,
        )
    )
    session.flush()


def link_case(session: Session, message_key: str, case_id: int) -> None:
    """Marks the recorded question as escalated to the case (first case wins)."""
    session.execute(
        update(BotAnswer)
        .where(BotAnswer.message_key == message_key, BotAnswer.case_id.is_(None))
        .values(case_id=case_id)
    )


def record_feedback(
    session: Session, *, message_key: str, sender_id: str, faq_id: str | None, helpful: bool
) -> None:
    if session.scalar(select(AnswerFeedback.id).where(AnswerFeedback.message_key == message_key)):
        return
    session.add(
        AnswerFeedback(message_key=message_key, sender_id=sender_id, faq_id=faq_id, helpful=helpful)
    )
    session.flush()


def recorded_question(session: Session, message_key: str) -> str | None:
    """The question recorded under `message_key`, as stored: masked."""
    return session.scalar(select(BotAnswer.question).where(BotAnswer.message_key == message_key))
