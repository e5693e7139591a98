"""The five criteria and the activity figures, computed from `Facts` (definitions with the
same names in docs/metrics.md)."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import datetime, timedelta

from api.departments.models import Department
from api.metrics.facts import CaseFact, Facts
from api.metrics.schema import (
    Activity,
    Anshin,
    Criteria,
    Figure,
    Jinsoku,
    Kakujitsu,
    Shinrai,
    Shinsetsu,
)
from api.nlp import mask_fast
from api.sla.business_hours import DEFAULT_HOURS, JAPAN, business_hours_between, opening_hours

REVIEW_WINDOW_DAYS = 365  # an answer is "reviewed" when its entry was reviewed within a year
DEFAULT_FIRST_RESPONSE_TARGET = 8
DEFAULT_RESOLUTION_TARGET = 40
BOT_CHANNELS = frozenset({"web", "line"})


def rate(numerator: int, denominator: int) -> Figure:
    value = round(numerator / denominator, 4) if denominator else None
    return Figure(value=value, unit="rate", numerator=numerator, denominator=denominator)


def count(n: int) -> Figure:
    return Figure(value=n, unit="count")


def median_hours(values: list[float]) -> Figure:
    value = round(statistics.median(values), 2) if values else None
    return Figure(value=value, unit="business_hours", denominator=len(values))


def mean_score(ratings: list[int]) -> Figure:
    value = round(sum(ratings) / len(ratings), 2) if ratings else None
    return Figure(value=value, unit="score", numerator=sum(ratings), denominator=len(ratings))


def per_case(total: int, cases: int) -> Figure:
    value = round(total / cases, 4) if cases else None
    return Figure(value=value, unit="per_case", numerator=total, denominator=cases)


def is_out_of_hours(moment: datetime, hours: dict[str, str] | None = None) -> bool:
    """Outside the city office's opening hours (closed days included)."""
    local = moment.astimezone(JAPAN)
    interval = opening_hours(local.date(), hours or DEFAULT_HOURS)
    return interval is None or not (interval[0] <= local.time() < interval[1])


def _hours(department: Department | None) -> dict[str, str] | None:
    return department.hours if department else None


def _targets(department: Department | None) -> tuple[int, int]:
    if department is None:
        return DEFAULT_FIRST_RESPONSE_TARGET, DEFAULT_RESOLUTION_TARGET
    return department.first_response_target_hours, department.resolution_target_hours


def _elapsed(
    case: CaseFact,
    stop: datetime,
    departments: dict[str, Department],
    stop_above: float | None = None,
) -> float:
    return business_hours_between(
        case.created_at, stop, _hours(departments.get(case.department)), stop_above=stop_above
    )


def _target_met(facts: Facts, *, resolution: bool) -> Figure:
    """Among cases whose clock is decided: stopped (met when within its target) or still
    running past its target (missed). Cases still running within their target are left out."""
    met = decided = 0
    for case in facts.cases:
        target = _targets(facts.departments.get(case.department))[1 if resolution else 0]
        stop = case.first_resolved_at if resolution else case.first_response_at
        # A clock still running only needs to be known past its target or not.
        limit = None if stop is not None else target
        elapsed = _elapsed(case, stop or facts.as_of, facts.departments, limit)
        if stop is not None:
            decided += 1
            met += elapsed <= target
        elif elapsed > target:
            decided += 1
    return rate(met, decided)


def anshin(facts: Facts) -> Anshin:
    contacts = acknowledged = 0
    for question in facts.questions:
        if is_out_of_hours(question.created_at):
            contacts += 1
            acknowledged += question.answered or question.case_id is not None
    for case in facts.cases:
        # A case opened by the bot on its own (a report, a request for a person) always gave
        # the citizen a case number at once.
        direct = case.channel in BOT_CHANNELS and not case.from_question
        if direct and is_out_of_hours(case.created_at):
            contacts += 1
            acknowledged += 1
    texts = [q.text for q in facts.questions] + [s.comment for s in facts.surveys if s.comment]
    exposed = sum(1 for text in texts if mask_fast(text) != text)
    return Anshin(
        out_of_hours_contacts=count(contacts),
        out_of_hours_acknowledged_rate=rate(acknowledged, contacts),
        stored_texts_with_personal_data=count(exposed),
    )


