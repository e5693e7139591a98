"""Learned phrasings: how citizens asked for an FAQ entry, confirmed by their own choices."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base
from api.core.types import UTCDateTime, utcnow


class PhrasingSource(str, enum.Enum):
    chose = "chose"  # picked from the choices offered for the question
    helpful = "helpful"  # 役に立った under the answer to the question
    imported = "import"  # staff imported the pair (`madoguchi faq learn`): trusted


class PhrasingState(str, enum.Enum):
    pending = "pending"  # not yet confirmed by enough different conversations
    active = "active"  # the search uses it
    removed = "removed"  # staff removed it: never learned again


class LearnedPhrasing(Base):
    __tablename__ = "learned_phrasings"
    # One row per entry and wording: the same content words confirm the same phrasing.
    __table_args__ = (UniqueConstraint("faq_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    faq_id: Mapped[str] = mapped_column(
        ForeignKey("faq_entries.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)  # masked: no personal data
    # The content words the search matches wordings on, sorted (api/faq/learning_text.py).
    key: Mapped[str] = mapped_column(String(500))
    source: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), index=True)
    # Conversations whose confirmation stands (not withdrawn by 役に立たなかった).
    confirmations: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    state_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    removed_by: Mapped[str | None] = mapped_column(String(200))
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PhrasingConfirmation(Base):
    """One conversation's confirmation of a phrasing. Unique per phrasing and conversation, so
    Rasa running an action again (or a citizen tapping twice) counts once."""

    __tablename__ = "learned_phrasing_confirmations"
    __table_args__ = (UniqueConstraint("phrasing_id", "conversation_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    phrasing_id: Mapped[int] = mapped_column(
        ForeignKey("learned_phrasings.id", ondelete="CASCADE"), index=True
    )
    # SHA-256 of the conversation's sender id: tells conversations apart without naming one.
    conversation_hash: Mapped[str] = mapped_column(String(64), index=True)
    source: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set when the conversation then said 役に立たなかった of the entry; never counted again.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
