from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.faq.models import FaqEntry


class FaqRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def all(self) -> list[FaqEntry]:
        return list(self.session.scalars(select(FaqEntry).order_by(FaqEntry.id)))

    def get(self, faq_id: str) -> FaqEntry | None:
        return self.session.get(FaqEntry, faq_id)

    def add(self, entry: FaqEntry) -> FaqEntry:
        self.session.add(entry)
        return entry

    def count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(FaqEntry)) or 0

    def version(self) -> tuple[int, datetime | None]:
        """Changes whenever an entry is added, edited or deleted: the search index keys on it."""
        row = self.session.execute(
            select(func.count(), func.max(FaqEntry.updated_at)).select_from(FaqEntry)
        ).one()
        return int(row[0]), row[1]
