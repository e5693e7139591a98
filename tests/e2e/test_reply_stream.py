"""The widget's event stream on the real server: staff replies arrive in order, and a
reconnecting client (Last-Event-ID) gets only what it missed."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from tests.chat_session import chat_token
from tests.e2e.conftest import Stack
from tests.e2e.test_citizen_journeys import Citizen

pytestmark = pytest.mark.e2e


def read_events(
    stack: Stack, sender: str, headers: dict[str, str], count: int, params: dict | None = None
) -> list[dict]:
    events: list[dict] = []
    url = f"{stack.api_url}/api/v1/chat/{sender}/events"
    with httpx.stream("GET", url, headers=headers, params=params, timeout=20) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        event: dict = {}
        for line in response.iter_lines():
            if line.startswith("id: "):
                event["id"] = int(line[4:])
            elif line.startswith("event: "):
                event["event"] = line[7:]
            elif line.startswith("data: "):
                event["data"] = json.loads(line[6:])
            elif line == "" and event:
                events.append(event)
                event = {}
                if len(events) == count:
                    break
    return events


def test_replies_stream_and_resume(stack: Stack) -> None:
    citizen = Citizen(stack)
    citizen.say("職員と話したい")
    asked = citizen.says_text("市営住宅の申し込みについて相談したいです")
    if "よろしいですか" not in asked:  # nobody on duty: a call back, contact declined
        citizen.say("不要")
    number = re.search(r"\d{4}-\d{6}", citizen.says_text("はい")).group(0)
    for body in ("担当の住宅課です。", "申込書をお送りします。"):
        response = httpx.post(
            f"{stack.api_url}/api/v1/cases/{number}/replies",
            json={"body": body},
            headers=stack.admin_headers,
            timeout=30,
        )
        assert response.status_code == 200, response.text

    first, second = read_events(stack, citizen.sender, citizen.headers, 2)
    assert [first["event"], second["event"]] == ["staff_reply", "staff_reply"]
    assert [first["data"]["text"], second["data"]["text"]] == [
        "担当の住宅課です。",
        "申込書をお送りします。",
    ]
    # EventSource cannot set headers: the widget gives the token as a query parameter.
    resume = {"Last-Event-ID": str(first["id"])}
    query = {"token": chat_token(citizen.headers)}
    [resumed] = read_events(stack, citizen.sender, resume, 1, query)
    assert resumed["id"] == second["id"]

    # Whoever knows the sender id but not its token reads nothing.
    stranger = httpx.get(f"{stack.api_url}/api/v1/chat/{citizen.sender}/events", timeout=10)
    assert stranger.status_code == 401

    bad = httpx.get(f"{stack.api_url}/api/v1/chat/bad%20sender/events", timeout=10)
    assert bad.status_code == 422
