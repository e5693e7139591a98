"""Suggested new FAQ entries: the questions the bot could not answer, grouped by topic, each
with its most typical question, how often it was asked, examples, and the department most of
its cases went to (or, when none became a case, the one the router picks)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy.orm import Session

from api.metrics.facts import load_facts
from api.metrics.period import Period
from api.metrics.report import main_department, unanswered_groups

MAX_EXAMPLES = 5
MAX_SUGGESTIONS = 30


class FaqSuggestion(BaseModel):
    question: str  # the representative question, masked
    count: int
    examples: list[str]  # masked, the representative first
    department: str | None
    department_source: str | None  # "cases": where its cases went; "routing": the router's pick


def suggest_faq_entries(
    session: Session,
    period: Period,
    now: datetime,
    route: Callable[[str], str | None] | None = None,
) -> list[FaqSuggestion]:
    facts = load_facts(session, period, now)
    out = []
    for members, representative in unanswered_groups(facts.questions)[:MAX_SUGGESTIONS]:
        question = members[representative].text
        examples = [question] + [
            m.text for i, m in enumerate(members) if i != representative and m.text != question
        ]
        department = main_department(members)
        source = "cases" if department else None
        if department is None and route is not None:
            department = route(question)
            source = "routing" if department else None
        out.append(
            FaqSuggestion(
                question=question,
                count=len(members),
                examples=list(dict.fromkeys(examples))[:MAX_EXAMPLES],
                department=department,
                department_source=source,
            )
        )
    return out
