"""`madoguchi privacy purge` removes what the retention policy says, from the API database and
from Rasa's tracker store, and nothing else; a dry run changes nothing; a second run finds
nothing more. `madoguchi privacy erase` deletes one citizen's data and keeps the counts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from api.cases.models import Case, CaseStatus
from api.cases.service import open_case
from api.channels.line.models import CaseAttachment, InboxStatus, LineInboxEvent
from api.channels.web.models import WebChatSession, WebOutboxMessage
from api.cli import main
from api.core.types import utcnow
from api.privacy.tracker import tracker_engine_url
from tests.api.cases.test_service import new_case, route_to_roads
from tests.conftest import REPO_ROOT

DAY = timedelta(days=1)
# Rasa 3.6's SQLTrackerStore table (rasa/core/tracker_store.py, SQLEvent).
RASA_EVENTS = """CREATE TABLE events (
    id {id}, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255) NOT NULL,
    timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)"""


@dataclass
class Databases:
    api: str
    tracker: str


@pytest.fixture
def tracker_url(fresh_database_url: str) -> str:
    """Rasa's tracker store as Rasa's TRACKER_STORE_URL names it: a SQLite file, or a database
    of its own on the machine's PostgreSQL with no driver in the URL (Rasa's form)."""
    url = make_url(fresh_database_url)
    if url.drivername.startswith("postgresql"):
        url = url.set(drivername="postgresql")
        _create_events(url.render_as_string(hide_password=False), "SERIAL PRIMARY KEY")
    else:
        _create_events(fresh_database_url, "INTEGER PRIMARY KEY")
    return url.render_as_string(hide_password=False)


def _create_events(url: str, id_column: str) -> None:
    engine = create_engine(tracker_engine_url(url))
    with engine.begin() as connection:
        connection.execute(text(RASA_EVENTS.format(id=id_column)))
    engine.dispose()


@pytest.fixture
def databases(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, tracker_url: str
) -> Iterator[Databases]:
    from api.core.config import get_settings
    from api.core.db import get_engine, get_sessionmaker

    found = Databases(f"sqlite:///{tmp_path / 'api.db'}", tracker_url)
    monkeypatch.setenv("DATABASE_URL", found.api)
    monkeypatch.setenv("TRACKER_STORE_URL", found.tracker)
    for cached in (get_settings, get_engine, get_sessionmaker):
        cached.cache_clear()
    assert main(["city", "load", str(REPO_ROOT / "demo_city")]) == 0
    yield found
    for cached in (get_settings, get_engine, get_sessionmaker):
        cached.cache_clear()


def _api_session() -> Session:
    from api.core.db import get_sessionmaker

    return get_sessionmaker()()


def _tracker_event(url: str, sender: str, at: datetime, data: dict) -> None:
    engine = create_engine(tracker_engine_url(url))
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO events (sender_id, type_name, timestamp, data) "
                "VALUES (:s, :t, :ts, :d)"
            ),
            {"s": sender, "t": data["event"], "ts": at.timestamp(), "d": json.dumps(data)},
        )
    engine.dispose()


def _tracker(url: str) -> list[tuple[str, dict]]:
    engine = create_engine(tracker_engine_url(url))
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT sender_id, data FROM events ORDER BY id")).all()
    engine.dispose()
    return [(sender, json.loads(data)) for sender, data in rows]


def _user(said: str) -> dict:
    return {"event": "user", "text": said, "parse_data": {"text": said}}


def _case(session: Session, sender: str, status: str, resolved_days_ago: int | None) -> Case:
    case, _ = open_case(session, new_case(sender_id=sender), route=route_to_roads, actor="bot")
    case.status = status
    if resolved_days_ago is not None:
        case.resolved_at = utcnow() - resolved_days_ago * DAY
    session.add(CaseAttachment(case_id=case.id, kind="location", data={"lat": 35.0}))
    return case


@pytest.fixture
def data(databases: Databases) -> dict[str, str]:
    now = utcnow()
    with _api_session() as session:
        for sender, idle in (("web:old", 91), ("web:recent", 10)):
            session.add(
                WebChatSession(sender_id=sender, token_hash="0" * 64, last_seen_at=now - idle * DAY)
            )
        for body, age in (("old reply", 31), ("new reply", 2)):
            session.add(
                WebOutboxMessage(
                    sender_id="web:recent", author="staff", body=body, created_at=now - age * DAY
                )
            )
        for event_id, age, status in (
            ("done-old", 8, InboxStatus.done),
            ("failed-old", 8, InboxStatus.failed),
            ("pending-old", 8, InboxStatus.pending),
            ("done-new", 1, InboxStatus.done),
        ):
            session.add(
                LineInboxEvent(
                    webhook_event_id=event_id,
                    event_type="message",
                    payload={},
                    status=status.value,
                    received_at=now - age * DAY,
                )
            )
        old = _case(session, "web:old", CaseStatus.resolved.value, 400)
        recent = _case(session, "web:recent", CaseStatus.resolved.value, 100)
        still_open = _case(session, "line:Uopen", CaseStatus.in_progress.value, None)
        session.commit()
        numbers = {
            "old": old.case_number,
            "recent": recent.case_number,
            "open": still_open.case_number,
        }
    _tracker_event(databases.tracker, "web:old", now - 95 * DAY, _user("穴があいています"))
    _tracker_event(databases.tracker, "web:recent", now - 2 * DAY, _user("電話は090-1234-5678です"))
    _tracker_event(
        databases.tracker,
        "web:recent",
        now - 2 * DAY,
        {"event": "slot", "name": "case_contact", "value": "090-1234-5678"},
    )
    _tracker_event(databases.tracker, "web:recent", now - DAY / 24, _user("メールは a@example.jp"))
    return numbers


def _state(databases: Databases) -> dict:
    with _api_session() as session:
        cases = {
            c.case_number: (c.contact, c.location, c.personal_data_erased_at is not None)
            for c in session.scalars(select(Case))
        }
        return {
            "sessions": sorted(session.scalars(select(WebChatSession.sender_id))),
            "outbox": sorted(session.scalars(select(WebOutboxMessage.body))),
            "inbox": sorted(session.scalars(select(LineInboxEvent.webhook_event_id))),
            "attachments": session.scalar(select(func.count()).select_from(CaseAttachment)),
            "cases": cases,
            "tracker": _tracker(databases.tracker),
        }


def test_purge_removes_what_the_policy_says_in_both_databases(
    databases: Databases, data: dict[str, str], capsys: pytest.CaptureFixture
) -> None:
    before = _state(databases)
    assert main(["privacy", "purge", "--dry-run"]) == 0
    said = capsys.readouterr().out
    assert "would remove\t1\tweb conversations" in said
    assert "would remove\t2\tLINE inbox events" in said
    assert "would remove\t1\ttracker events deleted" in said
    assert _state(databases) == before  # a dry run changes nothing

    assert main(["privacy", "purge"]) == 0
    capsys.readouterr()
    after = _state(databases)
    assert after["sessions"] == ["web:recent"]
    assert after["outbox"] == ["new reply"]
    assert after["inbox"] == ["done-new", "pending-old"]  # unhandled events are never dropped
    assert after["attachments"] == 2
    assert after["cases"] == {
        data["old"]: (None, None, True),  # resolved over a year ago: contact and place gone
        data["recent"]: ("090-1234-5678", "緑町3丁目", False),
        data["open"]: ("090-1234-5678", "緑町3丁目", False),
    }
    tracker = after["tracker"]
    assert [sender for sender, _ in tracker] == ["web:recent"] * 3  # the silent one is gone
    typed, slot, fresh = (event for _, event in tracker)
    assert typed["text"] == typed["parse_data"]["text"] == "電話は［電話番号］です"
    assert slot["value"] == "［連絡先］"
    assert fresh["text"] == "メールは a@example.jp"  # not yet old enough to mask

    assert main(["privacy", "purge"]) == 0  # safe daily: nothing more to do
    assert all(
        line.startswith("removed\t0\t") for line in capsys.readouterr().out.splitlines()[-7:]
    )
    assert _state(databases) == after


def test_erase_deletes_a_citizens_data_and_keeps_the_counts(
    databases: Databases, data: dict[str, str], capsys: pytest.CaptureFixture
) -> None:
    number = data["recent"]
    assert main(["privacy", "erase", number]) == 0
    with _api_session() as session:
        case = session.scalar(select(Case).where(Case.case_number == number))
        assert (case.contact, case.location, case.sender_id) == (None, None, None)
        assert case.description == "（削除済み）" and case.summary == "（削除済み）"
        assert (case.kind, case.department_code, case.status) == ("report", "roads", "resolved")
        assert session.scalar(select(func.count()).select_from(Case)) == 3
        assert session.get(WebChatSession, "web:recent") is None
    assert [sender for sender, _ in _tracker(databases.tracker)] == ["web:old"]
    assert main(["privacy", "erase", "2026-999999"]) == 2
    assert "not found" in capsys.readouterr().err
