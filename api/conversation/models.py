from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base
from api.core.types import UTCDateTime, utcnow


class ConversationLanguage(Base):
    """The language a conversation (any channel's sender) is held in: the language of the
    citizen's latest message that had one. A case opened in the conversation takes it."""

    __tablename__ = "conversation_languages"

    sender_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    language: Mapped[str] = mapped_column(String(16))  # ISO 639-1: ja, en, zh, ko, vi …
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
