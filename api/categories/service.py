"""Report categories: read from the city's directory file, looked up by code."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.categories.models import ReportCategory
from api.categories.schemas import CategoryIn
from api.core.errors import AppError
from api.departments.repository import DepartmentRepository

_adapter = TypeAdapter(list[CategoryIn])


def read_categories(path: Path) -> list[CategoryIn]:
    """The `report_categories:` list of departments.yml (none when the section is absent)."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        categories = _adapter.validate_python(raw.get("report_categories") or [])
    except (yaml.YAMLError, ValidationError, AttributeError) as exc:
        raise AppError(f"{path}: invalid report categories: {exc}") from exc
    codes = [c.code for c in categories]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise AppError(f"{path}: duplicate report category codes: {', '.join(duplicates)}")
    return categories


def upsert_categories(session: Session, categories: list[CategoryIn]) -> int:
    """Creates or updates categories by code, in the file's order; each must name a
    department of the directory."""
    departments = DepartmentRepository(session)
    for position, incoming in enumerate(categories):
        if departments.get(incoming.department) is None:
            raise AppError(
                f"report category {incoming.code}: department {incoming.department!r} "
                "is not in the directory"
            )
        values = {
            "name": incoming.name,
            "description": incoming.description,
            "department_code": incoming.department,
            "keywords": incoming.keywords,
            "attributes": [a.model_dump(exclude_none=True) for a in incoming.attributes],
            "position": position,
        }
        existing = session.get(ReportCategory, incoming.code)
        if existing is None:
            session.add(ReportCategory(code=incoming.code, **values))
        else:
            for field, value in values.items():
                setattr(existing, field, value)
    session.flush()
    return len(categories)


def list_categories(session: Session) -> list[ReportCategory]:
    statement = select(ReportCategory).order_by(ReportCategory.position, ReportCategory.code)
    return list(session.scalars(statement))


def get_category(session: Session, code: str) -> ReportCategory | None:
    return session.get(ReportCategory, code)
