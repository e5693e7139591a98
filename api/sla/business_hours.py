"""Time counted in a department's business hours: its opening hours on working days, in Japan
time, without public holidays (jpholiday) and the year-end closure (12/29–1/3)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import jpholiday

JAPAN = ZoneInfo("Asia/Tokyo")
DEFAULT_HOURS = {"weekdays": "08:30-17:15"}
# Bounds the day loop: a span longer than this counts as this long (cases older than a year
# are long past any target anyway).
MAX_DAYS = 400
_DAY_KEYS = ("weekdays",) * 5 + ("saturday", "sunday")


@lru_cache(maxsize=8192)  # metrics ask about the same days for every case
def is_closed_day(day: date) -> bool:
    year_end = (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)
    return year_end or jpholiday.is_holiday(day)


def opening_hours(day: date, hours: dict[str, str] | None) -> tuple[time, time] | None:
    """The opening interval of `day` under `hours` ({"weekdays": "08:30-17:15", "saturday": …}),
    or None when the office is closed."""
    if is_closed_day(day):
        return None
    spec = (hours or DEFAULT_HOURS).get(_DAY_KEYS[day.weekday()])
    if not spec:
        return None
    opens, _, closes = spec.partition("-")
    start, end = time.fromisoformat(opens.strip()), time.fromisoformat(closes.strip())
    return (start, end) if start < end else None


def business_hours_between(
    start: datetime,
    end: datetime,
    hours: dict[str, str] | None = None,
    *,
    stop_above: float | None = None,
) -> float:
    """Business hours elapsed from `start` to `end` (aware datetimes), as a float. With
    `stop_above`, counting stops once the total exceeds it (enough to tell a target missed)."""
    if end <= start:
        return 0.0
    start, end = start.astimezone(JAPAN), end.astimezone(JAPAN)
    total = timedelta()
    day = start.date()
    last = min(end.date(), day + timedelta(days=MAX_DAYS))
    while day <= last:
        interval = opening_hours(day, hours)
        if interval is not None:
            opens = datetime.combine(day, interval[0], JAPAN)
            closes = datetime.combine(day, interval[1], JAPAN)
            overlap = min(closes, end) - max(opens, start)
            if overlap > timedelta():
                total += overlap
                if stop_above is not None and total.total_seconds() > stop_above * 3600:
                    break
        day += timedelta(days=1)
    return total.total_seconds() / 3600
