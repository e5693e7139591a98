from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base
from api.core.types import UTCDateTime, utcnow


class Handoff(Base):
    """A member of staff talking with the citizen in person: while it lasts (ended_at is None)
    the citizen's messages go to the case thread and the bot stays silent."""

    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sender_id: Mapped[str] = mapped_column(String(200), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    # None: the citizen asked for a live chat and nobody has taken it yet.
    staff: Mapped[str | None] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class StaffPresence(Base):
    """When a member of staff last had the console open (it checks in every minute): who can
    answer a live chat now."""

    __tablename__ = "staff_presence"

    username: Mapped[str] = mapped_column(
        ForeignKey("staff_users.username", ondelete="CASCADE"), primary_key=True
    )
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
