from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.cases import service
from api.cases.models import CaseStatus
from api.cases.repository import CaseRepository
from api.cases.schemas import (
    AssignIn,
    CaseList,
    CaseOut,
    CaseSummaryOut,
    CommentIn,
    StatusIn,
    TransferIn,
)
from api.deps import CurrentStaff, SessionDep

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])

_ERRORS = {401: {"description": "missing or invalid token"}, 404: {"description": "no such case"}}


@router.get("", response_model=CaseList, responses={401: _ERRORS[401]})
def list_cases(
    session: SessionDep,
    staff: CurrentStaff,
    department: str | None = None,
    status: CaseStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> CaseList:
    cases, total = CaseRepository(session).list_readable(
        staff,
        department=department,
        status=status.value if status else None,
        limit=limit,
        offset=offset,
    )
    items = [CaseSummaryOut.model_validate(case) for case in cases]
    return CaseList(items=items, total=total, limit=limit, offset=offset)


@router.get("/{case_number}", response_model=CaseOut, responses=_ERRORS)
def read_case(case_number: str, session: SessionDep, staff: CurrentStaff) -> CaseOut:
    return CaseOut.model_validate(service.get_case(session, staff, case_number))


@router.post("/{case_number}/assign", response_model=CaseOut, responses=_ERRORS)
def assign(case_number: str, body: AssignIn, session: SessionDep, staff: CurrentStaff) -> CaseOut:
    case = service.assign_case(session, staff, case_number, body.assignee)
    return CaseOut.model_validate(case)


@router.post(
    "/{case_number}/transfer",
    response_model=CaseOut,
    responses={**_ERRORS, 409: {"description": "same department or resolved case"}},
)
def transfer(
    case_number: str, body: TransferIn, session: SessionDep, staff: CurrentStaff
) -> CaseOut:
    case = service.transfer_case(session, staff, case_number, body.department, body.reason)
    return CaseOut.model_validate(case)


@router.post("/{case_number}/comments", response_model=CaseOut, responses=_ERRORS)
def comment(case_number: str, body: CommentIn, session: SessionDep, staff: CurrentStaff) -> CaseOut:
    return CaseOut.model_validate(service.comment_case(session, staff, case_number, body.body))


@router.post(
    "/{case_number}/status",
    response_model=CaseOut,
    responses={**_ERRORS, 409: {"description": "transition not allowed"}},
)
def set_status(
    case_number: str, body: StatusIn, session: SessionDep, staff: CurrentStaff
) -> CaseOut:
    case = service.change_status(session, staff, case_number, body.status, body.message)
    return CaseOut.model_validate(case)
