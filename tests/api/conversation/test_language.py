"""The conversation keeps the language its citizen writes in, switches when they switch, and a
case opened in it carries the language to staff (case API)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from api.conversation.language import follow, language_of, remember
from api.conversation.service import ConversationService
from api.i18n import EASY_JAPANESE
from tests.api.channels.conftest import open_road_report
from tests.statements import statements_during

SENDER = "web:1a2b3c4d5e6f"


class EchoRasa:
    """Rasa's REST channel, answering every message (the language is kept before the bot)."""

    async def send(
        self, sender: str, message: str, *, metadata: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        return [{"recipient_id": sender, "text": "…"}]


@pytest.fixture
def conversation(session_factory: sessionmaker[Session]) -> ConversationService:
    return ConversationService(
        EchoRasa(),  # type: ignore[arg-type]
        2000,
        lambda: session_factory,
        seal_secret="test-seal-secret",
    )


def _say(conversation: ConversationService, message: str) -> None:
    asyncio.run(conversation.handle(SENDER, message))


def _language(session_factory: sessionmaker[Session]) -> str | None:
    with session_factory() as session:
        return language_of(session, SENDER)


def test_the_language_follows_the_citizen(
    conversation: ConversationService, session_factory: sessionmaker[Session]
) -> None:
    assert _language(session_factory) is None
    _say(conversation, "How do I dispose of large garbage?")
    assert _language(session_factory) == "en"
    _say(conversation, "ok")  # tells nothing: stays
    _say(conversation, "2026-0012")
    _say(conversation, '/affirm{"answer": "yes"}')  # a button's payload is not their words
    assert _language(session_factory) == "en"
    _say(conversation, "やっぱり日本語で聞きます")
    assert _language(session_factory) == "ja"
    _say(conversation, "대형 쓰레기")
    assert _language(session_factory) == "ko"


def test_a_place_name_in_kanji_does_not_switch_an_english_conversation(
    conversation: ConversationService, session_factory: sessionmaker[Session]
) -> None:
    _say(conversation, "The streetlight near my house is broken")
    _say(conversation, "緑町3丁目")  # the answer to "Where is it?"
    _say(conversation, "住民票")
    assert _language(session_factory) == "en"
    _say(conversation, "緑町3丁目の街灯です")  # a Japanese sentence (kana): a switch
    assert _language(session_factory) == "ja"
    _say(conversation, "市役所")  # kanji in a Japanese conversation: still Japanese
    assert _language(session_factory) == "ja"


def test_a_case_opened_in_the_conversation_carries_its_language(
    conversation: ConversationService,
    session_factory: sessionmaker[Session],
    seeded: Session,
    client: TestClient,
    auth: dict[str, str],
) -> None:
    _say(conversation, "There is a big hole in the road near the station")
    case = open_road_report(seeded, channel="web", sender=SENDER)
    assert case.language == "en"
    detail = client.get(f"/api/v1/cases/{case.case_number}", headers=auth).json()
    assert detail["language"] == "en"
    listed = client.get("/api/v1/cases", headers=auth).json()["items"]
    assert [c["language"] for c in listed] == ["en"]
    other = open_road_report(seeded, channel="phone", sender=None)  # the call centre: unknown
    assert other.language is None


def test_an_easy_japanese_conversation_stays_easy_on_japanese_messages(
    conversation: ConversationService, session_factory: sessionmaker[Session]
) -> None:
    with session_factory.begin() as session:
        remember(session, SENDER, EASY_JAPANESE)  # the widget's やさしい にほんご switch
    _say(conversation, "粗大ごみを出したいです")  # ordinary Japanese: easy Japanese is Japanese
    _say(conversation, "市役所")
    assert _language(session_factory) == EASY_JAPANESE
    _say(conversation, "How do I dispose of large garbage?")  # another language: a switch
    assert _language(session_factory) == "en"


def test_a_case_opened_in_easy_japanese_tells_staff_so(
    conversation: ConversationService,
    session_factory: sessionmaker[Session],
    seeded: Session,
    client: TestClient,
    auth: dict[str, str],
) -> None:
    with session_factory.begin() as session:
        remember(session, SENDER, EASY_JAPANESE)
    _say(conversation, "駅の近くの道路に大きな穴があいています")
    case = open_road_report(seeded, channel="web", sender=SENDER)
    detail = client.get(f"/api/v1/cases/{case.case_number}", headers=auth).json()
    assert case.language == detail["language"] == EASY_JAPANESE


def _reads(session_factory: sessionmaker[Session], run: Any) -> list[str]:
    """The statements that read (SELECT) while `run()` runs."""
    return statements_during(session_factory.kw["bind"], run, "SELECT")


def _reads_of_the_language(session_factory: sessionmaker[Session], run: Any) -> int:
    """How many statements read conversation_languages while `run()` runs."""
    return sum("conversation_languages" in r for r in _reads(session_factory, run))


@pytest.mark.parametrize(
    ("message", "language"),
    [("Where can I get a copy of my residence certificate?", "en"), ("住民票の写しはどこ？", "ja")],
)
def test_a_message_reads_the_conversations_language_once(
    conversation: ConversationService,
    session_factory: sessionmaker[Session],
    message: str,
    language: str,
) -> None:
    """Kept or switched, the conversation's language costs one read per message."""
    assert _reads_of_the_language(session_factory, lambda: _say(conversation, "Hello there")) == 1
    assert _reads_of_the_language(session_factory, lambda: _say(conversation, message)) == 1
    assert _language(session_factory) == language


def test_a_message_with_no_survey_and_no_handoff_costs_one_read(
    conversation: ConversationService, session_factory: sessionmaker[Session]
) -> None:
    """The language, and that no survey and no handoff may answer instead of the bot: one
    statement before the bot, whether the language is kept or switched."""
    _say(conversation, "こんにちは")
    for message in ("粗大ごみの出し方を教えて", "How do I get a residence certificate?"):
        [read] = _reads(session_factory, lambda m=message: _say(conversation, m))
        tables = ("conversation_languages", "case_surveys", "handoffs")
        assert all(table in read for table in tables)
    assert _language(session_factory) == "en"


def test_two_first_messages_at_once_keep_one_language_row(
    session_factory: sessionmaker[Session],
) -> None:
    """The first message read no language; another first message kept one meanwhile: the
    language is updated, not inserted twice (no error for the citizen)."""
    with session_factory() as session:
        seen = language_of(session, SENDER)  # the state this message read: none yet
        with session_factory.begin() as other:  # the other message commits first
            remember(other, SENDER, "ja")
        assert follow(session, SENDER, seen, "Where is city hall?", "en") == "en"
        session.commit()
    assert _language(session_factory) == "en"
