from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from api.staff.models import StaffToken, StaffUser


class StaffRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_username(self, username: str) -> StaffUser | None:
        return self.session.scalar(select(StaffUser).where(StaffUser.username == username))

    def token(self, token_hash: str) -> StaffToken | None:
        return self.session.scalar(select(StaffToken).where(StaffToken.token_hash == token_hash))

    def add(self, item: StaffUser | StaffToken) -> None:
        self.session.add(item)

    def all(self) -> list[StaffUser]:
        return list(self.session.scalars(select(StaffUser).order_by(StaffUser.username)))

    def delete_tokens(self, staff_id: int) -> int:
        result = self.session.execute(delete(StaffToken).where(StaffToken.staff_id == staff_id))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def active_tokens(self, staff_id: int, now: datetime) -> int:
        statement = select(func.count()).where(
            StaffToken.staff_id == staff_id, StaffToken.expires_at > now
        )
        return int(self.session.scalar(statement) or 0)
