"""What the metrics are computed from, read once from the database as plain records, each as
it stood at the period's `as_of` moment (later events are ignored, so a past period's figures
never change)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from api.cases.models import Case, CaseEventKind
from api.departments.models import Department
from api.faq.models import FaqEntry
from api.feedback.models import AnswerFeedback, BotAnswer
from api.metrics.period import Period
from api.sla.service import is_staff_response
from api.survey.models import CaseSurvey

RESOLVED = "resolved"
# A rating given in the period may answer a survey asked before it (a survey stays open for
# two weeks); older surveys cannot hold ratings given in the period.
SURVEY_LOOKBACK = timedelta(days=31)


@dataclass(frozen=True)
class QuestionFact:
    """A citizen's question the bot searched the FAQ for."""

    created_at: datetime
    channel: str
    answered: bool  # an FAQ answer, directly or by a choice among the entries offered
    case_id: int | None  # the inquiry case opened from it
    department: str | None  # of the FAQ entry that answered, else of the case
    text: str  # masked when recorded


@dataclass(frozen=True)
class AnswerFact:
    """An FAQ answer given (to a question or to a choice)."""

    created_at: datetime
    department: str | None
    faq_reviewed_at: datetime | None


@dataclass(frozen=True)
class FeedbackFact:
    created_at: datetime
    helpful: bool
    department: str | None


@dataclass(frozen=True)
class CaseFact:
    id: int
    created_at: datetime
    channel: str
    kind: str
    department: str  # where the case is at `as_of`
    departments_reached: tuple[str, ...]  # in order, the first one included
    summary: str  # NOT masked: mask before it leaves the process
    first_response_at: datetime | None
    first_resolved_at: datetime | None
    reopened: bool
    from_question: bool  # opened from a question the bot recorded


@dataclass(frozen=True)
class SurveyFact:
    asked_at: datetime
    department: str
    bot_rating: int | None  # as given before `as_of`
    bot_rated_at: datetime | None
    staff_rating: int | None
    staff_rated_at: datetime | None
    comment: str | None  # masked when recorded


@dataclass
class Facts:
    period: Period
    as_of: datetime
    departments: dict[str, Department]
    questions: list[QuestionFact] = field(default_factory=list)
    answers: list[AnswerFact] = field(default_factory=list)
    feedback: list[FeedbackFact] = field(default_factory=list)
    cases: list[CaseFact] = field(default_factory=list)
    surveys: list[SurveyFact] = field(default_factory=list)

    def for_departments(self, codes: frozenset[str]) -> Facts:
        """The facts attributed to `codes`; what has no department (an unanswered question
        without a case) belongs to no department."""
        return Facts(
            period=self.period,
            as_of=self.as_of,
            departments={c: d for c, d in self.departments.items() if c in codes},
            questions=[q for q in self.questions if q.department in codes],
            answers=[a for a in self.answers if a.department in codes],
            feedback=[f for f in self.feedback if f.department in codes],
            cases=[c for c in self.cases if c.department in codes],
            surveys=[s for s in self.surveys if s.department in codes],
        )


def _case_fact(case: Case, as_of: datetime, linked: set[int]) -> CaseFact:
    events = [e for e in case.events if e.created_at < as_of]
    reached: list[str] = []
    first_response = first_resolved = None
    reopened = False
    for event in events:
        data: dict[str, Any] = event.data or {}
        if event.kind == CaseEventKind.created.value:
            reached.append(str(data.get("department") or case.department_code))
        elif event.kind == CaseEventKind.transferred.value:
            reached.append(str(data["after"]))
        elif event.kind == CaseEventKind.status_changed.value:
            if data.get("after") == RESOLVED and first_resolved is None:
                first_resolved = event.created_at
            if data.get("before") == RESOLVED:
                reopened = True
        if first_response is None and is_staff_response(event):
            first_response = event.created_at
    if not reached:
        reached.append(case.department_code)
    return CaseFact(
        id=case.id,
        created_at=case.created_at,
        channel=case.channel,
        kind=case.kind,
        department=reached[-1],
        departments_reached=tuple(reached),
        summary=case.summary,
        first_response_at=first_response,
        first_resolved_at=first_resolved,
        reopened=reopened,
        from_question=case.id in linked,
    )


