"""LINE's user language: a LINE conversation with no language yet starts in the language of the
citizen's LINE app (Get profile), asked once per user; messages switch it as everywhere; a
profile without a language, or a LINE that fails, leaves the message's own language to decide.
The profile's personal fields (display name, picture, status message) are never kept or logged.
The real conversation service runs here, with a Rasa that says nothing: the citizen then gets
the service's own "no reply" text in the conversation's language."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.channels.line.channel import build_line_channel
from api.channels.line.client import LineApiError, LineClient
from api.channels.line.profile import AskedUsers, supported_locale
from api.conversation.language import language_of, remember
from api.conversation.service import ConversationService
from api.core.config import Settings
from api.core.db import Base
from api.i18n import translate
from tests.api.channels.conftest import (
    ACCESS_TOKEN,
    SENDER,
    USER_ID,
    Poster,
    event,
    text_event,
)
from tests.api.channels.line_stub import (
    DISPLAY_NAME,
    PICTURE_URL,
    STATUS_MESSAGE,
    LineStub,
)

PROFILE_PATH = f"/v2/bot/profile/{USER_ID}"
ENGLISH = translate("en", "no_reply")
JAPANESE = translate("ja", "no_reply")


class SilentRasa:
    """Rasa's REST channel saying nothing, so the service answers in the conversation's
    language itself; records what it was sent."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send(
        self, sender: str, message: str, *, metadata: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        self.sent.append(message)
        return []

    async def active_loop(self, sender: str) -> str | None:
        return None


@pytest.fixture
def rasa(line_app: FastAPI, session_factory: sessionmaker[Session]) -> SilentRasa:
    rasa = SilentRasa()
    line_app.state.conversation = ConversationService(
        rasa,  # type: ignore[arg-type]
        2000,
        lambda: session_factory,
        seal_secret="test-seal-secret",
    )
    return rasa


def _language(session_factory: sessionmaker[Session]) -> str | None:
    with session_factory() as session:
        return language_of(session, SENDER)


def _replied(line_api: LineStub) -> list[str]:
    return [m["text"] for r in line_api.replies for m in r.json["messages"]]


def test_tags_map_to_the_locales_offered() -> None:
    assert supported_locale("en") == "en"
    assert supported_locale("en-US") == "en"
    assert supported_locale("EN_gb") == "en"
    assert supported_locale("ja") == "ja"
    assert supported_locale("zh-Hant") is None  # no catalog: the messages decide
    assert supported_locale("ko") is None
    assert supported_locale("") is None
    assert supported_locale(None) is None


def test_the_client_reads_only_the_language(line_api: LineStub) -> None:
    client = LineClient(
        access_token=ACCESS_TOKEN, api_base_url=line_api.base_url, data_api_base_url=""
    )
    line_api.languages[USER_ID] = "zh-Hant"
    assert asyncio.run(client.profile_language(USER_ID)) == "zh-Hant"
    line_api.languages[USER_ID] = None
    assert asyncio.run(client.profile_language(USER_ID)) is None
    line_api.scripted.append((PROFILE_PATH, 404, {"message": "Not found"}))
    with pytest.raises(LineApiError) as failed:
        asyncio.run(client.profile_language(USER_ID))
    assert failed.value.http_status == 404
    assert DISPLAY_NAME not in str(failed.value)
    assert line_api.errors == []


def test_users_are_asked_once_and_the_oldest_are_forgotten() -> None:
    asked = AskedUsers(kept=2)
    assert asked.first_time("U1") and not asked.first_time("U1")
    assert asked.first_time("U2") and asked.first_time("U3")
    assert asked.first_time("U1")  # forgotten: the cache stays small


@pytest.mark.parametrize("first", ["OK", "hi", "2026-0012"])
def test_an_english_profile_starts_the_conversation_in_english(
    post_events: Poster,
    line_api: LineStub,
    rasa: SilentRasa,
    session_factory: sessionmaker[Session],
    first: str,
) -> None:
    line_api.languages[USER_ID] = "en"
    post_events(text_event(first))
    assert _replied(line_api) == [ENGLISH]
    assert _language(session_factory) == "en"
    [asked] = line_api.profile_requests()
    assert (asked.method, asked.path) == ("GET", PROFILE_PATH)
    assert asked.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert line_api.errors == []


def test_a_japanese_profile_starts_the_conversation_in_japanese(
    post_events: Poster,
    line_api: LineStub,
    rasa: SilentRasa,
    session_factory: sessionmaker[Session],
) -> None:
    line_api.languages[USER_ID] = "ja"
    post_events(text_event("OK"))
    assert _replied(line_api) == [JAPANESE]
    assert _language(session_factory) == "ja"
    assert line_api.errors == []


def test_a_message_in_another_language_still_switches(
    post_events: Poster,
    line_api: LineStub,
    rasa: SilentRasa,
    session_factory: sessionmaker[Session],
) -> None:
    line_api.languages[USER_ID] = "en-US"
    post_events(text_event("粗大ごみの出し方を教えてください"))
    assert _language(session_factory) == "ja"
    assert _replied(line_api) == [JAPANESE]
    post_events(text_event("How do I dispose of large garbage?"))
    assert _language(session_factory) == "en"
    assert _replied(line_api) == [JAPANESE, ENGLISH]
    assert len(line_api.profile_requests()) == 1  # asked once, across both messages


