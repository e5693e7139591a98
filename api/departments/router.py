from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from api.audit import service as audit
from api.core.errors import ConflictError
from api.departments.models import Department
from api.departments.repository import DepartmentRepository
from api.departments.schemas import DepartmentFields, DepartmentOut
from api.departments.service import get_department
from api.deps import CurrentAdmin, ReadSessionDep, SessionDep
from api.faq.knowledge import knowledge_cache

router = APIRouter(prefix="/api/v1/departments", tags=["departments"])


@router.get("", response_model=list[DepartmentOut])
def list_departments(session: ReadSessionDep) -> list[DepartmentOut]:
    """The public directory: names, what each handles, phone and hours."""
    return [DepartmentOut.model_validate(d) for d in DepartmentRepository(session).list()]


@router.put(
    "/{code}",
    response_model=DepartmentOut,
    responses={
        403: {"description": "administrators only"},
        404: {"description": "no such code"},
        409: {"description": "another department has that name"},
    },
)
def update_department(
    code: str, body: DepartmentFields, session: SessionDep, admin: CurrentAdmin
) -> DepartmentOut:
    """Administrators edit the directory: names, what each handles, hours and targets.
    Routing uses the change at once."""
    department = get_department(session, code)
    taken = session.scalar(
        select(Department.code).where(Department.name == body.name, Department.code != code)
    )
    if taken is not None:
        raise ConflictError(f"department {taken!r} is already named {body.name!r}")
    before = DepartmentFields.model_validate(department, from_attributes=True).model_dump()
    for field, value in body.model_dump().items():
        setattr(department, field, value)
    session.flush()
    audit.record(
        session,
        admin.name,
        "department.updated",
        "department",
        code,
        before=before,
        after=body.model_dump(),
    )
    knowledge_cache.refresh(session)
    return DepartmentOut.model_validate(department)
