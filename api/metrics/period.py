"""The reporting period: calendar days in Japan time, both ends included."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from api.core.errors import AppError
from api.sla.business_hours import JAPAN

MAX_DAYS = 731  # two years: enough for any year-on-year comparison, bounded for the database


class PeriodError(AppError):
    status_code = 422
    code = "invalid_period"


@dataclass(frozen=True)
class Period:
    first_day: date
    last_day: date

    @classmethod
    def of(cls, first_day: date, last_day: date) -> Period:
        if last_day < first_day:
            raise PeriodError(f"'to' ({last_day}) is before 'from' ({first_day})")
        days = (last_day - first_day).days + 1
        if days > MAX_DAYS:
            raise PeriodError(f"the period has {days} days; at most {MAX_DAYS} are allowed")
        return cls(first_day, last_day)

    @property
    def start(self) -> datetime:
        """00:00 Japan time of the first day."""
        return datetime.combine(self.first_day, time(), JAPAN)

    @property
    def end(self) -> datetime:
        """00:00 Japan time of the day after the last day (excluded)."""
        return datetime.combine(self.last_day + timedelta(days=1), time(), JAPAN)

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    def as_of(self, now: datetime) -> datetime:
        """What is known is what happened before the period's end (or before now, for a period
        not over yet): a past period's figures do not change when computed again later."""
        return min(self.end, now)

    def weeks(self) -> list[date]:
        """The Mondays of the weeks the period touches."""
        monday = self.first_day - timedelta(days=self.first_day.weekday())
        out = []
        while monday <= self.last_day:
            out.append(monday)
            monday += timedelta(days=7)
        return out


def week_of(moment: datetime) -> date:
    day = moment.astimezone(JAPAN).date()
    return day - timedelta(days=day.weekday())
