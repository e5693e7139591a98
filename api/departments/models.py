from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base
from api.core.types import UTCDateTime, utcnow


class Department(Base):
    __tablename__ = "departments"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # The name in other languages, by locale ({"en": "Road Maintenance Division"}): what a
    # citizen conversing in that language is told. `name` is the Japanese name.
    names: Mapped[dict[str, str] | None] = mapped_column(JSON, default=dict)
    bureau: Mapped[str | None] = mapped_column(String(200))
    handles: Mapped[str] = mapped_column(Text, default="")
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    phone: Mapped[str | None] = mapped_column(String(40))
    # Reachable at night and on holidays (道路・水道の緊急連絡先): told at once when a report
    # signals immediate danger.
    emergency_phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    # {"weekdays": "08:30-17:15", "saturday": "09:00-12:00"}
    hours: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    first_response_target_hours: Mapped[int] = mapped_column(Integer, default=8)
    resolution_target_hours: Mapped[int] = mapped_column(Integer, default=40)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    def name_in(self, language: str) -> str:
        """The name a citizen conversing in `language` reads (Japanese when none is given)."""
        return (self.names or {}).get(language) or self.name
