"""The FAQ knowledge base over HTTP: staff edit it; anyone may search it and ask it.

Search and answer are public on purpose: they return only what the bot itself tells any
citizen (the FAQ questions), so a citizens' search widget can use them. Editing is staff only.
Every change is built into the knowledge before its response returns, so the bot answers with
it as soon as it is saved; citizens asking during the rebuild get the previous knowledge rather
than a wait (api/faq/knowledge.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from api.audit import service as audit
from api.core.errors import AppError
from api.deps import (
    MAX_OFFSET,
    CurrentAdmin,
    CurrentStaff,
    ReadSessionDep,
    SessionDep,
    SettingsDep,
)
from api.faq import learning, service
from api.faq.knowledge import knowledge_cache
from api.faq.models import FaqEntry
from api.faq.schemas import FaqOut, FaqRecord

router = APIRouter(prefix="/api/v1/faq", tags=["faq"])

_AUTH = {401: {"description": "missing or invalid token"}}
_NOT_FOUND = {404: {"description": "no such FAQ entry"}}
_FORBIDDEN = {403: {"description": "a role that may not edit the FAQ"}}
# Phrasing ids are 32-bit integers in the database: a larger id is a 422, never an overflow.
MAX_PHRASING_ID = 2**31 - 1
MAX_TOP = 50


class FaqIn(BaseModel):
    """An FAQ entry's content (the id is the path's)."""

    question: str = Field(min_length=1)
    answer: str = Field(min_length=1)
    department: str | None = Field(default=None, description="a department code or name")
    alternatives: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    url: str | None = Field(default=None, max_length=500)
    question_en: str | None = Field(default=None, description="the question in English")
    answer_en: str | None = Field(default=None, description="the answer in English")
    answer_easy: str | None = Field(
        default=None, description="the answer in やさしい日本語 (easy Japanese)"
    )


class FaqList(BaseModel):
    items: list[FaqOut]
    total: int
    limit: int
    offset: int


class SearchIn(BaseModel):
    query: str
    top: int = Field(default=10, ge=1, le=MAX_TOP)


class SearchHitOut(BaseModel):
    faq_id: str
    score: float
    question: str


class AnswerIn(BaseModel):
    query: str


class AnswerOut(BaseModel):
    decision: str = Field(description="answer | clarify | escalate")
    faq_ids: list[str] = Field(description="the FAQ answered, or the choices offered")


class PhrasingOut(BaseModel):
    """A learned phrasing of an entry: how citizens asked for it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    text: str = Field(description="the citizens' wording, masked")
    source: str = Field(description="chose | helpful | import")
    state: str = Field(description="active (the search uses it) | pending | removed")
    confirmations: int = Field(description="different conversations that confirmed it")
    created_at: datetime
    activated_at: datetime | None
    removed_by: str | None
    removed_at: datetime | None


def checked_text(text: str, max_chars: int, field: str = "query") -> str:
    """An empty or whitespace-only text, or one longer than the chat accepts, is a 422."""
    if not text.strip():
        raise AppError(f"{field} is empty", status_code=422, code="invalid_request")
    if len(text) > max_chars:
        message = f"{field} is longer than {max_chars} characters"
        raise AppError(message, status_code=422, code="invalid_request")
    return text


def _out(entry: FaqEntry) -> FaqOut:
    return FaqOut.model_validate(service.to_record(entry).model_dump())


