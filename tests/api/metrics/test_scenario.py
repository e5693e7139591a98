"""Every figure of the metrics document on the Golden Week scenario (scenario.py), worked out
by hand from its events. Business hours: 08:30–17:15 on working days (8.75 h a day); 4/29 and
5/3–5/6 are holidays; 道路維持課 (roads) promises a first response in 4 h, the others in 8 h;
resolution in 40 h."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy.orm import Session

from api.cases.models import Case
from api.metrics.period import Period
from api.metrics.report import build_report
from tests.api.metrics.scenario import FIRST_DAY, LAST_DAY

NOW = datetime(2026, 11, 27, 9, tzinfo=timezone.utc)


def fig(
    value: float | None, unit: str, numerator: int | None = None, denominator: int | None = None
) -> dict:
    return {"value": value, "unit": unit, "numerator": numerator, "denominator": denominator}


def rate(numerator: int, denominator: int, value: float | None) -> dict:
    return fig(value, "rate", numerator, denominator)


def count(n: int) -> dict:
    return fig(n, "count")


CITY_CRITERIA = {
    "anshin": {
        # Out of hours: q2 (20:00, answered), q3 (holiday, answered after a choice), q4
        # (Saturday, not answered), c4 (Saturday report), c6 (Sunday request): 4 of 5.
        "out_of_hours_contacts": count(5),
        "out_of_hours_acknowledged_rate": rate(4, 5, 0.8),
        "stored_texts_with_personal_data": count(0),  # q6's phone number was masked
    },
    "shinrai": {
        # q1 and q3c answered from entries reviewed this year; q2's entry dates from 2024.
        "reviewed_answer_rate": rate(2, 3, 0.6667),
        # c1 11 h > 4 (missed), c2 0.5 h (met), c3 11.5 h > 4 (missed), c4 17.5 h running > 4
        # (missed), c5 1 h (met); c6 has had no business hour yet (not decided).
        "first_response_target_met_rate": rate(2, 5, 0.4),
        # c1 20.75 h, c2 3 h, c3 11.5 h: all within 40; c4, c5, c6 still open within target.
        "resolution_target_met_rate": rate(3, 3, 1.0),
    },
    "shinsetsu": {
        "bot_rating_mean": fig(3.0, "score", 6, 2),  # 2 (c2) and 4 (c1)
        "staff_rating_mean": fig(5.0, "score", 5, 1),
        "survey_response_rate": rate(2, 3, 0.6667),  # c0's survey was never answered
    },
    "jinsoku": {
        # First responses 0.5 (c2), 1.0 (c5), 11.0 (c1), 11.5 (c3: its resolution).
        "first_response_hours_median": fig(6.0, "business_hours", None, 4),
        # Resolutions 3.0 (c2, its first), 11.5 (c3), 20.75 (c1).
        "resolution_hours_median": fig(11.5, "business_hours", None, 3),
    },
    "kakujitsu": {
        "helpful_answer_rate": rate(1, 2, 0.5),
        "resolved_without_reopening_rate": rate(2, 3, 0.6667),  # c2 was reopened
        "routed_without_transfer_rate": rate(5, 6, 0.8333),  # c3 went waste → roads
    },
}

ACTIVITY = {
    "questions": count(6),
    "answer_rate": rate(2, 6, 0.3333),  # q1, q3 (q2 was answered, then became a case)
    "escalation_rate": rate(2, 6, 0.3333),  # q2, q6
    "cases_opened": count(6),
    "transfers_per_case": fig(0.1667, "per_case", 1, 6),
    "cases_by_channel": {"line": 1, "phone": 1, "web": 4},
    "cases_by_kind": {"human_request": 1, "inquiry": 2, "report": 3},
    "questions_by_channel": {"line": 1, "web": 5},
}


def report(session: Session) -> dict:
    document = build_report(session, Period.of(FIRST_DAY, LAST_DAY), now=NOW)
    return document.model_dump(mode="json", by_alias=True)


def test_city_criteria_and_activity(scenario: dict[str, Case], seeded: Session) -> None:
    data = report(seeded)
    assert data["schema_version"] == "1.0"
    assert data["period"] == {
        "from": "2026-04-27",
        "to": "2026-05-10",
        "timezone": "Asia/Tokyo",
        "as_of": "2026-05-11T00:00:00+09:00",
    }
    assert data["criteria"] == CITY_CRITERIA
    assert data["activity"] == ACTIVITY


def test_weeks_departments_topics_and_tatewari(scenario: dict[str, Case], seeded: Session) -> None:
    data = report(seeded)
    assert data["weekly"] == [
        {
            "week_start": "2026-04-27",
            "questions": 4,
            "answered_questions": 2,
            "cases_opened": 4,
            "cases_by_channel": {"line": 1, "phone": 1, "web": 2},
        },
        {
            "week_start": "2026-05-04",
            "questions": 2,
            "answered_questions": 0,
            "cases_opened": 2,
            "cases_by_channel": {"web": 2},
        },
    ]
    departments = {d["code"]: d for d in data["departments"]}
    assert sorted(departments) == ["general", "residents", "roads", "waste"]
    roads = departments["roads"]
    assert roads["name"] == "道路維持課"
    assert roads["cases_opened"] == 3  # c1, c3 (transferred in), c4
    assert roads["transfers_per_case"] == fig(0.3333, "per_case", 1, 3)
    assert roads["criteria"]["jinsoku"] == {
        "first_response_hours_median": fig(11.25, "business_hours", None, 2),
        "resolution_hours_median": fig(16.12, "business_hours", None, 2),
    }
    assert roads["criteria"]["shinrai"]["first_response_target_met_rate"] == rate(0, 3, 0.0)
    assert roads["criteria"]["shinrai"]["reviewed_answer_rate"] == rate(1, 1, 1.0)  # q3c
    assert roads["criteria"]["shinsetsu"]["staff_rating_mean"] == fig(5.0, "score", 5, 1)
    residents = departments["residents"]["criteria"]
    assert residents["kakujitsu"]["resolved_without_reopening_rate"] == rate(0, 1, 0.0)
    assert residents["kakujitsu"]["helpful_answer_rate"] == rate(0, 1, 0.0)
    assert residents["anshin"]["out_of_hours_acknowledged_rate"] == rate(1, 1, 1.0)  # q2
    waste = departments["waste"]["criteria"]
    assert waste["shinsetsu"]["survey_response_rate"] == rate(0, 1, 0.0)  # c0's survey

    assert data["unanswered_topics"] == [
        {"representative": "公園の遊具が壊れていて危ないです", "count": 2, "department": None},
        {
            "representative": "犬の登録をしたいです。電話は［電話番号］です",
            "count": 1,
            "department": "general",
        },
    ]
    assert data["tatewari"] == {
        "split_topics": [
            {
                "representative": "緑町の道路に穴があいています",
                "cases": 2,
                "departments": [{"code": "roads", "cases": 2}, {"code": "waste", "cases": 1}],
            },
        ],
        "transfer_paths": [{"from_department": "waste", "to_department": "roads", "count": 1}],
    }


def test_a_department_scope_counts_only_that_department(
    scenario: dict[str, Case], seeded: Session
) -> None:
    document = build_report(
        seeded, Period.of(FIRST_DAY, LAST_DAY), frozenset({"roads"}), now=NOW
    ).model_dump(mode="json", by_alias=True)
    assert document["departments_in_scope"] == ["roads"]
    assert document["activity"]["cases_opened"] == count(3)
    assert document["activity"]["questions"] == count(1)  # q3, answered from a roads entry
    assert [d["code"] for d in document["departments"]] == ["roads"]
    assert document["unanswered_topics"] == []


def test_figures_of_a_past_period_do_not_change_later(
    scenario: dict[str, Case], seeded: Session
) -> None:
    """c5 was resolved after the period: a report made later says the same as one made then."""
    later = report(seeded)
    on_the_last_evening = build_report(
        seeded, Period.of(FIRST_DAY, LAST_DAY), now=datetime(2026, 5, 10, 14, tzinfo=timezone.utc)
    ).model_dump(mode="json", by_alias=True)
    assert later["criteria"] == on_the_last_evening["criteria"]
    assert later["activity"] == on_the_last_evening["activity"]
