"""Recording what the bot answered and what citizens said of it. Idempotent per message,
because Rasa may run an action twice."""

from __future__ import annotations

from sqlalchemy import select
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
) -> None:
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
        )
    )
    session.flush()


def record_feedback(
    session: Session, *, message_key: str, sender_id: str, faq_id: str | None, helpful: bool
) -> None:
    if session.scalar(select(AnswerFeedback.id).where(AnswerFeedback.message_key == message_key)):
        return
    session.add(
        AnswerFeedback(message_key=message_key, sender_id=sender_id, faq_id=faq_id, helpful=helpful)
    )
    session.flush()
