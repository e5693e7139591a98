from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base
from api.core.types import UTCDateTime, utcnow


class FaqEntry(Base):
    __tablename__ = "faq_entries"

    # The source's own id is kept, so a re-import updates instead of duplicating.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    department_code: Mapped[str | None] = mapped_column(
        ForeignKey("departments.code", ondelete="SET NULL"), index=True
    )
    alternatives: Mapped[list[str]] = mapped_column(JSON, default=list)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    url: Mapped[str | None] = mapped_column(String(500))
    # English text, when the city wrote one: English questions find these entries first.
    question_en: Mapped[str | None] = mapped_column(Text)
    answer_en: Mapped[str | None] = mapped_column(Text)
    # The answer in やさしい日本語 (short sentences, everyday words), when staff wrote one.
    answer_easy: Mapped[str | None] = mapped_column(Text)
    # When staff last confirmed the content: set by every create, edit and import.
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
