from __future__ import annotations

from fastapi import APIRouter

from api.departments.repository import DepartmentRepository
from api.departments.schemas import DepartmentOut
from api.deps import SessionDep

router = APIRouter(prefix="/api/v1/departments", tags=["departments"])


@router.get("", response_model=list[DepartmentOut])
def list_departments(session: SessionDep) -> list[DepartmentOut]:
    """The public directory: names, what each handles, phone and hours."""
    return [DepartmentOut.model_validate(d) for d in DepartmentRepository(session).list()]
