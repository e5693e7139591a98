"""The searchable knowledge base of this process: the FAQ index and the department router,
rebuilt when an FAQ entry or a department changes, so staff edits take effect at once."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.departments.models import Department
from api.departments.repository import DepartmentRepository
from api.faq.repository import FaqRepository
from api.faq.search import FaqDocument, FaqIndex
from api.faq.search.analyses import TextAnalyses
from api.faq.search.analyzer import default_analyzer
from api.routing import DepartmentProfile, DepartmentRouter

# (FAQ count, latest FAQ change, sum of FAQ change times, department count, latest change)
Version = tuple[int, datetime | None, int, int, datetime | None]


@dataclass(frozen=True)
class Knowledge:
    index: FaqIndex
    router: DepartmentRouter
    fallback_department: str | None


def _version(session: Session) -> Version:
    faq_count, faq_updated, faq_sum = FaqRepository(session).version()
    dept_count, dept_updated = session.execute(
        select(func.count(), func.max(Department.updated_at)).select_from(Department)
    ).one()
    return faq_count, faq_updated, faq_sum, int(dept_count), dept_updated


def _build(session: Session) -> Knowledge:
    documents = [
        FaqDocument(
            faq_id=entry.id,
            question=entry.question,
            answer=entry.answer,
            department=entry.department_code,
            alternatives=tuple(entry.alternatives or ()),
            tags=tuple(entry.tags or ()),
            question_en=entry.question_en,
            answer_en=entry.answer_en,
        )
        for entry in FaqRepository(session).all()
    ]
    departments = DepartmentRepository(session).list()
    profiles = [
        DepartmentProfile(
            code=d.code, name=d.name, handles=d.handles or "", keywords=tuple(d.keywords or ())
        )
        for d in departments
    ]
    analyses = TextAnalyses(default_analyzer())  # this build's memo: each text analysed once
    index = FaqIndex.build(documents, analyses=analyses)
    codes = {d.code for d in departments}
    return Knowledge(
        index=index,
        router=DepartmentRouter.build(profiles, index, analyses),
        fallback_department="general" if "general" in codes else None,
    )


class KnowledgeCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: Version | None = None
        self._knowledge: Knowledge | None = None

    def get(self, session: Session) -> Knowledge:
        """The knowledge for the database's current version. While another request rebuilds
        it (seconds at thousands of entries), the previous knowledge answers: a citizen is
        never kept waiting by a staff edit."""
        version = _version(session)
        current = self._knowledge
        if current is not None and version == self._version:
            return current
        if current is not None and not self._lock.acquire(blocking=False):
            return current  # being rebuilt: answer with what we have
        if current is None:
            self._lock.acquire()  # nothing to answer with yet: wait for the first build
        try:
            return self._current(session, version)
        finally:
            self._lock.release()

    def refresh(self, session: Session) -> Knowledge:
        """Commits the session and rebuilds now: what a staff edit calls, so that when the edit
        is saved the bot already answers with it."""
        session.commit()
        with self._lock:
            return self._current(session, _version(session))

    def _current(self, session: Session, version: Version) -> Knowledge:
        """The knowledge of `version`, built unless already held. Called with the lock held."""
        if self._knowledge is None or version != self._version:
            self._knowledge = _build(session)
            self._version = version
        return self._knowledge

    def clear(self) -> None:
        with self._lock:
            self._version = None
            self._knowledge = None


knowledge_cache = KnowledgeCache()
