"""Only the widget that the server issued a conversation to can write into it or read its
replies: forged, unissued and other channels' senders are refused with a precise 4xx."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.channels.web import sessions as chat_sessions
from api.channels.web.models import WebChatSession
from api.conversation.language import language_of
from api.conversation.state import read_state
from api.core.types import utcnow
from tests.chat_session import chat_token, open_chat_session
from tests.statements import statements_during


@pytest.fixture
def rasa_down(monkeypatch: pytest.MonkeyPatch) -> None:
    # Port 9 is closed: a request that passes every check reaches the (absent) bot: 503.
    from api.core.config import get_settings

    monkeypatch.setenv("RASA_URL", "http://127.0.0.1:9")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _send(client: TestClient, sender: str, headers: dict[str, str] | None = None) -> dict:
    response = client.post(
        "/api/v1/chat", json={"sender": sender, "message": "こんにちは"}, headers=headers or {}
    )
    return {"status": response.status_code, **response.json().get("error", {})}


def test_a_session_is_unguessable_and_its_token_is_stored_hashed(
    client: TestClient, session: Session
) -> None:
    first, headers = open_chat_session(client)
    second, _ = open_chat_session(client)
    assert first != second and first.startswith("web:") and len(first) == 36
    stored = session.scalar(select(WebChatSession).where(WebChatSession.sender_id == first))
    assert stored is not None and chat_token(headers) not in stored.token_hash
    assert len(stored.token_hash) == 64


def test_the_issued_sender_with_its_token_reaches_the_bot(
    rasa_down: None, client: TestClient
) -> None:
    sender, headers = open_chat_session(client)
    assert _send(client, sender, headers)["status"] == 503  # past every check, to the bot


def test_a_message_without_a_token_is_refused(client: TestClient) -> None:
    sender, _ = open_chat_session(client)
    refused = _send(client, sender)
    assert refused["status"] == 401 and "POST /api/v1/chat/sessions" in refused["message"]


def test_a_forged_token_is_refused(client: TestClient) -> None:
    sender, _ = open_chat_session(client)
    refused = _send(client, sender, {"Authorization": "Bearer forged-token-123"})
    assert (refused["status"], refused["code"]) == (403, "wrong_chat_token")


def test_another_conversations_token_is_refused(client: TestClient) -> None:
    victim, _ = open_chat_session(client)
    _, attacker_headers = open_chat_session(client)
    refused = _send(client, victim, attacker_headers)
    assert (refused["status"], refused["code"]) == (403, "wrong_chat_token")


def test_an_unissued_sender_is_refused(client: TestClient) -> None:
    _, headers = open_chat_session(client)
    refused = _send(client, "web:5e1f0c2a9b", headers)
    assert (refused["status"], refused["code"]) == (403, "unknown_conversation")
    assert "POST /api/v1/chat/sessions" in refused["message"]


@pytest.mark.parametrize("sender", ["line:U4af4980629", "phone:1", "rest:abc", "webx:1"])
def test_other_channels_are_refused_on_the_chat_endpoint(client: TestClient, sender: str) -> None:
    _, headers = open_chat_session(client)
    refused = _send(client, sender, headers)
    assert (refused["status"], refused["code"]) == (422, "channel_not_allowed")


def test_the_event_stream_needs_the_conversations_token(client: TestClient) -> None:
    sender, headers = open_chat_session(client)
    _, other_headers = open_chat_session(client)
    url = f"/api/v1/chat/{sender}/events"
    assert client.get(url).status_code == 401
    assert client.get(url, params={"token": chat_token(other_headers)}).status_code == 403
    assert client.get(url, headers=other_headers).status_code == 403
    assert client.get("/api/v1/chat/web:feedbeef/events", headers=headers).status_code == 403
    line = client.get("/api/v1/chat/line:U4af4980629/events", headers=headers)
    assert line.status_code == 422 and line.json()["error"]["code"] == "channel_not_allowed"


def test_a_web_message_is_checked_in_the_one_read_before_the_bot(
    rasa_down: None, client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    """The token, the language, and that no survey and no handoff is live: one statement."""
    sender, headers = open_chat_session(client)
    sent: dict[str, dict] = {}

    def send_both() -> None:
        sent["accepted"] = _send(client, sender, headers)
        sent["forged"] = _send(client, sender, {"Authorization": "Bearer forged-token-123"})

    reads = statements_during(session_factory.kw["bind"], send_both, "SELECT")
    assert sent["accepted"]["status"] == 503  # past every check, to the bot
    assert sent["forged"]["code"] == "wrong_chat_token"
    assert len(reads) == 2  # one per message, accepted or refused
    assert all("web_chat_sessions" in r and "conversation_languages" in r for r in reads)


def _verify(session: Session, sender: str, token: str, now: Any) -> None:
    chat_sessions.verify(session, sender, token, now)


def _check_with_the_state(session: Session, sender: str, token: str, now: Any) -> None:
    check = chat_sessions.TokenCheck(sender, token, now)
    check.admit(session, read_state(session, sender, check.query).also)


@pytest.mark.parametrize("check", [_verify, _check_with_the_state])
def test_a_conversation_in_use_is_noted_at_most_every_few_minutes(
    session: Session, check: Any
) -> None:
    began = utcnow()
    sender, token = chat_sessions.issue(session, now=began)
    session.flush()

    def last_seen() -> Any:
        return session.scalar(
            select(WebChatSession.last_seen_at).where(WebChatSession.sender_id == sender)
        )

    first = last_seen()
    check(session, sender, token, began + timedelta(minutes=1))
    assert last_seen() == first  # used a minute later: not written
    check(session, sender, token, began + timedelta(minutes=6))
    session.expire_all()
    assert last_seen() > first  # five minutes and more: written
    with pytest.raises(chat_sessions.WrongChatTokenError):
        check(session, sender, "forged", began + timedelta(minutes=7))
    with pytest.raises(chat_sessions.UnknownConversationError):
        check(session, "web:" + "0" * 32, token, began)


def _writes_during(bind: Any, run: Any) -> list[str]:
    """The statements that write (INSERT, UPDATE, DELETE) while `run()` runs."""
    return statements_during(bind, run, "INSERT", "UPDATE", "DELETE")


def test_a_conversation_speaks_japanese_from_its_opening_and_its_first_message_only_reads(
    rasa_down: None, client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    """The language is kept when the conversation opens, so that a first message in Japanese
    writes nothing; a message in another language still switches it."""
    bind = session_factory.kw["bind"]
    sender, headers = open_chat_session(client)

    def language() -> str | None:
        with session_factory() as session:
            return language_of(session, sender)

    assert language() == "ja"
    assert _writes_during(bind, lambda: _send(client, sender, headers)) == []
    english = {"sender": sender, "message": "Where can I get a residence certificate?"}
    writes = _writes_during(
        bind, lambda: client.post("/api/v1/chat", json=english, headers=headers)
    )
    assert len(writes) == 1 and "conversation_languages" in writes[0]
    assert language() == "en"
