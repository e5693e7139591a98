from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base
from api.core.types import UTCDateTime, utcnow


class SurveyStep(str, enum.Enum):
    """Where the citizen is in the survey: the bot is rated first, then staff, then a comment."""

    bot = "bot"  # asked to rate the bot
    staff = "staff"  # asked to rate the staff
    comment = "comment"  # asked for an optional comment
    done = "done"
    declined = "declined"  # the citizen chose not to answer
    expired = "expired"  # no answer within the survey's lifetime


# The steps at which a survey still takes the citizen's answers.
OPEN_STEPS = (SurveyStep.bot, SurveyStep.staff, SurveyStep.comment)


class CaseSurvey(Base):
    """The satisfaction survey sent once when a case is resolved (1–5 for the bot, 1–5 for
    staff, an optional comment). At most one per case."""

    __tablename__ = "case_surveys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), unique=True, index=True
    )
    sender_id: Mapped[str] = mapped_column(String(200), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    step: Mapped[str] = mapped_column(String(16), default=SurveyStep.bot.value)
    bot_rating: Mapped[int | None] = mapped_column(Integer)
    staff_rating: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)  # masked: no personal data
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    bot_rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    staff_rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
