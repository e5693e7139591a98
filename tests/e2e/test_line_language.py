"""LINE's user language with the real Rasa and API: a LINE user whose app is in English is
greeted and answered in English from the first event, one whose app is in Japanese in Japanese;
LINE is asked for the profile once per user."""

from __future__ import annotations

import json
import re
import time
import uuid
from typing import Any

import httpx
import pytest

from api.channels.line.signature import sign
from tests.api.channels.line_stub import LineStub
from tests.e2e.conftest import LINE_CHANNEL_SECRET, Stack

pytestmark = pytest.mark.e2e
KANA = re.compile(r"[\u3041-\u309f\u30a1-\u30ff]")


def _user() -> str:
    return "U" + uuid.uuid4().hex


def _post(stack: Stack, user_id: str, event: dict[str, Any]) -> str:
    """Posts one signed event; returns its reply token."""
    token = uuid.uuid4().hex
    event = {
        "mode": "active",
        "timestamp": int(time.time() * 1000),
        "source": {"type": "user", "userId": user_id},
        "webhookEventId": "01J" + uuid.uuid4().hex[:23].upper(),
        "deliveryContext": {"isRedelivery": False},
        "replyToken": token,
        **event,
    }
    body = json.dumps({"destination": "U" + "0" * 32, "events": [event]}).encode()
    response = httpx.post(
        f"{stack.api_url}/line/webhook",
        content=body,
        headers={
            "Content-Type": "application/json",
            "X-Line-Signature": sign(LINE_CHANNEL_SECRET, body),
        },
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return token


def _reply(line: LineStub, token: str, timeout: float = 90.0) -> str:
    """The texts of the reply the API sent with `token` (events are handled after the 200)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for request in line.replies:
            if request.json["replyToken"] == token:
                return "\n".join(m.get("text", "") for m in request.json["messages"])
        time.sleep(0.2)
    raise AssertionError("no reply within the time")


def _follow(stack: Stack, user_id: str) -> str:
    return _post(stack, user_id, {"type": "follow", "follow": {"isUnblocked": False}})


def _text(stack: Stack, user_id: str, text: str) -> str:
    message = {"id": str(uuid.uuid4().int)[:18], "type": "text", "text": text, "quoteToken": "q"}
    return _post(stack, user_id, {"type": "message", "message": message})


def _profile_asks(line: LineStub, user_id: str) -> int:
    return sum(1 for r in line.profile_requests() if r.path.endswith(user_id))


def test_an_english_line_user_is_greeted_and_answered_in_english(
    stack: Stack, line_platform: LineStub
) -> None:
    user = _user()
    line_platform.languages[user] = "en-US"
    greeting = _reply(line_platform, _follow(stack, user))
    assert greeting.startswith("Hello. This is the Midorino City Office guide"), greeting
    answer = _reply(line_platform, _text(stack, user, "OK"))
    assert answer and not KANA.search(answer), answer
    assert _profile_asks(line_platform, user) == 1
    assert line_platform.errors == []


def test_an_english_line_user_writing_first_is_answered_in_english(
    stack: Stack, line_platform: LineStub
) -> None:
    user = _user()
    line_platform.languages[user] = "en"
    answer = _reply(line_platform, _text(stack, user, "hi"))
    assert answer.startswith("Hello. This is the Midorino City Office guide"), answer
    assert _profile_asks(line_platform, user) == 1


def test_a_japanese_line_user_is_greeted_in_japanese(stack: Stack, line_platform: LineStub) -> None:
    user = _user()
    line_platform.languages[user] = "ja"
    greeting = _reply(line_platform, _follow(stack, user))
    assert "みどり野市" in greeting, greeting
    assert _profile_asks(line_platform, user) == 1