def load_facts(session: Session, period: Period, now: datetime) -> Facts:
    start, as_of = period.start, period.as_of(now)
    departments = {d.code: d for d in session.scalars(select(Department))}
    faq_departments = dict(session.execute(select(FaqEntry.id, FaqEntry.department_code)).all())
    facts = Facts(period=period, as_of=as_of, departments=departments)

    cases = list(
        session.scalars(
            select(Case)
            .where(Case.created_at >= start, Case.created_at < as_of)
            .options(selectinload(Case.events))
            .order_by(Case.id)
        )
    )
    rows = list(
        session.scalars(
            select(BotAnswer)
            .where(BotAnswer.created_at >= start, BotAnswer.created_at < as_of)
            .order_by(BotAnswer.id)
        )
    )
    linked_cases = {r.case_id for r in rows if r.case_id is not None}
    facts.cases = [_case_fact(case, as_of, linked_cases) for case in cases]
    # A case opened from a question of the period was opened after it, so within the period's
    # cases (counted only when opened before `as_of`).
    case_department = {c.id: c.department for c in facts.cases}
    # question key → the FAQ entry the citizen chose among those offered (the first choice);
    # a choice comes after its question, so it is among the period's rows too.
    chosen: dict[str, str | None] = {}
    for row in rows:
        if row.parent_key and row.decision == "answer":
            chosen.setdefault(row.parent_key, row.faq_id)
    for row in rows:
        if row.decision == "answer":
            department = faq_departments.get(row.faq_id) if row.faq_id else None
            facts.answers.append(AnswerFact(row.created_at, department, row.faq_reviewed_at))
        if row.source != "question":
            continue
        case_id = row.case_id if row.case_id in case_department else None
        answered = row.decision == "answer" or (
            row.decision == "clarify" and row.message_key in chosen
        )
        faq_id = row.faq_id or chosen.get(row.message_key)
        faq_department = faq_departments.get(faq_id) if faq_id else None
        department = faq_department
        if department is None and case_id is not None:
            department = case_department[case_id]
        facts.questions.append(
            QuestionFact(row.created_at, row.channel, answered, case_id, department, row.question)
        )

    for feedback in session.scalars(
        select(AnswerFeedback)
        .where(AnswerFeedback.created_at >= start, AnswerFeedback.created_at < as_of)
        .order_by(AnswerFeedback.id)
    ):
        department = faq_departments.get(feedback.faq_id) if feedback.faq_id else None
        facts.feedback.append(FeedbackFact(feedback.created_at, feedback.helpful, department))

    survey_rows = session.execute(
        select(CaseSurvey, Case.department_code)
        .join(Case, Case.id == CaseSurvey.case_id)
        .where(CaseSurvey.asked_at >= start - SURVEY_LOOKBACK, CaseSurvey.asked_at < as_of)
        .order_by(CaseSurvey.id)
    ).all()
    for survey, department in survey_rows:
        bot_known = survey.bot_rated_at is not None and survey.bot_rated_at < as_of
        staff_known = survey.staff_rated_at is not None and survey.staff_rated_at < as_of
        facts.surveys.append(
            SurveyFact(
                asked_at=survey.asked_at,
                department=case_department.get(survey.case_id, department),
                bot_rating=survey.bot_rating if bot_known else None,
                bot_rated_at=survey.bot_rated_at if bot_known else None,
                staff_rating=survey.staff_rating if staff_known else None,
                staff_rated_at=survey.staff_rated_at if staff_known else None,
                comment=survey.comment,
            )
        )
    return facts
