from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base
from api.core.types import UTCDateTime, utcnow


class DeliveryState(str, enum.Enum):
    pending = "pending"  # waiting for next_attempt_at
    sending = "sending"  # claimed by a dispatcher until next_attempt_at (its lease)
    delivered = "delivered"
    failed = "failed"  # permanently refused, or out of attempts


class OutboxDelivery(Base):
    """Messages for one citizen through one channel, sent all together after the commit."""

    __tablename__ = "outbox_deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="SET NULL"), index=True
    )
    channel: Mapped[str] = mapped_column(String(32))
    # The channel's address of the citizen; emptied, with the messages, once the delivery is
    # over (the case's history keeps what was said).
    recipient: Mapped[str] = mapped_column(String(200))
    # [{"text", "author", "buttons": [{"title", "payload"}]}]
    messages: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # One key for every attempt: the channel delivers a repeated send once (X-Line-Retry-Key).
    retry_key: Mapped[str] = mapped_column(String(36), unique=True)
    state: Mapped[str] = mapped_column(String(16), default=DeliveryState.pending.value, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # pending: not before; sending: the claim's lease ends (then another dispatcher may retry).
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    last_error: Mapped[str | None] = mapped_column(String(200))  # a reason, never message text
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