@pytest.mark.parametrize("tag", [None, "zh-Hant"])
def test_a_profile_without_an_offered_language_leaves_detection_as_before(
    post_events: Poster,
    line_api: LineStub,
    rasa: SilentRasa,
    session_factory: sessionmaker[Session],
    tag: str | None,
) -> None:
    line_api.languages[USER_ID] = tag
    post_events(text_event("OK"))
    assert _language(session_factory) is None  # "OK" tells nothing
    assert _replied(line_api) == [JAPANESE]
    post_events(text_event("Where can I get a residence certificate?"))
    assert _language(session_factory) == "en"
    assert _replied(line_api)[-1] == ENGLISH
    assert len(line_api.profile_requests()) == 1
    assert line_api.errors == []


def test_a_conversation_with_a_language_is_not_asked_again(
    post_events: Poster,
    line_api: LineStub,
    rasa: SilentRasa,
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory() as session:
        remember(session, SENDER, "ja")
        session.commit()
    line_api.languages[USER_ID] = "en"
    post_events(text_event("OK"))
    assert line_api.profile_requests() == []
    assert _language(session_factory) == "ja"
    assert _replied(line_api) == [JAPANESE]


def test_a_failing_profile_endpoint_still_answers(
    post_events: Poster,
    line_api: LineStub,
    rasa: SilentRasa,
    session_factory: sessionmaker[Session],
) -> None:
    line_api.languages[USER_ID] = "en"
    line_api.scripted.append((PROFILE_PATH, 500, {"message": "An error occurred"}))
    post_events(text_event("Where can I get a residence certificate?"))
    assert _replied(line_api) == [ENGLISH]  # the message's own language
    assert rasa.sent == ["Where can I get a residence certificate?"]
    post_events(text_event("OK"))
    assert len(line_api.profile_requests()) == 1  # a failure is not retried at every message
    assert _replied(line_api)[-1] == ENGLISH


def test_a_profile_endpoint_that_times_out_still_answers(
    post_events: Poster,
    line_app: FastAPI,
    line_api: LineStub,
    line_settings: Settings,
    rasa: SilentRasa,
    session_factory: sessionmaker[Session],
) -> None:
    line_app.state.line = build_line_channel(
        line_settings.model_copy(update={"line_timeout_seconds": 0.3})
    )
    line_api.languages[USER_ID] = "en"
    line_api.delays[PROFILE_PATH] = 1.5
    post_events(text_event("OK"))
    assert _replied(line_api) == [JAPANESE]
    assert _language(session_factory) is None


def test_a_follow_is_greeted_in_the_profile_language(
    post_events: Poster,
    line_api: LineStub,
    rasa: SilentRasa,
    session_factory: sessionmaker[Session],
) -> None:
    line_api.languages[USER_ID] = "en"
    post_events(event("follow", follow={"isUnblocked": False}))
    assert rasa.sent == ["/greet"]  # the greeting intent: not words that switch the language
    assert _language(session_factory) == "en"
    assert _replied(line_api) == [ENGLISH]
    post_events(text_event("OK"))
    assert len(line_api.profile_requests()) == 1
    assert _replied(line_api)[-1] == ENGLISH


def test_a_group_is_not_asked_for_a_profile(
    post_events: Poster, line_api: LineStub, rasa: SilentRasa
) -> None:
    group = text_event("OK")
    group["source"] = {"type": "group", "groupId": "C" + "0" * 32, "userId": USER_ID}
    post_events(group)
    assert line_api.profile_requests() == []
    assert len(line_api.replies) == 1


def test_the_profile_personal_fields_are_neither_logged_nor_kept(
    post_events: Poster,
    line_api: LineStub,
    rasa: SilentRasa,
    session_factory: sessionmaker[Session],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="api.channels")
    caplog.set_level(logging.DEBUG, logger="httpx")
    line_api.languages[USER_ID] = "en"
    post_events(event("follow", follow={"isUnblocked": False}), text_event("OK"))
    assert _language(session_factory) == "en"
    assert "conversation starts in en" in caplog.text
    personal = (DISPLAY_NAME, PICTURE_URL, STATUS_MESSAGE, "display-name-5e1f")
    assert not any(value in caplog.text for value in personal)
    with session_factory() as session:
        for table in Base.metadata.sorted_tables:
            for row in session.execute(select(table)).all():
                assert not any(value in repr(tuple(row)) for value in personal), table.name


def test_the_stub_refuses_profile_requests_of_another_shape(line_api: LineStub) -> None:
    bearer = {"Authorization": f"Bearer {ACCESS_TOKEN}"}
    assert httpx.get(line_api.base_url + PROFILE_PATH, headers=bearer).status_code == 200
    assert httpx.get(line_api.base_url + PROFILE_PATH).status_code == 401
    assert httpx.post(line_api.base_url + PROFILE_PATH, headers=bearer, json={}).status_code == 405
    assert httpx.get(line_api.base_url + "/v2/bot/profile/", headers=bearer).status_code == 400
    assert len(line_api.errors) == 3


def test_the_channel_s_own_replies_follow_the_conversation_language(
    post_events: Poster,
    line_api: LineStub,
    rasa: SilentRasa,
    session_factory: sessionmaker[Session],
) -> None:
    """A sticker, a photo with no report to add it to, an empty text: LINE's own answers are in
    the language the conversation is in (here the English of the citizen's LINE app)."""
    line_api.languages[USER_ID] = "en"
    post_events(text_event("OK"))
    assert _language(session_factory) == "en"
    sticker = {"type": "sticker", "packageId": "446", "stickerId": "1988"}
    post_events(event("message", message={"id": "1", "quoteToken": "q" * 10, **sticker}))
    image = {"type": "image", "contentProvider": {"type": "line"}}
    post_events(event("message", message={"id": "2", "quoteToken": "q" * 10, **image}))
    assert _replied(line_api)[1:] == [
        translate("en", "line.sticker"),
        translate("en", "line.no_open_report.image"),
    ]
    assert translate("en", "line.sticker") != translate("ja", "line.sticker")
