from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base
from api.core.types import UTCDateTime, utcnow


class ReportCategory(Base):
    """A kind of street problem a citizen can report (道路の穴, 街灯の故障 …), owned by one
    department. Open311 calls these services; the code is the service_code."""

    __tablename__ = "report_categories"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    department_code: Mapped[str] = mapped_column(ForeignKey("departments.code"), index=True)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Extra questions the category needs (Open311 attributes):
    # [{"code", "description", "datatype", "required", "values": [{"key", "name"}]}]
    attributes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
