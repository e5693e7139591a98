"""Assembles the metrics document for a period and a scope of departments."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from api.core.types import utcnow
from api.metrics import figures
from api.metrics.facts import CaseFact, Facts, QuestionFact, load_facts
from api.metrics.period import Period, week_of
from api.metrics.schema import (
    DepartmentCount,
    DepartmentFigures,
    MetricsDocument,
    Parameters,
    PeriodOut,
    SplitTopic,
    Tatewari,
    TransferPath,
    UnansweredTopic,
    WeekFigures,
)
from api.metrics.topics import group_texts
from api.nlp import mask, mask_fast
from api.sla.business_hours import DEFAULT_HOURS, JAPAN

# How many groups of unanswered questions, and of split inquiries, the document lists.
MAX_TOPICS = 20
# Grouping compares each text with every group so far: over a long period, the latest texts
# are grouped (topics are for what to do next; the criteria count everything).
MAX_GROUPED_TEXTS = 5000


def _weekly(facts: Facts) -> list[WeekFigures]:
    weeks = {
        monday: WeekFigures(
            week_start=monday,
            questions=0,
            answered_questions=0,
            cases_opened=0,
            cases_by_channel={},
        )
        for monday in facts.period.weeks()
    }
    for question in facts.questions:
        week = weeks[week_of(question.created_at)]
        week.questions += 1
        week.answered_questions += question.answered and question.case_id is None
    for case in facts.cases:
        week = weeks[week_of(case.created_at)]
        week.cases_opened += 1
        week.cases_by_channel[case.channel] = week.cases_by_channel.get(case.channel, 0) + 1
    return list(weeks.values())


def _departments(facts: Facts) -> list[DepartmentFigures]:
    codes = sorted(
        {c.department for c in facts.cases}
        | {q.department for q in facts.questions if q.department}
    )
    out = []
    for code in codes:
        scoped = facts.for_departments(frozenset({code}))
        department = facts.departments.get(code)
        out.append(
            DepartmentFigures(
                code=code,
                name=department.name if department else code,
                cases_opened=len(scoped.cases),
                transfers_per_case=figures.transfers_per_case(scoped.cases),
                criteria=figures.criteria(scoped),
            )
        )
    return out


def unanswered_groups(questions: list[QuestionFact]) -> list[tuple[list[QuestionFact], int]]:
    """The questions the bot did not answer, grouped by topic: (members, representative)."""
    unanswered = [q for q in questions if not q.answered][-MAX_GROUPED_TEXTS:]
    return [
        ([unanswered[i] for i in group.members], group.members.index(group.representative))
        for group in group_texts([q.text for q in unanswered])
    ]


def main_department(members: list[QuestionFact]) -> str | None:
    counts = Counter(q.department for q in members if q.department)
    return counts.most_common(1)[0][0] if counts else None


def _unanswered_topics(facts: Facts) -> list[UnansweredTopic]:
    # Questions were masked when recorded (names included); the patterns (phone numbers, My
    # Number …) are masked again in case a row escaped that.
    return [
        UnansweredTopic(
            representative=mask_fast(members[representative].text),
            count=len(members),
            department=main_department(members),
        )
        for members, representative in unanswered_groups(facts.questions)[:MAX_TOPICS]
    ]


def _tatewari(facts: Facts, masker: Callable[[str], str]) -> Tatewari:
    split: list[SplitTopic] = []
    cases: list[CaseFact] = facts.cases[-MAX_GROUPED_TEXTS:]
    for group in group_texts([c.summary for c in cases]):
        reached = Counter(
            code for i in group.members for code in dict.fromkeys(cases[i].departments_reached)
        )
        if len(reached) < 2:
            continue
        split.append(
            SplitTopic(
                representative=masker(cases[group.representative].summary),
                cases=len(group.members),
                departments=[
                    DepartmentCount(code=code, cases=n)
                    for code, n in sorted(reached.items(), key=lambda kv: (-kv[1], kv[0]))
                ],
            )
        )
        if len(split) >= MAX_TOPICS:
            break
    paths = Counter(
        pair
        for c in facts.cases
        for pair in zip(c.departments_reached, c.departments_reached[1:], strict=False)
    )
    return Tatewari(
        split_topics=split,
        transfer_paths=[
            TransferPath(from_department=a, to_department=b, count=n)
            for (a, b), n in sorted(paths.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
    )


def build_report(
    session: Session,
    period: Period,
    departments: frozenset[str] | None = None,
    *,
    now: datetime | None = None,
    masker: Callable[[str], str] = mask,
) -> MetricsDocument:
    """The document for `period`; `departments` limits it to those departments (None: all)."""
    now = now or utcnow()
    facts = load_facts(session, period, now)
    if departments is not None:
        facts = facts.for_departments(departments)
    return MetricsDocument(
        generated_at=now,
        period=PeriodOut.model_validate(
            {
                "from": period.first_day,
                "to": period.last_day,
                "as_of": facts.as_of.astimezone(JAPAN),
            }
        ),
        departments_in_scope=sorted(departments) if departments is not None else None,
        parameters=Parameters(
            review_window_days=figures.REVIEW_WINDOW_DAYS,
            office_hours=DEFAULT_HOURS,
            rating_scale=[1, 2, 3, 4, 5],
        ),
        criteria=figures.criteria(facts),
        activity=figures.activity(facts),
        weekly=_weekly(facts),
        departments=_departments(facts),
        unanswered_topics=_unanswered_topics(facts),
        tatewari=_tatewari(facts, masker),
    )