def shinrai(facts: Facts) -> Shinrai:
    window = timedelta(days=REVIEW_WINDOW_DAYS)
    reviewed = sum(
        1
        for a in facts.answers
        if a.faq_reviewed_at is not None and a.created_at - a.faq_reviewed_at <= window
    )
    return Shinrai(
        reviewed_answer_rate=rate(reviewed, len(facts.answers)),
        first_response_target_met_rate=_target_met(facts, resolution=False),
        resolution_target_met_rate=_target_met(facts, resolution=True),
    )


def shinsetsu(facts: Facts) -> Shinsetsu:
    period = facts.period
    bot = [
        s.bot_rating
        for s in facts.surveys
        if s.bot_rating is not None and s.bot_rated_at and period.contains(s.bot_rated_at)
    ]
    staff = [
        s.staff_rating
        for s in facts.surveys
        if s.staff_rating is not None and s.staff_rated_at and period.contains(s.staff_rated_at)
    ]
    asked = [s for s in facts.surveys if period.contains(s.asked_at)]
    responded = sum(1 for s in asked if s.bot_rating is not None or s.staff_rating is not None)
    return Shinsetsu(
        bot_rating_mean=mean_score(bot),
        staff_rating_mean=mean_score(staff),
        survey_response_rate=rate(responded, len(asked)),
    )


def jinsoku(facts: Facts) -> Jinsoku:
    first = [
        _elapsed(c, c.first_response_at, facts.departments)
        for c in facts.cases
        if c.first_response_at is not None
    ]
    resolved = [
        _elapsed(c, c.first_resolved_at, facts.departments)
        for c in facts.cases
        if c.first_resolved_at is not None
    ]
    return Jinsoku(
        first_response_hours_median=median_hours(first),
        resolution_hours_median=median_hours(resolved),
    )


def kakujitsu(facts: Facts) -> Kakujitsu:
    resolved = [c for c in facts.cases if c.first_resolved_at is not None]
    return Kakujitsu(
        helpful_answer_rate=rate(sum(f.helpful for f in facts.feedback), len(facts.feedback)),
        resolved_without_reopening_rate=rate(sum(not c.reopened for c in resolved), len(resolved)),
        routed_without_transfer_rate=rate(
            sum(len(c.departments_reached) == 1 for c in facts.cases), len(facts.cases)
        ),
    )


def criteria(facts: Facts) -> Criteria:
    return Criteria(
        anshin=anshin(facts),
        shinrai=shinrai(facts),
        shinsetsu=shinsetsu(facts),
        jinsoku=jinsoku(facts),
        kakujitsu=kakujitsu(facts),
    )


def transfers_per_case(cases: list[CaseFact]) -> Figure:
    return per_case(sum(len(c.departments_reached) - 1 for c in cases), len(cases))


def activity(facts: Facts) -> Activity:
    questions = facts.questions
    answered = sum(1 for q in questions if q.answered and q.case_id is None)
    escalated = sum(1 for q in questions if q.case_id is not None)
    return Activity(
        questions=count(len(questions)),
        answer_rate=rate(answered, len(questions)),
        escalation_rate=rate(escalated, len(questions)),
        cases_opened=count(len(facts.cases)),
        transfers_per_case=transfers_per_case(facts.cases),
        cases_by_channel=dict(sorted(Counter(c.channel for c in facts.cases).items())),
        cases_by_kind=dict(sorted(Counter(c.kind for c in facts.cases).items())),
        questions_by_channel=dict(sorted(Counter(q.channel for q in questions).items())),
    )
