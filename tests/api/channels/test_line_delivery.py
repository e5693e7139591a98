"""Staff replies to a citizen who wrote on LINE: the Push API, with an X-Line-Retry-Key."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

import pytest

from api.cases.models import Case
from api.channels.line.channel import LineChannel, LineNotConfiguredError, build_line_channel
from api.channels.line.delivery import ChannelNotSupportedError, deliver_to_citizen, push_text
from api.core.config import Settings
from api.core.errors import AppError
from tests.api.channels.conftest import USER_ID
from tests.api.channels.line_stub import LineStub


@pytest.fixture
def channel(line_settings: Settings) -> LineChannel:
    built = build_line_channel(line_settings)
    assert built is not None
    return built


def test_staff_reply_to_a_line_case_is_pushed(
    open_report: Callable[..., Case], channel: LineChannel, line_api: LineStub
) -> None:
    case = open_report()
    asyncio.run(deliver_to_citizen(case, "担当者が本日現地を確認します。", channel=channel))
    assert line_api.errors == []
    [push] = line_api.pushes
    assert push.json == {
        "to": USER_ID,
        "messages": [{"type": "text", "text": "担当者が本日現地を確認します。"}],
    }
    uuid.UUID(push.headers["x-line-retry-key"])
    assert push.headers["authorization"].startswith("Bearer ")


def test_push_retries_with_the_same_retry_key(channel: LineChannel, line_api: LineStub) -> None:
    line_api.scripted.append(("/v2/bot/message/push", 500, {"message": "internal error"}))
    key = asyncio.run(push_text(USER_ID, "お待たせしました。", channel=channel))
    assert len(line_api.pushes) == 2
    assert {p.headers["x-line-retry-key"] for p in line_api.pushes} == {key}


def test_push_accepted_earlier_counts_as_sent(channel: LineChannel, line_api: LineStub) -> None:
    line_api.scripted.append(
        ("/v2/bot/message/push", 409, {"message": "The retry key is already accepted"})
    )
    asyncio.run(
        push_text(USER_ID, "お待たせしました。", channel=channel, retry_key=str(uuid.uuid4()))
    )
    assert len(line_api.pushes) == 1


def test_long_staff_reply_is_split(channel: LineChannel, line_api: LineStub) -> None:
    asyncio.run(push_text(USER_ID, "う" * 7000, channel=channel))
    assert [len(m["text"]) for m in line_api.pushes[0].json["messages"]] == [5000, 2000]
    assert line_api.errors == []


def test_other_channels_are_not_supported_yet(open_report: Callable[..., Case]) -> None:
    case = open_report(sender="web:abc123")
    case.channel = "web"
    with pytest.raises(ChannelNotSupportedError, match="'web' channel"):
        asyncio.run(deliver_to_citizen(case, "回答です"))


def test_line_case_without_sender_is_refused(
    open_report: Callable[..., Case], channel: LineChannel
) -> None:
    case = open_report()
    case.sender_id = None
    with pytest.raises(AppError, match="no LINE user"):
        asyncio.run(deliver_to_citizen(case, "回答です", channel=channel))


def test_push_without_configuration_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "api.channels.line.delivery.get_settings", lambda: Settings(LINE_CHANNEL_SECRET="")
    )
    with pytest.raises(LineNotConfiguredError, match="not configured"):
        asyncio.run(push_text(USER_ID, "回答です"))
