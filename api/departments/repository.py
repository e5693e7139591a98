from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.departments.models import Department


class DepartmentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def list(self) -> list[Department]:
        return list(self.session.scalars(select(Department).order_by(Department.code)))

    def get(self, code: str) -> Department | None:
        return self.session.get(Department, code)

    def get_by_name(self, name: str) -> Department | None:
        return self.session.scalar(select(Department).where(Department.name == name))

    def count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(Department)) or 0

    def add(self, department: Department) -> Department:
        self.session.add(department)
        return department
