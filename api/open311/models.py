from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base
from api.core.types import UTCDateTime, utcnow


class Open311Client(Base):
    """An application allowed to post reports, with its API key (only the SHA-256 is kept)
    and its rate-limit window (a fixed window per minute, counted in the database so that
    several API processes share it)."""

    __tablename__ = "open311_clients"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    key_prefix: Mapped[str] = mapped_column(String(12))  # shown to administrators, not secret
    requests_per_minute: Mapped[int] = mapped_column(Integer, default=30)
    window_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    window_count: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Open311Request(Base):
    """What an Open311 POST brought besides the case itself. Only cases posted through
    Open311 are published by GET requests: a citizen's chat never is."""

    __tablename__ = "open311_requests"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    client_id: Mapped[int] = mapped_column(ForeignKey("open311_clients.id"), index=True)
    service_code: Mapped[str] = mapped_column(ForeignKey("report_categories.code"), index=True)
    # The description as published (personal data masked once, when posted).
    public_description: Mapped[str] = mapped_column(Text, default="")
    address_string: Mapped[str | None] = mapped_column(Text)
    media_url: Mapped[str | None] = mapped_column(String(2000))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
