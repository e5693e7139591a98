"""Bad input to /api/v1/chat gets a precise 4xx, and a missing Rasa a 503: never a 500."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.chat_session import open_chat_session


@pytest.fixture
def unreachable_rasa(monkeypatch: pytest.MonkeyPatch) -> None:
    # Port 9 (discard) is closed on this machine: a real connection refusal.
    from api.core.config import get_settings

    monkeypatch.setenv("RASA_URL", "http://127.0.0.1:9")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"sender": "SENDER", "message": ""}, "message"),
        ({"sender": "SENDER", "message": "   \n\t "}, "message"),
        ({"message": "こんにちは"}, "sender"),
        ({"sender": "", "message": "こんにちは"}, "sender"),
        ({"sender": "web 1; drop", "message": "こんにちは"}, "sender"),
        ({"sender": "SENDER"}, "message"),
        ({"sender": "SENDER", "message": 42}, "message"),
    ],
)
def test_invalid_chat_requests(client: TestClient, body: dict, field: str) -> None:
    sender, headers = open_chat_session(client)
    if body.get("sender") == "SENDER":
        body = {**body, "sender": sender}
    response = client.post("/api/v1/chat", json=body, headers=headers)
    assert response.status_code == 422
    assert field in response.json()["error"]["message"]


def test_invalid_json(client: TestClient) -> None:
    response = client.post(
        "/api/v1/chat",
        content=b'{"sender": "web:1", "message": ',
        headers={"Content-Type": "application/json", **open_chat_session(client)[1]},
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"


def test_too_long_message(client: TestClient) -> None:
    sender, headers = open_chat_session(client)
    body = {"sender": sender, "message": "あ" * 10_000}
    response = client.post("/api/v1/chat", json=body, headers=headers)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "message_too_long"
    assert "2000" in error["message"]


def test_rasa_down_is_503(unreachable_rasa: None, client: TestClient) -> None:
    sender, headers = open_chat_session(client)
    body = {"sender": sender, "message": "こんにちは"}
    response = client.post("/api/v1/chat", json=body, headers=headers)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "rasa_unavailable"


def test_health_reports_rasa_down(unreachable_rasa: None, client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["rasa"] == "unreachable"
