"""The product's FAQ CSV format: id,question,answer,department,alternatives,tags,url
(alternatives and tags separated by "|"). A bad row is reported with its line number and skipped."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from api.faq.schemas import FaqRecord

COLUMNS = ("id", "question", "answer", "department", "alternatives", "tags", "url")
REQUIRED = ("id", "question", "answer")
LIST_SEPARATOR = "|"


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(LIST_SEPARATOR) if part.strip()]


def read_faq_csv(path: Path) -> tuple[list[FaqRecord], list[RowError]]:
    records: list[FaqRecord] = []
    errors: list[RowError] = []
    for item in iter_faq_csv(path):
        (errors if isinstance(item, RowError) else records).append(item)  # type: ignore[arg-type]
    return records, errors


def iter_faq_csv(path: Path) -> Iterator[FaqRecord | RowError]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            yield RowError(1, f"missing columns: {', '.join(missing)}")
            return
        next_line = reader.line_num + 1
        for row in reader:
            # The line where the row starts: a quoted answer may span several lines.
            line, next_line = next_line, reader.line_num + 1
            if None in row:
                yield RowError(line, f"more fields than the {len(reader.fieldnames or [])} columns")
                continue
            try:
                yield FaqRecord(
                    id=(row.get("id") or "").strip(),
                    question=(row.get("question") or "").strip(),
                    answer=(row.get("answer") or "").strip(),
                    department=(row.get("department") or "").strip() or None,
                    alternatives=_split(row.get("alternatives")),
                    tags=_split(row.get("tags")),
                    url=(row.get("url") or "").strip() or None,
                )
            except ValidationError as exc:
                fields = ", ".join(str(err["loc"][0]) for err in exc.errors())
                yield RowError(line, f"missing or invalid: {fields}")
