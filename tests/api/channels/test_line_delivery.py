"""Messages to a citizen who wrote on LINE, as the outbox sends them: the Push API, with an
X-Line-Retry-Key; failures said permanent or temporary."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session, sessionmaker

from api.cases.models import Case
from api.channels.base import DeliveryError, Outgoing
from api.channels.line.channel import LineChannel, build_line_channel
from api.channels.line.outbound import LineOutbound
from api.channels.registry import build_registry
from api.conversation.schemas import ChatButton
from api.core.config import Settings
from api.core.errors import AppError
from tests.api.channels.conftest import USER_ID
from tests.api.channels.line_stub import LineStub

PUSH = "/v2/bot/message/push"


@pytest.fixture
def channel(line_settings: Settings) -> LineChannel:
    built = build_line_channel(line_settings)
    assert built is not None
    return built


@pytest.fixture
def line(channel: LineChannel) -> LineOutbound:
    return LineOutbound(channel)


def test_messages_to_a_line_case_are_one_push(
    open_report: Callable[..., Case], line: LineOutbound, line_api: LineStub
) -> None:
    case = open_report()
    key = str(uuid.uuid4())
    messages = [
        Outgoing("担当者が本日現地を確認します。"),
        Outgoing("いかがでしたか", "bot", (ChatButton(title="5", payload="/survey"),)),
    ]
    asyncio.run(line.send(line.recipient(case), messages, retry_key=key))
    assert line_api.errors == []
    [push] = line_api.pushes
    assert push.json["to"] == USER_ID
    assert [m["text"] for m in push.json["messages"]] == [m.text for m in messages]
    assert "quickReply" in push.json["messages"][-1]
    assert push.headers["x-line-retry-key"] == key
    assert push.headers["authorization"].startswith("Bearer ")


def test_the_client_retries_with_the_same_retry_key(
    channel: LineChannel, line_api: LineStub
) -> None:
    line_api.scripted.append((PUSH, 500, {"message": "internal error"}))
    message = [{"type": "text", "text": "お待たせしました。"}]
    key = asyncio.run(channel.client.push(USER_ID, message))
    assert len(line_api.pushes) == 2
    assert {p.headers["x-line-retry-key"] for p in line_api.pushes} == {key}


def test_a_push_accepted_earlier_counts_as_sent(line: LineOutbound, line_api: LineStub) -> None:
    line_api.scripted.append((PUSH, 409, {"message": "The retry key is already accepted"}))
    asyncio.run(line.send(USER_ID, [Outgoing("お待たせしました。")], retry_key=str(uuid.uuid4())))
    assert len(line_api.pushes) == 1


@pytest.mark.parametrize(
    ("status", "permanent"), [(400, True), (403, True), (429, False), (500, False)]
)
def test_a_refusal_is_permanent_but_a_rate_limit_or_an_outage_is_not(
    line: LineOutbound, line_api: LineStub, status: int, permanent: bool
) -> None:
    line_api.scripted.append((PUSH, status, {"message": "no"}))
    with pytest.raises(DeliveryError) as error:
        asyncio.run(line.send(USER_ID, [Outgoing("回答です")], retry_key=str(uuid.uuid4())))
    assert error.value.permanent is permanent
    assert error.value.reason == f"LINE HTTP {status}"
    assert len(line_api.pushes) == 1  # one attempt: the outbox retries later


def test_long_staff_reply_is_split(line: LineOutbound, line_api: LineStub) -> None:
    asyncio.run(line.send(USER_ID, [Outgoing("う" * 7000)], retry_key=str(uuid.uuid4())))
    assert [len(m["text"]) for m in line_api.pushes[0].json["messages"]] == [5000, 2000]
    assert line_api.errors == []


def test_line_case_without_sender_is_refused(
    open_report: Callable[..., Case], line: LineOutbound
) -> None:
    case = open_report()
    assert line.reachable(case)
    case.sender_id = "web:abc"
    assert not line.reachable(case)
    with pytest.raises(AppError, match="no LINE user") as error:
        line.recipient(case)
    assert error.value.code == "no_recipient"


def test_an_unconfigured_line_says_so(session_factory: sessionmaker[Session]) -> None:
    channels = build_registry(
        Settings(LINE_CHANNEL_SECRET="", LINE_CHANNEL_ACCESS_TOKEN=""), session_factory
    )
    with pytest.raises(AppError, match="not configured") as error:
        channels.get("line")
    assert (error.value.status_code, error.value.code) == (503, "line_not_configured")
    with pytest.raises(AppError) as phone:
        channels.get("phone")
    assert (phone.value.status_code, phone.value.code) == (409, "channel_not_supported")
