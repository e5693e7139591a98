"""Every query on cases. Access filtering lives here, so no caller can forget it."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, select
from sqlalchemy.orm import Session, selectinload

from api.cases.models import Case, CaseEvent, CaseStatus
from api.handoff.models import Handoff
from api.staff.auth import StaffPrincipal


def readable_cases(principal: StaffPrincipal) -> Select[tuple[Case]]:
    statement = select(Case)
    if principal.departments is not None:
        statement = statement.where(Case.department_code.in_(sorted(principal.departments)))
    return statement


def live_waiting():
    """True for a case whose citizen waits in a live chat that no member of staff took yet."""
    return exists().where(
        Handoff.case_id == Case.id, Handoff.ended_at.is_(None), Handoff.staff.is_(None)
    )


def queue_order() -> tuple:
    """A citizen waiting in a live chat first, then open urgent cases, then the newest."""
    open_urgent = and_(Case.urgent.is_(True), Case.status != CaseStatus.resolved.value)
    return (
        case((live_waiting(), 0), else_=1),
        case((open_urgent, 0), else_=1),
        Case.created_at.desc(),
        Case.id.desc(),
    )


class CaseRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, case: Case) -> Case:
        self.session.add(case)
        return case

    def add_event(self, event: CaseEvent) -> CaseEvent:
        self.session.add(event)
        return event

    def by_idempotency_key(self, key: str) -> Case | None:
        return self.session.scalar(select(Case).where(Case.idempotency_key == key))

    def by_number(self, case_number: str) -> Case | None:
        return self.session.scalar(select(Case).where(Case.case_number == case_number))

    def readable_by_number(self, principal: StaffPrincipal, case_number: str) -> Case | None:
        statement = (
            readable_cases(principal)
            .where(Case.case_number == case_number)
            .options(selectinload(Case.events))
        )
        return self.session.scalar(statement)

    def list_readable(
        self,
        principal: StaffPrincipal,
        *,
        department: str | None,
        status: str | None,
        limit: int,
        offset: int,
        area: ColumnElement[bool] | None = None,
    ) -> tuple[list[Case], int]:
        statement = readable_cases(principal)
        if area is not None:
            statement = statement.where(area)
        if department is not None:
            statement = statement.where(Case.department_code == department)
        if status is not None:
            statement = statement.where(Case.status == status)
        total = self.session.scalar(select(func.count()).select_from(statement.subquery())) or 0
        page = (
            statement.options(selectinload(Case.events))  # the SLA clocks read the history
            .order_by(*queue_order())
            .limit(limit)
            .offset(offset)
        )
        return list(self.session.scalars(page)), total
