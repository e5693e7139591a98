"""A message's entities are found once, by the API worker that takes it: they mask its log line
and travel, sealed, with the message to the actions (api/nlp/carried.py)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from api.conversation.service import ConversationService
from api.conversation.state import PLAIN_STATE
from api.nlp.carried import carried
from api.nlp.entities import extract

SENDER = "web:9f8e7d6c5b4a"
SECRET = "test-seal-secret-a71c"
MESSAGE = "山田太郎です。緑町3丁目の道路に穴があります。電話は090-1234-5678です"


class RecordingRasa:
    """Rasa's REST channel, keeping what it was sent."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any] | None]] = []

    async def send(
        self, sender: str, message: str, *, metadata: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        self.sent.append((message, metadata))
        return [{"recipient_id": sender, "text": "承りました"}]


@pytest.fixture
def rasa() -> RecordingRasa:
    return RecordingRasa()


@pytest.fixture
def conversation(
    rasa: RecordingRasa, session_factory: sessionmaker[Session]
) -> ConversationService:
    return ConversationService(
        rasa,  # type: ignore[arg-type]
        2000,
        lambda: session_factory,
        seal_secret=SECRET,
    )


def test_the_message_carries_its_entities_sealed_to_the_bot(
    conversation: ConversationService, rasa: RecordingRasa
) -> None:
    asyncio.run(conversation.handle(SENDER, MESSAGE))
    [(message, metadata)] = rasa.sent
    assert message == MESSAGE
    assert carried(SECRET, MESSAGE, metadata) == extract(MESSAGE)
    assert carried("another-secret", MESSAGE, metadata) is None


def test_the_log_line_is_masked_with_the_same_entities(
    conversation: ConversationService, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="api.conversation.service"):
        asyncio.run(conversation.handle(SENDER, MESSAGE))
    [line] = [r.getMessage() for r in caplog.records if r.getMessage().startswith("message from")]
    assert "山田" not in line and "090-1234-5678" not in line and "緑町3丁目" not in line
    assert "［氏名］" in line and "［電話番号］" in line and "道路に穴があります" in line


def test_a_message_whose_entities_cannot_be_found_still_reaches_the_bot_unlogged(
    conversation: ConversationService,
    rasa: RecordingRasa,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(text: str) -> list[Any]:
        raise RuntimeError("pipeline failed")

    monkeypatch.setattr("api.conversation.service.extract", broken)
    with caplog.at_level(logging.INFO, logger="api.conversation.service"):
        answer = asyncio.run(conversation.handle(SENDER, MESSAGE))
    assert [m.text for m in answer] == ["承りました"]
    assert rasa.sent == [(MESSAGE, None)]  # the action finds the entities itself
    assert "山田" not in caplog.text and "090-1234-5678" not in caplog.text
    assert "could not be masked" in caplog.text


def test_a_message_refused_by_its_check_is_not_read(
    conversation: ConversationService, rasa: RecordingRasa, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A forged token costs the server no NER work: the entities are found once the token
    was accepted."""
    read: list[str] = []
    monkeypatch.setattr("api.conversation.service.extract", lambda text: read.append(text) or [])

    class Check:
        def __init__(self, accept: bool) -> None:
            self.accept = accept

        query = PLAIN_STATE

        def admit(self, session: Session, values: Sequence[Any]) -> None:
            if not self.accept:
                raise PermissionError("not this conversation's token")

    with pytest.raises(PermissionError):
        asyncio.run(conversation.handle(SENDER, MESSAGE, check=Check(accept=False)))
    assert read == [] and rasa.sent == []
    asyncio.run(conversation.handle(SENDER, MESSAGE, check=Check(accept=True)))
    assert read == [MESSAGE]
