from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Integer, cast, func, select
from sqlalchemy.orm import Session

from api.faq.models import FaqEntry

_EPOCH_2020 = 1577836800  # 2020-01-01 in Unix seconds


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

    def version(self) -> tuple[int, datetime | None, int]:
        """Changes whenever an entry is added, edited or deleted: the search index keys on it.

        (count, latest updated_at, sum of all updated_at in microseconds). The count and the
        latest change alone miss a delete followed by a create in the same instant, or an edit
        whose transaction committed after a later one (its updated_at is older than the
        maximum already seen); the exact sum moves with every row that changes. One aggregate
        query, no extra column."""
        count, latest, seconds, micros = self.session.execute(
            select(func.count(), func.max(FaqEntry.updated_at), *self._time_sums()).select_from(
                FaqEntry
            )
        ).one()
        return int(count), latest, int(seconds or 0) * 1_000_000 + int(micros or 0)

    def _time_sums(self) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
        """Exact integer sums: whole seconds since 2020, and microseconds."""
        if self.session.get_bind().dialect.name == "sqlite":
            # stored as text 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC)
            seconds = cast(func.strftime("%s", FaqEntry.updated_at), Integer) - _EPOCH_2020
            micros = cast(func.substr(FaqEntry.updated_at, 21, 6), Integer)
            return func.sum(seconds), func.sum(micros)
        epoch = func.extract("epoch", FaqEntry.updated_at)
        seconds = cast(func.floor(epoch), BigInteger) - _EPOCH_2020
        micros = cast(func.round((epoch - func.floor(epoch)) * 1_000_000), BigInteger)
        return func.sum(seconds), func.sum(micros)
