"""Writing FAQ entries into the knowledge base."""

from __future__ import annotations

from sqlalchemy.orm import Session

from api.departments.repository import DepartmentRepository
from api.faq.models import FaqEntry
from api.faq.repository import FaqRepository
from api.faq.schemas import FaqRecord


def upsert_faq(session: Session, records: list[FaqRecord]) -> int:
    """Creates or updates entries by their source id; the department may be a code or a name."""
    faq = FaqRepository(session)
    departments = DepartmentRepository(session)
    for record in records:
        department_code = None
        if record.department:
            department = departments.get(record.department) or departments.get_by_name(
                record.department
            )
            department_code = department.code if department else None
        values = {
            "question": record.question,
            "answer": record.answer,
            "department_code": department_code,
            "alternatives": record.alternatives,
            "tags": record.tags,
            "url": record.url,
        }
        entry = faq.get(record.id)
        if entry is None:
            faq.add(FaqEntry(id=record.id, **values))
        else:
            for field, value in values.items():
                setattr(entry, field, value)
    session.flush()
    return len(records)
