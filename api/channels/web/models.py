from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base
from api.core.types import UTCDateTime, utcnow


class WebOutboxMessage(Base):
    """A message for a citizen's web widget (a staff reply), kept until read and after: the
    widget's event stream reads from here, so a reply survives a reconnect, a reload, and a
    second API process."""

    __tablename__ = "web_outbox_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sender_id: Mapped[str] = mapped_column(String(200), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    author: Mapped[str] = mapped_column(String(32))  # "staff"
    body: Mapped[str] = mapped_column(Text)
    # [{"title", "payload"}]: choices the widget shows under the message (a survey's ratings).
    buttons: Mapped[list[dict[str, Any]]] = mapped_column(
        JSON, default=list, server_default=text("'[]'")
    )
    # The outbox delivery that wrote it (its retry key): a repeated send adds nothing.
    delivery_key: Mapped[str | None] = mapped_column(String(36), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WebChatSession(Base):
    """A web conversation the server issued: its id (the sender id, unguessable) and the SHA-256
    of its secret token. Only the widget that received the token may write into the
    conversation or read its event stream."""

    __tablename__ = "web_chat_sessions"

    sender_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The retention purge forgets conversations idle for longer than the policy allows.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
