"""The department directory: loading a city's directory file and looking departments up."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import TypeAdapter, ValidationError
from sqlalchemy.orm import Session

from api.core.errors import AppError, NotFoundError
from api.departments.models import Department
from api.departments.repository import DepartmentRepository
from api.departments.schemas import DepartmentIn

_directory_adapter = TypeAdapter(list[DepartmentIn])


def read_directory(path: Path) -> list[DepartmentIn]:
    """Reads `departments.yml` (a top-level `departments:` list), failing with a precise reason."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        departments = _directory_adapter.validate_python(raw.get("departments", []))
    except (yaml.YAMLError, ValidationError, AttributeError) as exc:
        raise AppError(f"{path}: invalid department directory: {exc}") from exc
    codes = [d.code for d in departments]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise AppError(f"{path}: duplicate department codes: {', '.join(duplicates)}")
    return departments


def upsert_departments(session: Session, departments: list[DepartmentIn]) -> int:
    """Creates or updates departments by code; returns how many were written."""
    repository = DepartmentRepository(session)
    for incoming in departments:
        existing = repository.get(incoming.code)
        values = incoming.model_dump()
        if existing is None:
            repository.add(Department(**values))
        else:
            for field, value in values.items():
                setattr(existing, field, value)
    session.flush()
    return len(departments)


def get_department(session: Session, code: str) -> Department:
    department = DepartmentRepository(session).get(code)
    if department is None:
        raise NotFoundError(f"department {code!r} does not exist")
    return department
