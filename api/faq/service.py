"""Writing FAQ entries into the knowledge base: bulk import (CSV, JSON) and single edits."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from api.core.errors import AppError, ConflictError, NotFoundError
from api.core.types import utcnow
from api.departments.models import Department
from api.faq.csv_format import RowError
from api.faq.knowledge import Knowledge
from api.faq.models import FaqEntry
from api.faq.repository import FaqRepository
from api.faq.schemas import FaqRecord
from api.faq.search import decide

Progress = Callable[[int, int], None]  # (entries done, entries in all)

BATCH_SIZE = 500
_FIELDS = (
    "question",
    "answer",
    "department_code",
    "alternatives",
    "tags",
    "url",
    "question_en",
    "answer_en",
    "answer_easy",
)
MAX_DEPARTMENT_CODE = 64


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)  # the skipped rows, by line
    departments_created: list[str] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        return len(self.errors)

    @property
    def written(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary(self) -> str:
        text = (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.skipped} skipped"
        )
        if self.departments_created:
            text += f"; {len(self.departments_created)} departments created"
        return text


class _Departments:
    """The directory, loaded once: a department is named by its code or its name."""

    def __init__(self, session: Session, create: bool) -> None:
        self.session = session
        self.create = create
        self.created: list[str] = []
        rows = session.execute(select(Department.code, Department.name)).all()
        self.codes = {code for code, _ in rows}
        self.names = {name: code for code, name in rows}

    def resolve(self, value: str | None) -> str | None:
        """The department code for `value`; raises ValueError when it cannot be had."""
        if not value:
            return None
        if value in self.codes:
            return value
        if value in self.names:
            return self.names[value]
        if not self.create:
            raise ValueError(f"unknown department {value!r}")
        if len(value) > MAX_DEPARTMENT_CODE:
            raise ValueError(f"department name longer than {MAX_DEPARTMENT_CODE} characters")
        # named by the FAQ but missing from the directory: code = name = what the FAQ says
        self.session.add(Department(code=value, name=value, handles="", keywords=[], hours={}))
        self.codes.add(value)
        self.names[value] = value
        self.created.append(value)
        return value


def _values(record: FaqRecord, department_code: str | None) -> dict[str, object]:
    return {
        "question": record.question,
        "answer": record.answer,
        "department_code": department_code,
        "alternatives": list(record.alternatives),
        "tags": list(record.tags),
        "url": record.url,
        "question_en": record.question_en,
        "answer_en": record.answer_en,
        "answer_easy": record.answer_easy,
    }


def import_faq(
    session: Session,
    records: Iterable[FaqRecord],
    *,
    lines: Sequence[int] | None = None,
    errors: Iterable[RowError] = (),
    progress: Progress | None = None,
    create_departments: bool = True,
    batch_size: int = BATCH_SIZE,
) -> ImportReport:
    """Creates or updates entries by their source id, in batches (the existing ids are read
    once; one SELECT per batch for the entries to compare). A department is a code or a name
    of the directory; one the directory lacks is created (code = name) unless
    `create_departments` is false, when the row is skipped. `lines` gives each record's line
    in its file for the report; `errors` are the rows the reader already skipped."""
    records = list(records)
    report = ImportReport(errors=list(errors))
    departments = _Departments(session, create_departments)
    existing_ids = set(session.scalars(select(FaqEntry.id)))
    seen: dict[str, int] = {}
    total = len(records)
    if progress:
        progress(0, total)
    for start in range(0, total, batch_size):
        batch = records[start : start + batch_size]
        to_create: list[dict[str, object]] = []
        to_update: dict[str, dict[str, object]] = {}
        for offset, record in enumerate(batch):
            line = lines[start + offset] if lines is not None else start + offset + 1
            if record.id in seen:
                report.errors.append(
                    RowError(line, f"duplicate id {record.id!r} (first at line {seen[record.id]})")
                )
                continue
            seen[record.id] = line
            try:
                code = departments.resolve(record.department)
            except ValueError as exc:
                report.errors.append(RowError(line, str(exc)))
                continue
            values = _values(record, code)
            if record.id in existing_ids:
                to_update[record.id] = values
            else:
                now = utcnow()
                to_create.append(
                    {
                        "id": record.id,
                        **values,
                        "created_at": now,
                        "updated_at": now,
                        "reviewed_at": now,
                    }
                )
        session.flush()  # departments created by this batch, before the entries naming them
        if to_create:
            # Core executemany: one statement per batch (the ORM bulk path splits it up)
            session.connection().execute(insert(FaqEntry.__table__), to_create)
            report.created += len(to_create)
        if to_update:
            current = session.scalars(select(FaqEntry).where(FaqEntry.id.in_(list(to_update))))
            for entry in current:
                values = to_update[entry.id]
                if all(getattr(entry, name) == values[name] for name in _FIELDS):
                    report.unchanged += 1
                    continue
                for name, value in values.items():
                    setattr(entry, name, value)
                entry.reviewed_at = utcnow()  # an import with new content is a review
                report.updated += 1
            session.flush()
        if progress:
            progress(min(start + batch_size, total), total)
    report.departments_created = departments.created
    report.errors.sort(key=lambda e: e.line)
    return report


def upsert_faq(session: Session, records: list[FaqRecord]) -> int:
    """Creates or updates entries by their source id; the department may be a code or a name.
    Returns how many entries were written (created, updated or already equal)."""
    return import_faq(session, records).written


# -- single entries (the staff API) -------------------------------------------------------------
def to_record(entry: FaqEntry) -> FaqRecord:
    return FaqRecord(
        id=entry.id,
        question=entry.question,
        answer=entry.answer,
        department=entry.department_code,
        alternatives=list(entry.alternatives or []),
        tags=list(entry.tags or []),
        url=entry.url,
        question_en=entry.question_en,
        answer_en=entry.answer_en,
        answer_easy=entry.answer_easy,
    )


def export_records(session: Session) -> list[FaqRecord]:
    return [to_record(entry) for entry in FaqRepository(session).all()]


def list_faq(
    session: Session, *, department: str | None, limit: int, offset: int
) -> tuple[list[FaqEntry], int]:
    query = select(FaqEntry)
    count = select(func.count()).select_from(FaqEntry)
    if department:
        query = query.where(FaqEntry.department_code == department)
        count = count.where(FaqEntry.department_code == department)
    entries = session.scalars(query.order_by(FaqEntry.id).limit(limit).offset(offset))
    return list(entries), int(session.scalar(count) or 0)


def get_faq(session: Session, faq_id: str) -> FaqEntry:
    entry = FaqRepository(session).get(faq_id)
    if entry is None:
        raise NotFoundError(f"FAQ entry {faq_id!r} does not exist")
    return entry


def _department_of(session: Session, value: str | None) -> str | None:
    try:
        return _Departments(session, create=False).resolve(value)
    except ValueError as exc:
        raise AppError(str(exc), status_code=422, code="unknown_department") from exc


def create_faq(session: Session, record: FaqRecord) -> FaqEntry:
    faq = FaqRepository(session)
    if faq.get(record.id) is not None:
        raise ConflictError(f"FAQ entry {record.id!r} already exists")
    entry = FaqEntry(id=record.id, **_values(record, _department_of(session, record.department)))
    faq.add(entry)
    session.flush()
    return entry


def update_faq(session: Session, faq_id: str, record: FaqRecord) -> FaqEntry:
    entry = get_faq(session, faq_id)
    for name, value in _values(record, _department_of(session, record.department)).items():
        setattr(entry, name, value)
    entry.updated_at = entry.reviewed_at = utcnow()  # an edit moves the knowledge version
    session.flush()
    return entry


def delete_faq(session: Session, faq_id: str) -> None:
    session.delete(get_faq(session, faq_id))
    session.flush()


# -- asking the knowledge base (the API and the CLI) ----------------------------------------
@dataclass(frozen=True)
class FoundEntry:
    faq_id: str
    score: float
    question: str


@dataclass(frozen=True)
class Answer:
    decision: str  # answer | clarify | escalate
    faq_ids: list[str]  # the FAQ answered, or the choices offered


def search_knowledge(knowledge: Knowledge, query: str, top: int = 10) -> list[FoundEntry]:
    """The best entries for a question, best first."""
    index = knowledge.index
    return [
        FoundEntry(hit.faq_id, round(float(hit.score), 6), index.document(hit.faq_id).question)
        for hit in index.search(query, top=top)
    ]


def answer_knowledge(knowledge: Knowledge, query: str) -> Answer:
    """What the bot does with a question: answer one FAQ, offer choices, or offer a case."""
    decision = decide(knowledge.index, query)
    return Answer(decision.decision, [hit.faq_id for hit in decision.hits])
