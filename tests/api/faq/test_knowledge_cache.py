"""A staff edit never makes anyone wait for the knowledge: the edit returns at once, the
rebuild runs in the background, and the previous knowledge answers until the new one is
swapped in. Real commits on a database of the test's own (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from api.core.db import get_session_factory, unit_of_work
from api.faq import knowledge as knowledge_module
from api.faq.knowledge import KnowledgeCache, knowledge_cache
from api.faq.models import FaqEntry
from tests.api.conftest import demo_database
from tests.conftest import ADMIN_TOKEN

NEW_ANSWER = "粗大ごみは新しい受付センターで申し込んでください。"
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture
def engine(fresh_database_url: str) -> Iterator[Engine]:
    engine = demo_database(fresh_database_url)
    knowledge_cache.clear()
    yield engine
    knowledge_cache.clear()
    engine.dispose()


@pytest.fixture
def factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Builds wait for the gate once it is closed (clear()); open, they run as usual."""
    opened = threading.Event()
    opened.set()
    real_build = knowledge_module._build

    def gated_build(session: Session) -> knowledge_module.Knowledge:
        assert opened.wait(30)
        return real_build(session)

    monkeypatch.setattr(knowledge_module, "_build", gated_build)
    yield opened
    opened.set()


def _answer_of(knowledge: knowledge_module.Knowledge, faq_id: str) -> str:
    return knowledge.index.document(faq_id).answer


def test_an_faq_edit_returns_while_the_knowledge_rebuilds(
    factory: sessionmaker[Session], gate: threading.Event
) -> None:
    from api.main import create_app

    app = create_app()
    app.dependency_overrides[get_session_factory] = lambda: factory
    app.state.session_factory = lambda: factory
    client = TestClient(app, raise_server_exceptions=False)
    previous = knowledge_cache.wait_fresh(factory)

    gate.clear()  # the rebuild after the edit cannot finish until the test says so
    entry = {"question": "粗大ごみの出し方", "answer": NEW_ANSWER, "department": "waste"}
    assert client.put("/api/v1/faq/F1", json=entry, headers=AUTH).status_code == 200

    # The edit is saved; the bot still answers from the previous knowledge, at once.
    assert client.get("/api/v1/faq/F1", headers=AUTH).json()["answer"] == NEW_ANSWER
    assert client.get("/health").json()["knowledge"] == "rebuilding"
    hits = client.post("/api/v1/faq/search", json={"query": "粗大ごみの出し方", "top": 1})
    assert hits.status_code == 200 and hits.json()[0]["faq_id"] == "F1"
    with unit_of_work(factory, write=False) as session:
        assert knowledge_cache.get(session) is previous
    assert _answer_of(previous, "F1") != NEW_ANSWER

    gate.set()
    fresh = knowledge_cache.wait_fresh(factory)
    assert _answer_of(fresh, "F1") == NEW_ANSWER
    assert client.get("/health").json()["knowledge"] == "fresh"


def test_an_edit_during_a_rebuild_is_built_in_next(
    factory: sessionmaker[Session], gate: threading.Event
) -> None:
    cache = KnowledgeCache()
    with unit_of_work(factory, write=False) as session:
        cache.get(session)
    gate.clear()
    with unit_of_work(factory) as session:
        session.get(FaqEntry, "F1").answer = "一度目の修正。"
        cache.refresh(session)  # the builder starts and waits at the gate
    with unit_of_work(factory) as session:
        session.get(FaqEntry, "F1").answer = NEW_ANSWER
        cache.refresh(session)  # a builder runs: it picks this edit up when done
    gate.set()
    assert _answer_of(cache.wait_fresh(factory), "F1") == NEW_ANSWER


def test_a_session_on_a_connection_of_its_own_is_built_in_place(seeded: Session) -> None:
    """Tests bind sessions to one connection in a rolled-back transaction: nobody else sees
    its rows, so its knowledge is built in the caller's thread, edits included."""
    cache = KnowledgeCache()
    first = cache.get(seeded)
    assert cache.get(seeded) is first  # unchanged: no rebuild
    seeded.get(FaqEntry, "F1").answer = NEW_ANSWER
    cache.refresh(seeded)
    assert cache.is_fresh(seeded)
    assert _answer_of(cache.get(seeded), "F1") == NEW_ANSWER


def test_the_entries_wordings_are_analysed_by_the_build_not_by_the_first_question(
    seeded: Session,
) -> None:
    index = KnowledgeCache().get(seeded).index
    assert index._wordings is not None
    assert index.wordings() is index._wordings  # the first question reads them as built


def test_a_build_warms_the_search_and_the_decision_up(factory: sessionmaker[Session]) -> None:
    # what the first question would otherwise make (the decision's per-index word sets) is
    # made by the builder, not by the first citizen after the build
    from api.faq.search import decision

    with unit_of_work(factory, write=False) as session:
        built = KnowledgeCache().get(session)
    assert built.index in decision._ASKED or built.index in decision._QUESTIONS
