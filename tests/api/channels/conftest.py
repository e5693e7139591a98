"""Fixtures of the LINE channel tests: two LINE stubs (api and api-data) on 127.0.0.1, an app
configured to use them, a scripted conversation service in place of Rasa (Rasa itself is
tested end-to-end elsewhere), and a helper that signs and posts webhook bodies."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from api.cases.models import Case, CaseKind
from api.cases.schemas import NewCase
from api.cases.service import open_case
from api.channels.line.signature import sign
from api.conversation.schemas import ChatMessage
from api.core.config import Settings
from api.core.db import get_session_factory
from tests.api.channels.line_stub import LineStub

CHANNEL_SECRET = "line-test-channel-secret-7d41c0"
ACCESS_TOKEN = "line-test-access-token-93be5a1f"
USER_ID = "U4af4980629a1b2c3d4e5f60718293a4b"
SENDER = f"line:{USER_ID}"


class FakeConversation:
    """Stands in for ConversationService at the boundary: records calls, answers from a script
    (message -> bot messages), and otherwise echoes."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.script: dict[str, list[ChatMessage]] = {}
        self.form: str | None = None  # the form Rasa would say the citizen is filling in

    async def active_form(self, sender: str) -> str | None:
        return self.form

    async def handle(self, sender: str, message: str) -> list[ChatMessage]:
        self.calls.append((sender, message))
        return self.script.get(message) or [ChatMessage(text=f"ボット: {message}")]


@pytest.fixture
def line_api() -> Iterator[LineStub]:
    stub = LineStub(ACCESS_TOKEN)
    stub.start()
    yield stub
    stub.stop()


@pytest.fixture
def line_data() -> Iterator[LineStub]:
    stub = LineStub(ACCESS_TOKEN)
    stub.start()
    yield stub
    stub.stop()


@pytest.fixture
def line_settings(line_api: LineStub, line_data: LineStub) -> Settings:
    return Settings(
        LINE_CHANNEL_SECRET=CHANNEL_SECRET,
        LINE_CHANNEL_ACCESS_TOKEN=ACCESS_TOKEN,
        LINE_API_BASE_URL=line_api.base_url,
        LINE_DATA_API_BASE_URL=line_data.base_url,
        LINE_MAX_IMAGE_BYTES=1024 * 1024,
    )


@pytest.fixture
def conversation() -> FakeConversation:
    return FakeConversation()


@pytest.fixture
def line_app(
    session_factory: sessionmaker[Session],
    line_settings: Settings,
    conversation: FakeConversation,
) -> FastAPI:
    from api.main import create_app

    app = create_app(line_settings)
    app.dependency_overrides[get_session_factory] = lambda: session_factory
    app.state.conversation = conversation
    return app


@pytest.fixture
def line_client(line_app: FastAPI) -> TestClient:
    # No lifespan (the fixtures migrate the database). TestClient returns once the response's
    # background tasks are done, so the events have been handled when post() returns.
    return TestClient(line_app, raise_server_exceptions=False)


Poster = Callable[..., httpx.Response]


@pytest.fixture
def post_events(line_client: TestClient) -> Poster:
    def post(
        *events: dict[str, Any], signature: str | None = "sign", secret: str = CHANNEL_SECRET
    ) -> httpx.Response:
        body = json.dumps(
            {"destination": "Ubot0000000000000000000000000000", "events": list(events)},
            ensure_ascii=False,
        ).encode("utf-8")
        headers = {"Content-Type": "application/json"}
        if signature == "sign":
            headers["X-Line-Signature"] = sign(secret, body)
        elif signature is not None:
            headers["X-Line-Signature"] = signature
        return line_client.post("/line/webhook", content=body, headers=headers)

    return post


def event(
    kind: str,
    *,
    event_id: str | None = None,
    redelivery: bool = False,
    user_id: str = USER_ID,
    reply_token: str | None = "auto",
    **extra: Any,
) -> dict[str, Any]:
    """A webhook event as LINE sends it."""
    body: dict[str, Any] = {
        "type": kind,
        "mode": "active",
        "timestamp": 1764250000000,
        "source": {"type": "user", "userId": user_id},
        "webhookEventId": event_id or f"01J{uuid.uuid4().hex[:23].upper()}",
        "deliveryContext": {"isRedelivery": redelivery},
        **extra,
    }
    if reply_token == "auto":
        body["replyToken"] = uuid.uuid4().hex
    elif reply_token is not None:
        body["replyToken"] = reply_token
    return body


def message_event(message: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    message = {"id": str(uuid.uuid4().int)[:18], "quoteToken": "q" * 10, **message}
    return event("message", message=message, **kwargs)


def text_event(text: str, **kwargs: Any) -> dict[str, Any]:
    return message_event({"type": "text", "text": text}, **kwargs)


def open_road_report(
    session: Session, *, channel: str, sender: str | None, location: str | None = None
) -> Case:
    """A committed report case for the roads department, opened as the bot's form would."""
    case, _ = open_case(
        session,
        NewCase(
            kind=CaseKind.report,
            channel=channel,
            sender_id=sender,
            description="緑町3丁目の交差点の道路に穴があいています",
            location=location,
            contact_declined=True,
            department="roads",
            idempotency_key=f"test:{uuid.uuid4().hex}",
        ),
        route=lambda _: (_ for _ in ()).throw(AssertionError("no routing expected")),
        actor="bot",
    )
    session.commit()
    return case


@pytest.fixture
def open_report(seeded: Session) -> Callable[..., Case]:
    """Opens a report case from the LINE sender, as the bot's form would."""

    def make(sender: str = SENDER, location: str | None = None) -> Case:
        return open_road_report(seeded, channel="line", sender=sender, location=location)

    return make
