from __future__ import annotations

from sqlalchemy import select
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
