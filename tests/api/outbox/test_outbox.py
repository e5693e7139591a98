"""The outbox: a message to a citizen is written with the change that caused it and delivered
after the commit, retried with backoff under one retry key, failed for good on a refusal, and
taken up again after a crash."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.cases.models import Case
from api.channels.base import Outgoing
from api.channels.registry import ChannelRegistry
from api.channels.web import outbox as web_outbox
from api.channels.web.router import _fetch
from api.conversation.schemas import ChatButton
from api.core.db import unit_of_work
from api.core.errors import AppError
from api.core.types import utcnow
from api.outbox import service as outbox
from api.outbox.dispatcher import Dispatcher, OutboxPolicy
from api.outbox.models import OutboxDelivery
from api.privacy.service import erase_case
from tests.api.channels.line_stub import LineStub
from tests.api.outbox.conftest import USER_ID, Clock
from tests.conftest import ADMIN_TOKEN

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PUSH = "/v2/bot/message/push"


def _enqueue(
    factory: sessionmaker[Session],
    case: Case,
    channels: ChannelRegistry,
    text: str = "補修しました。",
) -> int:
    with unit_of_work(factory) as session:
        case = session.get(Case, case.id)
        return outbox.enqueue(session, case, [Outgoing(text)], channels=channels).id


def _row(factory: sessionmaker[Session], delivery_id: int) -> OutboxDelivery:
    with factory() as session:
        row = session.get(OutboxDelivery, delivery_id)
        assert row is not None
        return row


def _kinds(factory: sessionmaker[Session], case: Case) -> list[str]:
    with factory() as session:
        return [e.kind for e in session.get(Case, case.id).events]


def test_a_delivery_commits_and_rolls_back_with_its_change(
    session_factory: sessionmaker[Session],
    open_report: Callable[..., Case],
    channels: ChannelRegistry,
) -> None:
    case = open_report()
    with pytest.raises(RuntimeError), unit_of_work(session_factory) as session:
        outbox.enqueue(session, session.get(Case, case.id), [Outgoing("x")], channels=channels)
        raise RuntimeError("the change failed after the message was queued")
    with session_factory() as session:
        assert session.scalars(select(OutboxDelivery)).all() == []
    delivery_id = _enqueue(session_factory, case, channels)
    row = _row(session_factory, delivery_id)
    assert (row.state, row.attempts, row.channel, row.recipient) == ("pending", 0, "line", USER_ID)
    assert row.messages == [{"text": "補修しました。", "author": "staff", "buttons": []}]
    uuid.UUID(row.retry_key)


def test_what_cannot_be_delivered_is_refused_before_the_commit(
    session_factory: sessionmaker[Session],
    open_report: Callable[..., Case],
    channels: ChannelRegistry,
) -> None:
    case = open_report()
    with session_factory() as session:
        case = session.get(Case, case.id)
        case.sender_id = None
        with pytest.raises(AppError) as no_user:
            outbox.enqueue(session, case, [Outgoing("x")], channels=channels)
        case.sender_id, case.channel = None, "phone"
        with pytest.raises(AppError) as phone:
            outbox.enqueue(session, case, [Outgoing("x")], channels=channels)
        case.sender_id, case.channel = "web:abc", "web"
        with pytest.raises(AppError) as empty:
            outbox.enqueue(session, case, [Outgoing("  ")], channels=channels)
        session.rollback()
    assert (no_user.value.status_code, no_user.value.code) == (409, "no_recipient")
    assert (phone.value.status_code, phone.value.code) == (409, "channel_not_supported")
    assert (empty.value.status_code, empty.value.code) == (422, "empty_message")


def test_a_temporary_failure_is_retried_with_backoff_under_one_retry_key(
    session_factory: sessionmaker[Session],
    open_report: Callable[..., Case],
    channels: ChannelRegistry,
    dispatcher: Dispatcher,
    clock: Clock,
    line_api: LineStub,
) -> None:
    case = open_report()
    delivery_id = _enqueue(session_factory, case, channels)
    line_api.scripted += [(PUSH, 500, {"message": "busy"}), (PUSH, 429, {"message": "slow"})]

    assert asyncio.run(dispatcher.deliver()).retrying == [delivery_id]
    first = _row(session_factory, delivery_id)
    assert (first.state, first.attempts, first.last_error) == ("pending", 1, "LINE HTTP 500")
    assert first.next_attempt_at == clock.now + dispatcher.policy.backoff

    clock.advance(5)  # not due yet
    assert asyncio.run(dispatcher.deliver()).handled == 0
    clock.advance(5)
    assert asyncio.run(dispatcher.deliver()).retrying == [delivery_id]
    assert (
        _row(session_factory, delivery_id).next_attempt_at
        == clock.now + 2 * dispatcher.policy.backoff
    )
    clock.advance(20)
    assert asyncio.run(dispatcher.deliver()).delivered == [delivery_id]
    assert asyncio.run(dispatcher.deliver()).handled == 0

    done = _row(session_factory, delivery_id)
    assert (done.state, done.attempts, done.last_error) == ("delivered", 3, None)
    assert done.messages == [] and done.recipient == ""  # nothing personal kept
    assert len(line_api.pushes) == 3
    assert {p.headers["x-line-retry-key"] for p in line_api.pushes} == {done.retry_key}
    assert line_api.errors == []
    assert "delivery_failed" not in _kinds(session_factory, case)


def test_out_of_attempts_is_failed(
    session_factory: sessionmaker[Session],
    open_report: Callable[..., Case],
    channels: ChannelRegistry,
    clock: Clock,
    line_api: LineStub,
) -> None:
    dispatcher = Dispatcher(
        session_factory, channels, clock=clock, policy=OutboxPolicy(max_attempts=2)
    )
    case = open_report()
    delivery_id = _enqueue(session_factory, case, channels)
    line_api.scripted += [(PUSH, 503, {"message": "down"})] * 2
    asyncio.run(dispatcher.deliver())
    clock.advance(60)
    assert asyncio.run(dispatcher.deliver()).failed == [delivery_id]
    assert _row(session_factory, delivery_id).state == "failed"
    assert _kinds(session_factory, case)[-1] == "delivery_failed"


def test_a_permanent_failure_fails_at_once_and_shows_in_the_case(
    session_factory: sessionmaker[Session],
    open_report: Callable[..., Case],
    channels: ChannelRegistry,
    dispatcher: Dispatcher,
    line_api: LineStub,
    line_client: Any,
) -> None:
    case = open_report()
    delivery_id = _enqueue(session_factory, case, channels, text="秘密の住所 緑町1-2-3")
    line_api.scripted.append((PUSH, 400, {"message": "The user has blocked the bot"}))
    assert asyncio.run(dispatcher.deliver()).failed == [delivery_id]
    row = _row(session_factory, delivery_id)
    assert (row.state, row.attempts, row.last_error) == ("failed", 1, "LINE HTTP 400")

    shown = line_client.get(f"/api/v1/cases/{case.case_number}", headers=AUTH).json()
    [failed] = [e for e in shown["events"] if e["kind"] == "delivery_failed"]
    assert failed["data"] == {"reason": "LINE HTTP 400"}  # no message text
    assert [(d["id"], d["state"]) for d in shown["deliveries"]] == [(delivery_id, "failed")]
    assert "緑町" not in str(shown["deliveries"])


def test_a_crash_between_claim_and_result_is_delivered_once_after_the_lease(
    session_factory: sessionmaker[Session],
    open_report: Callable[..., Case],
    channels: ChannelRegistry,
    dispatcher: Dispatcher,
    clock: Clock,
    line_api: LineStub,
) -> None:
    case = open_report()
    delivery_id = _enqueue(session_factory, case, channels)
    [claim] = dispatcher._claim(None)  # the process dies here, before the send's outcome
    assert _row(session_factory, delivery_id).state == "sending"

    restarted = Dispatcher(session_factory, channels, clock=clock)
    assert asyncio.run(restarted.deliver()).handled == 0  # the lease still holds
    clock.advance(OutboxPolicy().lease.total_seconds() + 1)
    assert asyncio.run(restarted.deliver()).delivered == [delivery_id]
    assert asyncio.run(restarted.deliver()).handled == 0
    [push] = line_api.pushes
    assert push.headers["x-line-retry-key"] == claim.retry_key
    assert _row(session_factory, delivery_id).attempts == 2
    # The dead process's outcome, should it come late, changes nothing.
    assert dispatcher._record(claim, None) is None


def test_a_web_delivery_reaches_the_widget_event_stream_once(
    session_factory: sessionmaker[Session],
    open_report: Callable[..., Case],
    channels: ChannelRegistry,
    dispatcher: Dispatcher,
    clock: Clock,
) -> None:
    case = open_report(sender="web:0a1b2c3d")
    with unit_of_work(session_factory) as session:
        web_case = session.get(Case, case.id)
        web_case.channel = "web"
        buttons = (ChatButton(title="はい", payload="/affirm"),)
        delivery_id = outbox.enqueue(
            session,
            web_case,
            [Outgoing("解決しました。", "staff"), Outgoing("いかがでしたか", "bot", buttons)],
            channels=channels,
        ).id
    [claim] = dispatcher._claim(None)
    asyncio.run(
        channels.get("web").send(claim.recipient, claim.messages, retry_key=claim.retry_key)
    )
    # Crashed before recording: sent again after the lease, it adds nothing.
    clock.advance(OutboxPolicy().lease.total_seconds() + 1)
    assert asyncio.run(dispatcher.deliver()).delivered == [delivery_id]
    streamed = _fetch(session_factory, "web:0a1b2c3d", 0)
    assert [(m["author"], m["text"], m["buttons"]) for m in streamed] == [
        ("staff", "解決しました。", []),
        ("bot", "いかがでしたか", [{"title": "はい", "payload": "/affirm"}]),
    ]
    with session_factory() as session:
        assert {m.case_id for m in web_outbox.after(session, "web:0a1b2c3d", 0)} == {case.id}


def _post_raw(app: FastAPI, path: str, body: bytes) -> tuple[int, float, float]:
    """Calls the ASGI app as a server would: (status, seconds until the response was complete,
    seconds until the app returned, background tasks included)."""
    started = time.monotonic()
    status = 0
    sent_at = 0.0

    async def call() -> None:
        nonlocal status, sent_at
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "headers": [
                (b"host", b"testserver"),
                (b"content-type", b"application/json"),
                (b"authorization", AUTH["Authorization"].encode()),
            ],
            "client": ("127.0.0.1", 1),
            "server": ("testserver", 80),
        }
        received = False

        async def receive() -> dict[str, Any]:
            nonlocal received
            if received:
                await asyncio.sleep(3600)
            received = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status, sent_at
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                sent_at = time.monotonic() - started

        await app(scope, receive, send)

    asyncio.run(call())
    return status, sent_at, time.monotonic() - started


def test_a_reply_answers_before_a_slow_line_does(
    line_app: FastAPI, open_report: Callable[..., Case], line_api: LineStub
) -> None:
    case = open_report()
    respond = line_api._respond

    def slow(record: Any) -> Any:
        time.sleep(1.5)
        return respond(record)

    line_api._respond = slow  # type: ignore[method-assign]
    path = f"/api/v1/cases/{case.case_number}/replies"
    status, answered, finished = _post_raw(line_app, path, '{"body": "確認しました。"}'.encode())
    assert status == 200
    # answered first: the push, held 1.5 s by the stub, went out after the response
    assert finished - answered >= 1.5
    assert len(line_api.pushes) == 1 and line_api.errors == []


def test_the_poller_delivers_what_no_route_sent(
    session_factory: sessionmaker[Session],
    open_report: Callable[..., Case],
    channels: ChannelRegistry,
    line_api: LineStub,
) -> None:
    """The lifespan's loop: a delivery left pending (its process stopped before sending) goes
    out at the next poll."""
    case = open_report()
    delivery_id = _enqueue(session_factory, case, channels)

    dispatcher = Dispatcher(session_factory, channels)
    recorded = threading.Event()
    record = dispatcher._record

    def record_and_tell(claim: Any, error: Any) -> Any:
        state = record(claim, error)
        recorded.set()
        return state

    dispatcher._record = record_and_tell  # type: ignore[method-assign]

    async def poll_until_delivered() -> None:
        # Nothing here reads the database while the loop runs: on PostgreSQL the test's
        # sessions share one connection, which the loop's thread is using.
        task = asyncio.create_task(dispatcher.run(poll_seconds=0.02))
        try:
            for _ in range(500):  # until the outcome is recorded, not only pushed
                await asyncio.sleep(0.02)
                if recorded.is_set():
                    break
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    asyncio.run(poll_until_delivered())
    assert len(line_api.pushes) == 1
    assert _row(session_factory, delivery_id).state == "delivered"


def test_an_erased_case_sends_nothing_more(
    session_factory: sessionmaker[Session],
    open_report: Callable[..., Case],
    channels: ChannelRegistry,
    dispatcher: Dispatcher,
    line_api: LineStub,
) -> None:
    case = open_report()
    _enqueue(session_factory, case, channels)
    with unit_of_work(session_factory) as session:
        report = erase_case(session, case.case_number, actor="admin", now=utcnow())
    assert report.counts["messages waiting for delivery"] == 1
    assert asyncio.run(dispatcher.deliver()).handled == 0
    assert line_api.pushes == []
