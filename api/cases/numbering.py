"""Case numbers (受付番号): the year in Japan time and a per-year sequence, e.g. 2026-000123."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.orm import Session

from api.cases.models import CaseNumberCounter
from api.core.db import insert_for
from api.core.errors import AppError
from jatext import normalize

JAPAN = ZoneInfo("Asia/Tokyo")
_MAX_SEQUENCE = 999_999
# The dashes a Japanese keyboard or IME gives (NFKC has already made － and full-width digits
# ASCII): the katakana prolonged sound mark, the minus sign, the hyphen and the horizontal bar.
_DASHES = re.compile(r"[ー−‐―]")
CASE_NUMBER_PATTERN = re.compile(r"(?<!\d)(\d{4})\s*-\s*(\d{6})(?!\d)")


def japan_year(now: datetime) -> int:
    return now.astimezone(JAPAN).year


def allocate_case_number(session: Session, now: datetime) -> str:
    """Takes the next number of the year atomically: one UPDATE … RETURNING, which the database
    serialises, so concurrent API processes never hand out the same number."""
    year = japan_year(now)
    session.execute(
        insert_for(session)(CaseNumberCounter)
        .values(year=year, last_value=0)
        .on_conflict_do_nothing(index_elements=["year"])
    )
    sequence = session.execute(
        update(CaseNumberCounter)
        .where(CaseNumberCounter.year == year)
        .values(last_value=CaseNumberCounter.last_value + 1)
        .returning(CaseNumberCounter.last_value)
    ).scalar_one()
    if sequence > _MAX_SEQUENCE:
        raise AppError(f"case numbers for {year} are exhausted", status_code=507)
    return f"{year}-{sequence:06d}"


def find_case_number(text: str) -> str | None:
    """Finds a case number in what a citizen typed: full-width digits and dashes are accepted."""
    normalized = _DASHES.sub("-", normalize(text))
    match = CASE_NUMBER_PATTERN.search(normalized)
    return f"{match.group(1)}-{match.group(2)}" if match else None
