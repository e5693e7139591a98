"""The widget's language: its texts per locale from the `widget` catalogs, and the citizen's
explicit choice of language, kept on the conversation until a message switches it."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from api.conversation.language import language_of
from api.i18n import EASY_JAPANESE, WIDGET_DOMAIN, catalog
from tests.chat_session import open_chat_session


def test_texts_in_each_locale_with_the_locales_offered(client: TestClient) -> None:
    japanese = client.get("/api/v1/widget/texts")
    assert japanese.status_code == 200
    assert japanese.json()["texts"]["widget.launcher"] == "チャットで質問する"
    english = client.get("/api/v1/widget/texts", params={"locale": "en"}).json()
    assert english["locale"] == "en"
    assert english["texts"] == catalog("en", WIDGET_DOMAIN)
    assert english["texts"]["widget.send"] == "Send"
    offered = {entry["code"]: entry["name"] for entry in english["locales"]}
    assert offered["ja"] == "日本語" and offered["en"] == "English"


def test_a_locale_not_offered_is_refused_with_the_choices(client: TestClient) -> None:
    response = client.get("/api/v1/widget/texts", params={"locale": "fr"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "unsupported_locale" and "en" in error["message"]
    assert client.get("/api/v1/widget/texts", params={"locale": "<script>"}).status_code == 422


def test_the_chosen_language_is_kept_on_the_conversation(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    sender, headers = open_chat_session(client)
    body = {"sender": sender, "language": "en"}
    assert client.put("/api/v1/chat/language", json=body, headers=headers).status_code == 204
    with session_factory() as session:
        assert language_of(session, sender) == "en"
    body["language"] = "ja"
    assert client.put("/api/v1/chat/language", json=body, headers=headers).status_code == 204
    with session_factory() as session:
        assert language_of(session, sender) == "ja"


def test_only_the_conversation_itself_chooses_its_language(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    sender, headers = open_chat_session(client)
    _, other_headers = open_chat_session(client)
    body = {"sender": sender, "language": "en"}
    assert client.put("/api/v1/chat/language", json=body).status_code == 401
    wrong = client.put("/api/v1/chat/language", json=body, headers=other_headers)
    assert wrong.status_code == 403 and wrong.json()["error"]["code"] == "wrong_chat_token"
    forged = {"sender": "web:" + "0" * 32, "language": "en"}
    unknown = client.put("/api/v1/chat/language", json=forged, headers=headers)
    assert unknown.status_code == 403 and unknown.json()["error"]["code"] == "unknown_conversation"
    line = client.put(
        "/api/v1/chat/language", json={"sender": "line:U123", "language": "en"}, headers=headers
    )
    assert line.status_code == 422 and line.json()["error"]["code"] == "channel_not_allowed"
    unsupported = client.put(
        "/api/v1/chat/language", json={"sender": sender, "language": "fr"}, headers=headers
    )
    assert unsupported.status_code == 422
    with session_factory() as session:
        assert language_of(session, sender) == "ja"  # as it opened: nothing refused was kept


def test_easy_japanese_is_chosen_by_its_switch_not_the_menu(
    client: TestClient, session_factory: sessionmaker[Session]
) -> None:
    easy = client.get("/api/v1/widget/texts", params={"locale": EASY_JAPANESE}).json()
    assert easy["locale"] == EASY_JAPANESE
    assert easy["texts"]["widget.easy"] == "やさしい にほんご・ふりがな"
    assert EASY_JAPANESE not in {entry["code"] for entry in easy["locales"]}
    sender, headers = open_chat_session(client)
    body = {"sender": sender, "language": EASY_JAPANESE}
    assert client.put("/api/v1/chat/language", json=body, headers=headers).status_code == 204
    with session_factory() as session:
        assert language_of(session, sender) == EASY_JAPANESE
