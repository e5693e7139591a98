from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base
from api.core.types import UTCDateTime, utcnow


class BotAnswer(Base):
    """Each time the bot answered from the FAQ (or offered choices, or found nothing): the raw
    material of the answer rate and of the questions the FAQ does not cover yet."""

    __tablename__ = "bot_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # Rasa may run an action twice; the message id keeps one row per question.
    message_key: Mapped[str] = mapped_column(String(300), unique=True)
    sender_id: Mapped[str] = mapped_column(String(200), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    decision: Mapped[str] = mapped_column(String(16))  # answer, clarify, escalate
    faq_id: Mapped[str | None] = mapped_column(String(64), index=True)
    question: Mapped[str] = mapped_column(Text)  # masked: no personal data
    # "question": the bot searched the FAQ for what the citizen wrote; "choice": the citizen
    # picked one of the entries offered for the question recorded under `parent_key`.
    source: Mapped[str] = mapped_column(String(16), default="question", server_default="question")
    parent_key: Mapped[str | None] = mapped_column(String(300), index=True)
    # The case opened from this question (an inquiry after no answer or an unhelpful one).
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="SET NULL"), index=True
    )
    # When the answering FAQ entry was last reviewed, as it stood when the bot answered.
    faq_reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class AnswerFeedback(Base):
    """役に立った / 役に立たなかった for one answer."""

    __tablename__ = "answer_feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    message_key: Mapped[str] = mapped_column(String(300), unique=True)
    sender_id: Mapped[str] = mapped_column(String(200), index=True)
    faq_id: Mapped[str | None] = mapped_column(String(64), index=True)
    helpful: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
