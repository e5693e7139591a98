from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from api.cases.models import Case, CaseEvent
from api.departments.models import Department
from api.sla.business_hours import business_hours_between
from api.sla.service import case_sla

JST = ZoneInfo("Asia/Tokyo")
WEEKDAYS = {"weekdays": "08:30-17:15"}
WITH_SATURDAY = {"weekdays": "08:30-17:15", "saturday": "09:00-12:00"}


def jst(*args: int) -> datetime:
    return datetime(*args, tzinfo=JST)


@pytest.mark.parametrize(
    ("start", "end", "hours", "expected"),
    [
        (jst(2026, 11, 30, 9), jst(2026, 11, 30, 12), WEEKDAYS, 3.0),  # a Monday morning
        (jst(2026, 11, 30, 7), jst(2026, 11, 30, 8, 45), WEEKDAYS, 0.25),  # before opening
        (jst(2026, 11, 27, 16, 15), jst(2026, 11, 30, 9, 30), WEEKDAYS, 2.0),  # over a weekend
        # Friday 17:00 to Tuesday 9:30, Monday 11/23 is 勤労感謝の日.
        (jst(2026, 11, 20, 17), jst(2026, 11, 24, 9, 30), WEEKDAYS, 1.25),
        # 12/29 to 1/3 closed; 1/1 and the 1/4 Monday morning.
        (jst(2026, 12, 28, 17), jst(2027, 1, 4, 8, 30), WEEKDAYS, 0.25),
        (jst(2026, 11, 28, 8), jst(2026, 11, 28, 13), WITH_SATURDAY, 3.0),  # a Saturday
        (jst(2026, 11, 28, 8), jst(2026, 11, 28, 13), WEEKDAYS, 0.0),
        (jst(2026, 11, 30, 12), jst(2026, 11, 30, 9), WEEKDAYS, 0.0),  # end before start
        (jst(2026, 11, 30, 9), jst(2026, 11, 30, 12), None, 3.0),  # default hours
        # Aware datetimes in UTC are read in Japan time: 00:00 UTC is 09:00 JST.
        (
            datetime(2026, 11, 30, 0, tzinfo=timezone.utc),
            datetime(2026, 11, 30, 3, tzinfo=timezone.utc),
            WEEKDAYS,
            3.0,
        ),
    ],
)
def test_business_hours_between(
    start: datetime, end: datetime, hours: dict[str, str] | None, expected: float
) -> None:
    assert business_hours_between(start, end, hours) == pytest.approx(expected)


def test_counting_can_stop_once_past_a_limit() -> None:
    start, year_later = jst(2026, 11, 30, 9), jst(2027, 11, 30, 9)
    full = business_hours_between(start, year_later, WEEKDAYS)
    stopped = business_hours_between(start, year_later, WEEKDAYS, stop_above=10)
    assert full > 1000
    assert 10 < stopped <= 10 + 8.75  # within the day that passed the limit
    # Below the limit the answer is exact.
    assert business_hours_between(start, jst(2026, 11, 30, 12), stop_above=10) == 3.0


def test_case_sla_clocks() -> None:
    department = Department(
        code="roads",
        name="道路維持課",
        hours=WEEKDAYS,
        first_response_target_hours=4,
        resolution_target_hours=16,
    )
    case = Case(created_at=jst(2026, 11, 27, 16, 15), resolved_at=None)
    case.events = [
        CaseEvent(kind="created", actor="bot", data={}, created_at=case.created_at),
        CaseEvent(kind="commented", actor="sato", data={}, created_at=jst(2026, 11, 30, 9)),
        CaseEvent(kind="replied", actor="sato", data={}, created_at=jst(2026, 11, 30, 9, 30)),
    ]
    sla = case_sla(case, department, now=jst(2026, 12, 2, 10))
    assert sla.first_response.elapsed_hours == 2.0 and not sla.first_response.overdue
    assert sla.first_response.stopped_at == jst(2026, 11, 30, 9, 30)
    # Still open: Fri 1h + Mon 8.75h + Tue 8.75h + Wed 1.5h = 20h against 16.
    assert sla.resolution.stopped_at is None
    assert sla.resolution.elapsed_hours == 20.0 and sla.resolution.overdue
