"""Live handoff: while staff talk with the citizen, messages go to the case thread and the bot
is not asked (here Rasa is down: the chat still answers 200); after hand-back the bot resumes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.cases.service import open_case
from api.channels.web import outbox
from api.conversation.language import remember
from api.handoff import service as handoff
from api.i18n import translate
from tests.api.cases.test_service import new_case, route_to_roads
from tests.chat_session import open_chat_session


@pytest.fixture
def rasa_down(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from api.core.config import get_settings

    monkeypatch.setenv("RASA_URL", "http://127.0.0.1:9")  # closed port: connection refused
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_take_over_and_hand_back(
    rasa_down: None, client: TestClient, seeded: Session, auth: dict[str, str]
) -> None:
    sender, headers = open_chat_session(client)
    case, _ = open_case(seeded, new_case(sender_id=sender), route=route_to_roads, actor="bot")
    seeded.commit()
    number = case.case_number

    taken = client.post(f"/api/v1/cases/{number}/handoff", headers=auth)
    assert taken.status_code == 200, taken.text
    assert client.post(f"/api/v1/cases/{number}/handoff", headers=auth).status_code == 409
    assert [m.body for m in outbox.after(seeded, sender, 0)] == [handoff.TAKEN_OVER]

    body = {"sender": sender, "message": "穴は2か所あります"}
    chat = client.post("/api/v1/chat", json=body, headers=headers)
    assert chat.status_code == 200 and chat.json() == []  # the bot stays silent
    other_sender, other_headers = open_chat_session(client)
    body = {"sender": other_sender, "message": "こんにちは"}
    other = client.post("/api/v1/chat", json=body, headers=other_headers)
    assert other.status_code == 503  # everyone else still talks to the (down) bot

    back = client.delete(f"/api/v1/cases/{number}/handoff", headers=auth)
    assert back.status_code == 200
    kinds = [(e["kind"], e["data"].get("body")) for e in back.json()["events"]]
    assert kinds == [
        ("created", None),
        ("handoff_started", None),
        ("replied", handoff.TAKEN_OVER),
        ("citizen_message", "穴は2か所あります"),
        ("handoff_ended", None),
        ("replied", handoff.HANDED_BACK),
    ]
    audit = client.get(
        "/api/v1/audit", params={"target_type": "case", "target_id": number}, headers=auth
    ).json()
    assert [(e["actor"], e["action"]) for e in reversed(audit)] == [
        ("bot", "case.created"),
        ("admin", "case.handoff_started"),
        ("admin", "case.replied"),
        ("citizen", "case.citizen_message"),
        ("admin", "case.handoff_ended"),
        ("admin", "case.replied"),
    ]
    assert client.delete(f"/api/v1/cases/{number}/handoff", headers=auth).status_code == 409
    body = {"sender": sender, "message": "ありがとう"}
    resumed = client.post("/api/v1/chat", json=body, headers=headers)
    assert resumed.status_code == 503  # back to the bot


def test_a_phone_case_has_no_conversation_to_take_over(
    client: TestClient, seeded: Session, auth: dict[str, str]
) -> None:
    case, _ = open_case(
        seeded, new_case(sender_id=None, channel="phone"), route=route_to_roads, actor="bot"
    )
    seeded.commit()
    response = client.post(f"/api/v1/cases/{case.case_number}/handoff", headers=auth)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "no_conversation"


def test_the_citizen_is_told_in_the_language_of_their_conversation(
    rasa_down: None, client: TestClient, seeded: Session, auth: dict[str, str]
) -> None:
    sender, _ = open_chat_session(client)
    case, _ = open_case(seeded, new_case(sender_id=sender), route=route_to_roads, actor="bot")
    remember(seeded, sender, "en")
    seeded.commit()
    number = case.case_number

    assert client.post(f"/api/v1/cases/{number}/handoff", headers=auth).status_code == 200
    assert client.delete(f"/api/v1/cases/{number}/handoff", headers=auth).status_code == 200
    told = [m.body for m in outbox.after(seeded, sender, 0)]
    assert told == [translate("en", "handoff.taken_over"), translate("en", "handoff.handed_back")]
    assert handoff.TAKEN_OVER not in told
