"""Durability and de-duplication of webhook events."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.channels.line import inbox
from api.channels.line.channel import LineChannel, build_line_channel
from api.channels.line.events import process_pending, resume_line_inbox
from api.channels.line.models import InboxStatus, LineInboxEvent
from api.core.config import Settings
from api.core.db import build_engine, unit_of_work
from api.core.migrate import upgrade_database
from api.core.types import utcnow
from tests.api.channels.conftest import SENDER, USER_ID, FakeConversation, text_event
from tests.api.channels.line_stub import LineStub


def _channel(settings: Settings) -> LineChannel:
    channel = build_line_channel(settings)
    assert channel is not None
    return channel


def test_events_left_undone_are_handled_at_start_up(
    session_factory: sessionmaker[Session],
    line_settings: Settings,
    line_api: LineStub,
    conversation: FakeConversation,
) -> None:
    # The process stored the events and answered 200, then died before handling them.
    with unit_of_work(session_factory) as session:
        ids = inbox.store_events(session, [text_event("一つ目"), text_event("二つ目")])
    assert len(ids) == 2
    line_api.scripted.append(("/v2/bot/message/reply", 400, {"message": "Invalid reply token"}))

    handled = asyncio.run(process_pending(_channel(line_settings), conversation, session_factory))

    assert handled == 2
    assert conversation.calls == [(SENDER, "一つ目"), (SENDER, "二つ目")]
    assert [p.json["to"] for p in line_api.pushes] == [USER_ID]  # first token had expired
    assert len(line_api.replies) == 2
    with session_factory() as session:
        statuses = session.scalars(select(LineInboxEvent.status)).all()
    assert statuses == [InboxStatus.done.value] * 2
    # Once handled, the stored event keeps neither the text nor the user id nor the token.
    with session_factory() as session:
        payloads = session.scalars(select(LineInboxEvent.payload)).all()
    for payload in payloads:
        stored = str(payload)
        assert "一つ目" not in stored and "二つ目" not in stored and USER_ID not in stored
        assert "replyToken" not in payload
        assert payload["redacted"] is True and payload["type"] == "message"
        assert payload["message"]["type"] == "text" and "text" not in payload["message"]
    # Nothing is left: a second start-up does nothing.
    assert asyncio.run(process_pending(_channel(line_settings), conversation, session_factory)) == 0
    assert len(conversation.calls) == 2


def test_a_claimed_event_is_not_handled_by_another_worker(
    session_factory: sessionmaker[Session],
) -> None:
    with unit_of_work(session_factory) as session:
        [row_id] = inbox.store_events(session, [text_event("質問")])
    assert inbox.claim(session_factory, row_id) is not None
    assert inbox.claim(session_factory, row_id) is None
    assert inbox.pending_ids(session_factory) == []
    # A worker that died long ago leaves a stale claim, which start-up takes again.
    later = utcnow() + inbox.STALE_CLAIM + timedelta(seconds=1)
    assert inbox.pending_ids(session_factory, now=later) == [row_id]
    inbox.finish(session_factory, row_id)
    assert inbox.pending_ids(session_factory, now=later) == []


def test_concurrent_deliveries_of_one_event_store_it_once(fresh_database_url: str) -> None:
    upgrade_database(fresh_database_url)
    engine = build_engine(fresh_database_url)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    twin = text_event("同時に届いた", event_id="01JCONCURRENT000000000000001")
    barrier = threading.Barrier(4)
    stored: list[list[int]] = []
    errors: list[BaseException] = []

    def deliver() -> None:
        try:
            barrier.wait()
            with unit_of_work(factory) as session:
                stored.append(inbox.store_events(session, [twin]))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        assert sorted(len(ids) for ids in stored) == [0, 0, 0, 1]
        with factory() as session:
            assert len(session.scalars(select(LineInboxEvent)).all()) == 1
    finally:
        engine.dispose()


def test_start_up_hook_handles_undone_events_in_the_background(
    session_factory: sessionmaker[Session],
    line_app: FastAPI,
    line_api: LineStub,
    conversation: FakeConversation,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("api.channels.line.events.get_sessionmaker", lambda: session_factory)
    with unit_of_work(session_factory) as session:
        inbox.store_events(session, [text_event("再起動前の質問")])

    async def start() -> int | None:
        task = await resume_line_inbox(line_app)
        return await task if task else None

    assert asyncio.run(start()) == 1
    assert conversation.calls == [(SENDER, "再起動前の質問")]
    assert len(line_api.replies) == 1


def test_start_up_hook_does_nothing_when_line_is_off() -> None:
    from api.main import create_app

    app = create_app(Settings(LINE_CHANNEL_SECRET="", LINE_CHANNEL_ACCESS_TOKEN=""))
    assert app.state.line is None
    assert asyncio.run(resume_line_inbox(app)) is None
