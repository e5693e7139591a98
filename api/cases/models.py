from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.core.db import Base
from api.core.types import UTCDateTime, utcnow


class CaseKind(str, enum.Enum):
    report = "report"  # something is broken, dirty or dangerous at a place
    inquiry = "inquiry"  # a question the FAQ could not answer
    human_request = "human_request"  # the citizen asked for a person


class CaseStatus(str, enum.Enum):
    new = "new"
    in_progress = "in_progress"
    waiting_citizen = "waiting_citizen"
    resolved = "resolved"


class CaseEventKind(str, enum.Enum):
    created = "created"
    assigned = "assigned"
    transferred = "transferred"
    commented = "commented"
    status_changed = "status_changed"
    replied = "replied"  # a staff message sent to the citizen
    # The message recorded just before did not reach the citizen (LINE refused the push after
    # the change was saved): staff send it again.
    delivery_failed = "delivery_failed"
    citizen_message = "citizen_message"  # what the citizen wrote during a live handoff
    handoff_started = "handoff_started"
    handoff_ended = "handoff_ended"
    # The satisfaction survey after a resolution (ratings only; the comment stays in
    # case_surveys, masked).
    survey_sent = "survey_sent"
    survey_answered = "survey_answered"
    survey_declined = "survey_declined"
    # Places: staff linked the case as a duplicate of another (or undid it); a citizen said a
    # new report was the same problem as this open case.
    linked = "linked"
    unlinked = "unlinked"
    duplicate_reported = "duplicate_reported"


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_number: Mapped[str] = mapped_column(String(16), unique=True)
    # Rasa may run an action twice; the key makes the second run find the first case.
    idempotency_key: Mapped[str | None] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32), default=CaseStatus.new.value, index=True)
    channel: Mapped[str] = mapped_column(String(32))
    sender_id: Mapped[str | None] = mapped_column(String(200), index=True)
    department_code: Mapped[str] = mapped_column(ForeignKey("departments.code"), index=True)
    routing_confidence: Mapped[float | None] = mapped_column(Float)
    routing_alternatives: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    summary: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(Text)
    # The place as a point (WGS 84), when the citizen's app or LINE gave one.
    latitude: Mapped[float | None] = mapped_column(Float, index=True)  # nearby: bounding box
    longitude: Mapped[float | None] = mapped_column(Float)
    # Immediate danger (a road caved in, a fallen tree, a gas smell): first in the staff queue.
    urgent: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    contact: Mapped[str | None] = mapped_column(String(300))
    # The language the citizen wrote in (ISO 639-1), from the conversation; None: not known.
    language: Mapped[str | None] = mapped_column(String(16))
    contact_declined: Mapped[bool] = mapped_column(Boolean, default=False)
    # Non-personal spans picked out of the description (place, facility, date).
    entities: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    assignee: Mapped[str | None] = mapped_column(String(200))
    transfer_count: Mapped[int] = mapped_column(Integer, default=0)
    resolution_message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Given with the case number: whoever asks about the case from another conversation (a
    # phone, another browser) proves with it that the case is theirs. Numbers are sequential;
    # the code is not.
    access_code: Mapped[str | None] = mapped_column(String(12))
    # Wrong codes given for this case in a row: enough of them stop lookups by code.
    access_code_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Set when the personal fields were erased (retention or the citizen's request): the row
    # stays for the anonymous counts.
    personal_data_erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.id", cascade="all, delete-orphan"
    )


class CaseEvent(Base):
    """The case's history: every change, who made it and what it was before and after."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    case: Mapped[Case] = relationship(back_populates="events")


class CaseNumberCounter(Base):
    __tablename__ = "case_number_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class CaseLink(Base):
    """Staff's judgement that a case is the same problem as another (its original): the
    duplicate keeps its own history, the original is where the work happens."""

    __tablename__ = "case_links"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    duplicate_of_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    linked_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
