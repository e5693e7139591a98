"""The product's FAQ CSV format: id,question,answer,department,alternatives,tags,url,
question_en,answer_en,answer_easy (alternatives and tags separated by "|"; the English and
easy-Japanese columns are optional, and an empty cell means the entry has no such text). A bad
row is reported with its line number and skipped.
`write_faq_csv` writes the same columns, so an export reads back as the same entries."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from api.faq.schemas import FaqRecord

COLUMNS = ("id", "question", "answer", "department", "alternatives", "tags", "url")
# Optional: an entry's English text (absent from older exports; an empty cell is no text).
ENGLISH_COLUMNS = ("question_en", "answer_en")
# Optional: the answer in やさしい日本語 (easy Japanese), after the English columns.
EASY_COLUMNS = ("answer_easy",)
REQUIRED = ("id", "question", "answer")
LIST_SEPARATOR = "|"


@dataclass(frozen=True)
class RowError:
    line: int  # where the row starts in the file (0 when unknown)
    reason: str


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(LIST_SEPARATOR) if part.strip()]


def read_faq_csv(path: Path) -> tuple[list[FaqRecord], list[RowError]]:
    records, _lines, errors = read_faq_csv_lines(path)
    return records, errors


def read_faq_csv_lines(path: Path) -> tuple[list[FaqRecord], list[int], list[RowError]]:
    """The good rows, the line where each starts, and the bad rows' errors."""
    records: list[FaqRecord] = []
    lines: list[int] = []
    errors: list[RowError] = []
    for line, item in iter_faq_csv_lines(path):
        if isinstance(item, RowError):
            errors.append(item)
        else:
            records.append(item)
            lines.append(line)
    return records, lines, errors


def iter_faq_csv_lines(path: Path) -> Iterator[tuple[int, FaqRecord | RowError]]:
    """(line where the row starts, the entry or why the row was skipped) for every row."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        try:
            header = [name.strip() for name in next(reader)]
        except StopIteration:
            yield 1, RowError(1, "empty file: the header row is missing")
            return
        except csv.Error as exc:
            yield 1, RowError(1, f"unreadable header row: {exc}")
            return
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            yield 1, RowError(1, f"missing columns: {', '.join(missing)}")
            return
        while True:
            # The line where the row starts: a quoted answer may span several lines.
            line = reader.line_num + 1
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield line, RowError(line, f"unreadable row: {exc}")
                continue
            if not any(field.strip() for field in fields):
                continue  # a blank line
            if len(fields) != len(header):
                relation = "more" if len(fields) > len(header) else "fewer"
                yield (
                    line,
                    RowError(
                        line,
                        f"{len(fields)} fields: {relation} than the {len(header)} columns",
                    ),
                )
                continue
            row = dict(zip(header, fields, strict=True))
            try:
                yield (
                    line,
                    FaqRecord(
                        id=(row.get("id") or "").strip(),
                        question=(row.get("question") or "").strip(),
                        answer=(row.get("answer") or "").strip(),
                        department=(row.get("department") or "").strip() or None,
                        alternatives=_split(row.get("alternatives")),
                        tags=_split(row.get("tags")),
                        url=(row.get("url") or "").strip() or None,
                        question_en=row.get("question_en"),
                        answer_en=row.get("answer_en"),
                        answer_easy=row.get("answer_easy"),
                    ),
                )
            except ValidationError as exc:
                fields_ = ", ".join(str(err["loc"][0]) for err in exc.errors())
                yield line, RowError(line, f"missing or invalid: {fields_}")


def _join(values: Iterable[str]) -> str:
    # An element cannot hold the separator: it would read back as two elements.
    return LIST_SEPARATOR.join(v.replace(LIST_SEPARATOR, "｜") for v in values if v.strip())


def write_faq_csv(path: Path, records: Iterable[FaqRecord]) -> int:
    """Writes the entries in the import format (UTF-8, LF, header row); returns how many."""
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow((*COLUMNS, *ENGLISH_COLUMNS, *EASY_COLUMNS))
        for record in records:
            writer.writerow(
                [
                    record.id,
                    record.question,
                    record.answer,
                    record.department or "",
                    _join(record.alternatives),
                    _join(record.tags),
                    record.url or "",
                    record.question_en or "",
                    record.answer_en or "",
                    record.answer_easy or "",
                ]
            )
            count += 1
    return count
