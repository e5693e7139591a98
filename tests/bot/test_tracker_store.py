"""The bot's SQL tracker store (bot/tracker_store.py) reads the same events as Rasa's own, and
on PostgreSQL finds the session's start once per statement, not once per event."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore as RasaSQLTrackerStore
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

from bot.tracker_store import SQLTrackerStore

REPO_ROOT = Path(__file__).resolve().parents[2]
DOMAIN = Domain.from_yaml("slots:\n  language:\n    type: text\n    mappings: []\n")


def _conversation(sender: str, sessions: int) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    clock = 1_000.0
    for session in range(sessions):
        events = [ActionExecuted("action_session_start"), SessionStarted()]
        for turn in range(4):
            events += [
                ActionExecuted("action_listen"),
                UserUttered(f"{session}-{turn}", {"name": "greet", "confidence": 1.0}),
                SlotSet("language", "ja"),
                ActionExecuted("utter_greet"),
            ]
        for event in events:
            clock += 1
            event.timestamp = clock
            tracker.update(event)
    return tracker


def _ids(store: RasaSQLTrackerStore, sender: str, all_sessions: bool) -> list[int]:
    with store.session_scope() as session:
        return [e.id for e in store._event_query(session, sender, all_sessions).all()]


@pytest.fixture
def stores(tmp_path: Path) -> tuple[SQLTrackerStore, RasaSQLTrackerStore]:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    ours = SQLTrackerStore(DOMAIN, dialect="sqlite", host=url)
    return ours, RasaSQLTrackerStore(DOMAIN, dialect="sqlite", host=url)


@pytest.mark.parametrize("sessions", [1, 3])
def test_the_same_events_as_rasas_own_store(
    stores: tuple[SQLTrackerStore, RasaSQLTrackerStore], sessions: int
) -> None:
    ours, rasas = stores
    asyncio.run(ours.save(_conversation("web:a", sessions)))
    asyncio.run(ours.save(_conversation("web:b", 2)))  # another conversation, not mixed in
    for all_sessions in (False, True):
        assert _ids(ours, "web:a", all_sessions) == _ids(rasas, "web:a", all_sessions)
    latest = asyncio.run(ours.retrieve("web:a"))
    assert latest is not None
    assert [e.text for e in latest.events if isinstance(e, UserUttered)] == [
        f"{sessions - 1}-{turn}" for turn in range(4)
    ]
    assert len(_ids(ours, "web:a", True)) == sessions * 18


def test_its_connections_are_checked_before_use(
    stores: tuple[SQLTrackerStore, RasaSQLTrackerStore],
) -> None:
    ours, _ = stores
    assert ours.engine.pool._pre_ping
    asyncio.run(ours.save(_conversation("web:a", 1)))
    assert len(_ids(ours, "web:a", True)) == 18


def test_the_endpoints_name_this_store(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("ACTION_ENDPOINT_URL", "ACTION_ENDPOINT_TOKEN", "LOCK_STORE_TYPE"):
        monkeypatch.setenv(variable, "in_memory")
    monkeypatch.setenv("TRACKER_STORE_DIALECT", "sqlite")
    monkeypatch.setenv("TRACKER_STORE_URL", "sqlite://")
    config = read_endpoint_config(str(REPO_ROOT / "bot" / "endpoints.yml"), "tracker_store")
    assert config is not None
    assert config.type == "bot.tracker_store.SQLTrackerStore"
    store = TrackerStore.create(config, DOMAIN)
    assert isinstance(getattr(store, "_tracker_store", store), SQLTrackerStore)


@pytest.fixture
def postgres_store() -> Iterator[SQLTrackerStore]:
    url = os.environ.get("MADOGUCHI_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("MADOGUCHI_TEST_POSTGRES_URL is not set")
    base = sa.engine.make_url(url).set(drivername="postgresql")
    name = f"madoguchi_trackertest_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        store = SQLTrackerStore(DOMAIN, dialect="postgresql", host=str(base.set(database=name)))
        yield store
        store.engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_postgresql_finds_the_session_start_once(postgres_store: SQLTrackerStore) -> None:
    asyncio.run(postgres_store.save(_conversation("web:a", 3)))
    with postgres_store.session_scope() as session:
        query = postgres_store._event_query(session, "web:a", False)
        compiled = query.statement.compile(
            dialect=postgres_store.engine.dialect, compile_kwargs={"literal_binds": True}
        )
        plan = "\n".join(row[0] for row in session.execute(sa.text(f"EXPLAIN ANALYZE {compiled}")))
    # Rasa's own query joins the subquery, which the planner re-runs per event (loops=n).
    assert "InitPlan" in plan, plan
    assert "loops=1)" in plan and not any(
        "Aggregate" in line and "loops=1)" not in line for line in plan.splitlines()
    ), plan
