"""An action searches the citizen's words before its write transaction (actions/prepare.py), so
the search runs while another connection holds SQLite's write lock and the action's record then
lands once."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, sessionmaker

from api.cases.models import Case
from api.core.db import get_session_factory, unit_of_work
from api.departments.models import Department
from api.faq.knowledge import knowledge_cache
from api.faq.search.encoders import get_encoder
from api.feedback.models import BotAnswer
from tests.actions.payloads import action_call, loop_event, user_event
from tests.api.conftest import demo_database


@pytest.fixture
def factory(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    engine = demo_database(f"sqlite:///{tmp_path / 'actions.db'}")  # its write lock is tested
    made = sessionmaker(bind=engine, expire_on_commit=False)
    knowledge_cache.clear()
    yield made
    knowledge_cache.clear()
    engine.dispose()


@pytest.fixture
def client(factory: sessionmaker[Session]) -> TestClient:
    from api.main import create_app

    app = create_app()
    app.dependency_overrides[get_session_factory] = lambda: factory
    app.state.session_factory = lambda: factory
    return TestClient(app, raise_server_exceptions=False)


def _answer(client: TestClient, question: str, sender: str = "web:tx") -> dict:
    call = action_call("action_answer_faq", sender, events=[user_event(question)])
    response = client.post("/webhook", json=call)
    assert response.status_code == 200, response.text
    return response.json()


def _rows(
    factory: sessionmaker[Session], sender_column: InstrumentedAttribute[str], sender: str
) -> int:
    with unit_of_work(factory, write=False) as session:
        return session.scalar(select(func.count()).where(sender_column == sender)) or 0


@contextmanager
def _write_lock_held(factory: sessionmaker[Session]) -> Iterator[None]:
    """A staff edit holding SQLite's write lock for the block."""
    with unit_of_work(factory) as writer:
        writer.get(Department, "roads").name = "道路課（改称中）"
        writer.flush()
        yield


def _watch_queries(monkeypatch: pytest.MonkeyPatch, seen: Callable[[Sequence[str]], None]) -> None:
    """Calls `seen` with the texts of every e5 query vector made from now on."""
    e5 = get_encoder("e5")
    assert e5 is not None
    embed = e5.queries

    def watched(texts: Sequence[str]) -> np.ndarray:
        seen(texts)
        return embed(texts)

    monkeypatch.setattr(e5, "queries", watched)


def test_an_action_searches_before_it_takes_the_write_lock(
    client: TestClient, factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    _answer(client, "粗大ごみの出し方を教えて", sender="web:warm")  # the knowledge is built
    searching = threading.Event()
    _watch_queries(monkeypatch, lambda texts: searching.set())  # the question's sentence vector
    answered: list[dict] = []
    with _write_lock_held(factory):
        action = threading.Thread(
            target=lambda: answered.append(_answer(client, "粗大ごみの出し方を教えて"))
        )
        action.start()
        # searching inside its transaction, the action would wait here for the lock
        assert searching.wait(10), "the action waited for the write lock before searching"
        assert not answered  # its record waits for the lock: the action has not finished
    action.join(30)
    assert answered and "粗大ごみは事前申込制です" in answered[0]["responses"][0]["text"]
    assert _rows(factory, BotAnswer.sender_id, "web:tx") == 1


def test_an_action_whose_preparation_fails_still_answers(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("engine failed")

    monkeypatch.setattr("actions.prepare.decide", broken)
    answered = _answer(client, "粗大ごみの出し方を教えて", sender="web:prep")
    assert "粗大ごみは事前申込制です" in answered["responses"][0]["text"]


def _counting_parse(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from api.nlp import entities

    parsed: list[str] = []
    real_parse = entities.parse

    def counting(text: str):  # type: ignore[no-untyped-def]
        parsed.append(text)
        return real_parse(text)

    monkeypatch.setattr(entities, "parse", counting)
    entities.forget_all()
    return parsed


REPORT = "山田です。緑町3丁目の道路に穴があります。電話は090-1234-5678です"


def test_an_action_takes_the_entities_the_api_sealed_into_the_message(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The API worker that took the message found its entities; the action, maybe in another
    worker, takes them from the message instead of running the pipeline again."""
    from api.core.config import get_settings
    from api.nlp.carried import carry
    from api.nlp.entities import extract
    from api.nlp.pipeline import parse

    found = extract(REPORT)
    parse(REPORT)  # the pipeline loaded before counting
    parsed = _counting_parse(monkeypatch)
    secret = get_settings().admin_token.get_secret_value()
    call = action_call(
        "action_answer_faq",
        "web:carried",
        events=[user_event(REPORT, metadata=carry(secret, REPORT, found))],
    )
    assert client.post("/webhook", json=call).status_code == 200
    assert parsed == []
    assert extract(REPORT) == found  # what the action and the triage read


def test_entities_sealed_with_another_key_are_found_again(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whoever can post to Rasa cannot make an action take their word for what is personal
    data: a seal not made with this server's secret is ignored."""
    from api.nlp.carried import carry
    from api.nlp.entities import extract

    parsed = _counting_parse(monkeypatch)
    forged = carry("not-the-server-secret", REPORT, [])  # "nothing personal here"
    call = action_call(
        "action_answer_faq", "web:forged", events=[user_event(REPORT, metadata=forged)]
    )
    assert client.post("/webhook", json=call).status_code == 200
    assert parsed == [REPORT]
    assert {span.label for span in extract(REPORT)} >= {"PERSON", "PHONE", "ADDRESS"}


def test_opening_a_case_routes_and_reads_its_report_before_the_write_lock(
    client: TestClient, factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The triage text (description and place) is routed (its sentence vector) and its
    entities found while another connection holds the write lock; the case lands once after."""
    _answer(client, "粗大ごみの出し方を教えて", sender="web:warm")  # the knowledge is built
    description, place = "街灯が消えたままで夜道が暗いです", "緑町4丁目17番の角"
    triage = f"{description}\n{place}"
    parsed = _counting_parse(monkeypatch)
    embedded: list[str] = []
    _watch_queries(monkeypatch, embedded.extend)
    slots = {
        "case_description": description,
        "case_location": place,
        "case_contact": "不要",
        "case_confirmed": True,
    }
    events = [user_event("はい", "affirm"), loop_event("report_form"), loop_event(None)]
    call = action_call("action_open_case", "web:opening", events=events, slots=slots)
    opened: list[int] = []
    with _write_lock_held(factory):
        action = threading.Thread(
            target=lambda: opened.append(client.post("/webhook", json=call).status_code)
        )
        action.start()
        deadline = time.monotonic() + 20
        while triage not in parsed and time.monotonic() < deadline:
            time.sleep(0.02)
        # inside its transaction, the action would wait here for the lock
        assert triage in parsed, "the action waited for the write lock before reading its report"
        assert any(triage in text for text in embedded)  # routed: its sentence vector
        assert not opened
    action.join(30)
    assert opened == [200]
    assert _rows(factory, Case.sender_id, "web:opening") == 1
    assert parsed.count(triage) == 1  # not again under the lock
