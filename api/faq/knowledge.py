"""The searchable knowledge base of this process: the FAQ index and the department router,
rebuilt in the background when an FAQ entry or a department changes, so staff edits take
effect within seconds without retraining and without making anyone wait."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from api.core.db import unit_of_work
from api.departments.models import Department
from api.departments.repository import DepartmentRepository
from api.faq import learning
from api.faq.repository import FaqRepository
from api.faq.search import FaqDocument, FaqIndex, SearchHit, decide
from api.faq.search.analyses import TextAnalyses
from api.faq.search.analyzer import default_analyzer
from api.faq.search.encoders import default_encoders
from api.faq.search.meaning import MeaningView
from api.faq.text_vectors import text_vector_store
from api.routing import DepartmentProfile, DepartmentRouter

logger = logging.getLogger(__name__)

# (FAQ count, latest FAQ change, sum of FAQ change times, department count, latest change,
# the set of active learned phrasings)
Version = tuple[int, datetime | None, int, int, datetime | None, learning.LearningVersion]


@dataclass(frozen=True)
class Knowledge:
    index: FaqIndex
    router: DepartmentRouter
    fallback_department: str | None

    def search_by_meaning(self, text: str, top: int = 5) -> list[SearchHit]:
        """The entries nearest in meaning, in any language the encoders know (English,
        Chinese, Korean …): for questions the Japanese words cannot find."""
        return self.index.search_by_meaning(text, top)


def _version(session: Session) -> Version:
    faq_count, faq_updated, faq_sum = FaqRepository(session).version()
    dept_count, dept_updated = session.execute(
        select(func.count(), func.max(Department.updated_at)).select_from(Department)
    ).one()
    learned = learning.version(session)
    return faq_count, faq_updated, faq_sum, int(dept_count), dept_updated, learned


def entry_documents(session: Session) -> list[FaqDocument]:
    """The FAQ entries as the knowledge indexes them (with their active learned phrasings)."""
    learned = learning.active_phrasings(session)
    return [
        FaqDocument(
            faq_id=entry.id,
            question=entry.question,
            answer=entry.answer,
            department=entry.department_code,
            alternatives=tuple(entry.alternatives or ()),
            tags=tuple(entry.tags or ()),
            learned=learned.get(entry.id, ()),
            question_en=entry.question_en,
            answer_en=entry.answer_en,
            answer_easy=entry.answer_easy,
        )
        for entry in FaqRepository(session).all()
    ]


def _build(session: Session) -> Knowledge:
    documents = entry_documents(session)
    # sentence vectors of the entries: stored ones reused, only changed texts embedded
    meaning = {
        kind: MeaningView.build(
            kind,
            encoder,
            documents,
            lambda enc, texts: text_vector_store.vectors(session, enc, texts),
        )
        for kind, encoder in default_encoders().items()
    }
    departments = DepartmentRepository(session).list()
    profiles = [
        DepartmentProfile(
            code=d.code, name=d.name, handles=d.handles or "", keywords=tuple(d.keywords or ())
        )
        for d in departments
    ]
    analyses = TextAnalyses(default_analyzer())  # this build's memo: each text analysed once
    index = FaqIndex.build(documents, analyses=analyses, meaning=meaning)
    # the entries' wordings (decision.py reads them for every question) analysed here, in the
    # builder, rather than by the first citizen's question after each build
    index.wordings()
    warm_up(index)
    codes = {d.code for d in departments}
    return Knowledge(
        index=index,
        router=DepartmentRouter.build(profiles, index, analyses),
        fallback_department="general" if "general" in codes else None,
    )


def warm_up(index: FaqIndex) -> None:
    """One question searched and decided in the builder, so that what is made on first use
    (the query-embedding thread, the decision's per-index word sets, the first calls into
    the BM25 and numpy kernels) is not paid by the first citizen after each build."""
    if index.documents:
        decide(index, index.documents[0].question or "ごみ")


class KnowledgeCache:
    """The knowledge of this process. An FAQ or department edit does not rebuild it inside its
    request: a background thread reads the rows in a read transaction of its own (which on
    SQLite in WAL mode, as on PostgreSQL, makes nobody wait), builds, and swaps the new
    knowledge in when ready; the previous knowledge answers meanwhile.

    A session bound to one connection inside an outer transaction (tests roll theirs back)
    cannot lend that connection to another thread, and its rows are invisible to any other:
    such a session's knowledge is built in place, in the caller's thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # guards the fields below
        self._built = threading.Condition(self._lock)
        self._version: Version | None = None
        self._knowledge: Knowledge | None = None
        self._builder: threading.Thread | None = None
        self._look_again = False  # an edit came while the builder was running
        self._generation = 0  # clear() makes a running build's result stale

    def get(self, session: Session) -> Knowledge:
        """The knowledge, at once: when the database changed since it was built, a rebuild
        starts in the background and the previous knowledge answers. Only the very first
        build (start-up warms it up) is waited for."""
        version = _version(session)
        engine = _engine_of(session)
        with self._lock:
            current = self._knowledge
            if current is not None and version == self._version:
                return current
            if current is not None and engine is not None:
                self._start_builder(engine)
                return current
        if engine is None:
            return self._build_in_place(session, version)
        with self._lock:
            self._start_builder(engine)
            while self._knowledge is None and self._builder is not None:
                self._built.wait()
            if self._knowledge is None:
                raise RuntimeError("the knowledge could not be built; see the log")
            return self._knowledge

    def refresh(self, session: Session) -> None:
        """Commits the session (a staff edit) and starts the rebuild without waiting for it:
        the edit's response returns at once, citizens are answered from the previous knowledge
        until the new one is ready (`is_fresh`, `wait_fresh`)."""
        session.commit()
        engine = _engine_of(session)
        if engine is None:
            self._build_in_place(session, _version(session))
            return
        with self._lock:
            self._start_builder(engine)

    def is_fresh(self, session: Session) -> bool:
        """Whether the knowledge answering now is built from the database's current rows."""
        version = _version(session)
        with self._lock:
            return self._knowledge is not None and version == self._version

    def wait_fresh(self, factory: sessionmaker[Session], timeout: float = 60.0) -> Knowledge:
        """Waits until the knowledge is built from what `factory`'s database holds now (after
        an edit: tests, and CLI commands that must answer with the edit)."""
        deadline = time.monotonic() + timeout
        while True:
            with factory() as session:
                self.get(session)  # starts a rebuild when the database changed
                version = _version(session)
            with self._lock:
                # the knowledge and its version read together: a builder may swap in
                # between the two reads above, and the knowledge got first is then stale
                if self._knowledge is not None and version == self._version:
                    return self._knowledge
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"the knowledge was not rebuilt within {timeout} s")
                if self._builder is not None:
                    self._built.wait(left)

    def clear(self) -> None:
        with self._lock:
            self._generation += 1
            self._version = None
            self._knowledge = None

    def _build_in_place(self, session: Session, version: Version) -> Knowledge:
        knowledge = _build(session)
        with self._lock:
            self._knowledge, self._version = knowledge, version
            self._built.notify_all()
        return knowledge

    def _start_builder(self, engine: Engine) -> None:
        """Starts the builder thread, or, when one runs, has it look at the database once more
        before it stops (an edit committed during a build is built next). Called with the lock
        held."""
        if self._builder is not None:
            self._look_again = True
            return
        self._look_again = False
        self._builder = threading.Thread(
            target=self._rebuild, args=(engine,), name="knowledge-builder", daemon=True
        )
        self._builder.start()

    def _rebuild(self, engine: Engine) -> None:
        factory = sessionmaker(bind=engine, expire_on_commit=False)
        while True:
            try:
                self._build_latest(factory)
            except Exception:
                logger.exception("building the knowledge failed; the previous knowledge answers")
            with self._lock:
                if not self._look_again:
                    self._builder = None
                    self._built.notify_all()
                    return
                self._look_again = False

    def _build_latest(self, factory: sessionmaker[Session]) -> None:
        """Builds the database's current version unless it is the one held."""
        with self._lock:
            generation, held = self._generation, self._version
        with unit_of_work(factory, write=False) as session:
            version = _version(session)
            if version == held and self._knowledge is not None:
                return
            knowledge = _build(session)
        with self._lock:
            if generation == self._generation:
                self._knowledge, self._version = knowledge, version
            self._built.notify_all()


def _engine_of(session: Session) -> Engine | None:
    """The engine a builder thread may use for this session's database, or None when the
    session is bound to a connection of its own (an outer transaction)."""
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else None


knowledge_cache = KnowledgeCache()
