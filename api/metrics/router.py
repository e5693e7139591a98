from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.core.errors import AppError
from api.core.types import utcnow
from api.deps import CurrentAdmin, CurrentStaff, ReadSessionDep
from api.faq.knowledge import knowledge_cache
from api.metrics.csv_form import to_csv
from api.metrics.period import Period
from api.metrics.report import build_report
from api.metrics.schema import MetricsDocument
from api.metrics.suggestions import FaqSuggestion, suggest_faq_entries
from api.staff.auth import StaffPrincipal

router = APIRouter(prefix="/api/v1/metrics", tags=["metrics"])

From = Annotated[date, Query(alias="from", description="first day (Japan time), YYYY-MM-DD")]
To = Annotated[date, Query(description="last day, included, YYYY-MM-DD")]


def _scope(staff: StaffPrincipal, department: str | None) -> frozenset[str] | None:
    """Administrators and the call centre see the whole city; department staff their own."""
    if department is not None:
        if not staff.can_access(department):
            raise AppError(
                f"you can see the metrics of your own departments only, not of {department!r}",
                status_code=403,
                code="forbidden",
            )
        return frozenset({department})
    return staff.departments


@router.get(
    "",
    response_model=MetricsDocument,
    response_model_by_alias=True,
    responses={
        200: {"content": {"text/csv": {}}, "description": "the document (JSON, or CSV)"},
        403: {"description": "a department outside the caller's"},
        422: {"description": "a missing or invalid period"},
    },
)
def metrics(
    session: ReadSessionDep,
    staff: CurrentStaff,
    from_: From,
    to: To,
    department: str | None = None,
    format: Literal["json", "csv"] = "json",
) -> MetricsDocument | Response:
    """The five criteria and the activity figures for the period (docs/metrics.md)."""
    document = build_report(session, Period.of(from_, to), _scope(staff, department))
    if format == "csv":
        filename = f"madoguchi-metrics-{from_}-{to}.csv"
        return Response(
            to_csv(document),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
    return document


@router.get("/faq-suggestions", response_model=list[FaqSuggestion])
def faq_suggestions(
    session: ReadSessionDep, admin: CurrentAdmin, from_: From, to: To
) -> list[FaqSuggestion]:
    """Unanswered questions grouped into suggested new FAQ entries (administrators)."""
    knowledge = knowledge_cache.get(session)

    def route(question: str) -> str | None:
        return knowledge.router.route(question).department

    return suggest_faq_entries(session, Period.of(from_, to), utcnow(), route)