@router.get("", response_model=FaqList, responses=_AUTH)
def list_entries(
    session: ReadSessionDep,
    staff: CurrentStaff,
    department: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> FaqList:
    entries, total = service.list_faq(session, department=department, limit=limit, offset=offset)
    return FaqList(items=[_out(e) for e in entries], total=total, limit=limit, offset=offset)


@router.post(
    "",
    response_model=FaqOut,
    status_code=status.HTTP_201_CREATED,
    responses={**_AUTH, **_FORBIDDEN, 409: {"description": "the id exists"}},
)
def create_entry(body: FaqRecord, session: SessionDep, staff: CurrentAdmin) -> FaqOut:
    created = _out(service.create_faq(session, body))
    audit.record(
        session, staff.name, "faq.created", "faq", created.id, after=created.model_dump(mode="json")
    )
    knowledge_cache.refresh(session)
    return created


@router.post("/search", response_model=list[SearchHitOut])
def search(body: SearchIn, session: ReadSessionDep, settings: SettingsDep) -> list[SearchHitOut]:
    """The best FAQ entries for a question, best first (public)."""
    query = checked_text(body.query, settings.max_message_chars)
    knowledge = knowledge_cache.get(session)
    return [
        SearchHitOut(faq_id=h.faq_id, score=h.score, question=h.question)
        for h in service.search_knowledge(knowledge, query, body.top)
    ]


@router.post("/answer", response_model=AnswerOut)
def answer(body: AnswerIn, session: ReadSessionDep, settings: SettingsDep) -> AnswerOut:
    """What the bot would do with a question (public)."""
    query = checked_text(body.query, settings.max_message_chars)
    result = service.answer_knowledge(knowledge_cache.get(session), query)
    return AnswerOut(decision=result.decision, faq_ids=result.faq_ids)


@router.get("/{faq_id}", response_model=FaqOut, responses={**_AUTH, **_NOT_FOUND})
def read_entry(faq_id: str, session: ReadSessionDep, staff: CurrentStaff) -> FaqOut:
    return _out(service.get_faq(session, faq_id))


@router.put("/{faq_id}", response_model=FaqOut, responses={**_AUTH, **_FORBIDDEN, **_NOT_FOUND})
def update_entry(faq_id: str, body: FaqIn, session: SessionDep, staff: CurrentAdmin) -> FaqOut:
    record = FaqRecord(id=faq_id, **body.model_dump())
    before = _out(service.get_faq(session, faq_id)).model_dump(mode="json")
    updated = _out(service.update_faq(session, faq_id, record))
    audit.record(
        session,
        staff.name,
        "faq.updated",
        "faq",
        faq_id,
        before=before,
        after=updated.model_dump(mode="json"),
    )
    knowledge_cache.refresh(session)
    return updated


@router.delete(
    "/{faq_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses={**_AUTH, **_FORBIDDEN, **_NOT_FOUND},
)
def delete_entry(faq_id: str, session: SessionDep, staff: CurrentAdmin) -> Response:
    before = _out(service.get_faq(session, faq_id)).model_dump(mode="json")
    service.delete_faq(session, faq_id)
    audit.record(session, staff.name, "faq.deleted", "faq", faq_id, before=before)
    knowledge_cache.refresh(session)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/{faq_id}/phrasings",
    response_model=list[PhrasingOut],
    responses={**_AUTH, **_NOT_FOUND},
)
def list_phrasings(faq_id: str, session: SessionDep, staff: CurrentStaff) -> list[PhrasingOut]:
    """The entry's learned phrasings, newest first, whatever their state."""
    return [PhrasingOut.model_validate(p) for p in learning.list_for(session, faq_id)]


@router.delete(
    "/{faq_id}/phrasings/{phrasing_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses={**_AUTH, **_FORBIDDEN, 404: {"description": "no such entry or phrasing"}},
)
def remove_phrasing(
    faq_id: str,
    phrasing_id: Annotated[int, Path(ge=1, le=MAX_PHRASING_ID)],
    session: SessionDep,
    staff: CurrentAdmin,
) -> Response:
    """Remove a wrong phrasing: the search stops using it as soon as the knowledge is rebuilt
    (in the background, seconds), and it is never learned again. Administrators only: they
    are who edit the FAQ in the console."""
    before = PhrasingOut.model_validate(learning.get(session, faq_id, phrasing_id))
    removed = PhrasingOut.model_validate(
        learning.remove(session, faq_id=faq_id, phrasing_id=phrasing_id, actor=staff.name)
    )
    if before.state != removed.state:
        audit.record(
            session,
            staff.name,
            "faq.phrasing_removed",
            "faq",
            faq_id,
            before=before.model_dump(mode="json"),
            after=removed.model_dump(mode="json"),
        )
        knowledge_cache.refresh(session)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
