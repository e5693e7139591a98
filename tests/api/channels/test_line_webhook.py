"""POST /line/webhook against a local LINE stub: signature, events, redelivery, attachments."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker, undefer

from api.cases.models import Case, CaseStatus
from api.channels.line.attachments import adopt_held_photos, held_photo_count
from api.channels.line.models import CaseAttachment, InboxStatus, LineInboxEvent
from api.conversation.schemas import ChatButton, ChatMessage
from api.core.config import Settings
from api.core.db import get_session_factory
from api.i18n import translate
from tests.api.channels.conftest import (
    SENDER,
    USER_ID,
    FakeConversation,
    Poster,
    event,
    message_event,
    text_event,
)
from tests.api.channels.line_stub import LineStub


def inbox_rows(factory: sessionmaker[Session]) -> list[LineInboxEvent]:
    with factory() as session:
        return list(session.scalars(select(LineInboxEvent).order_by(LineInboxEvent.id)))


def attachments(factory: sessionmaker[Session], case_id: int) -> list[CaseAttachment]:
    with factory() as session:
        return list(
            session.scalars(
                select(CaseAttachment)
                .where(CaseAttachment.case_id == case_id)
                .options(undefer(CaseAttachment.content))
            )
        )


# -- signature -------------------------------------------------------------------------------------


@pytest.mark.parametrize("signature", ["wrong-signature", "", None])
def test_missing_or_wrong_signature_is_refused_and_nothing_happens(
    post_events: Poster,
    signature: str | None,
    line_api: LineStub,
    conversation: FakeConversation,
    session_factory: sessionmaker[Session],
) -> None:
    response = post_events(text_event("粗大ごみの出し方"), signature=signature)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert inbox_rows(session_factory) == []
    assert conversation.calls == []
    assert line_api.requests == []


def test_signature_made_with_another_secret_is_refused(
    post_events: Poster, line_api: LineStub, session_factory: sessionmaker[Session]
) -> None:
    response = post_events(text_event("こんにちは"), secret="another-channel-secret")
    assert response.status_code == 401
    assert inbox_rows(session_factory) == []
    assert line_api.requests == []


def test_endpoint_is_off_without_the_channel_secret(
    session_factory: sessionmaker[Session], line_api: LineStub
) -> None:
    from api.main import create_app

    app = create_app(Settings(LINE_CHANNEL_ACCESS_TOKEN="token-only", LINE_CHANNEL_SECRET=""))
    app.dependency_overrides[get_session_factory] = lambda: session_factory
    response = TestClient(app).post(
        "/line/webhook", content=b'{"events": []}', headers={"X-Line-Signature": "x"}
    )
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "line_not_configured"
    assert "LINE channel is not configured" in response.json()["error"]["message"]
    assert inbox_rows(session_factory) == []


def test_verification_request_without_events_is_answered(
    post_events: Poster, line_api: LineStub
) -> None:
    assert post_events().status_code == 200  # the console's "Verify" button sends no events
    assert line_api.requests == []


# -- text, postback, quick replies -----------------------------------------------------------------


def test_text_message_gets_the_bots_answer_with_quick_reply_buttons(
    post_events: Poster,
    line_api: LineStub,
    conversation: FakeConversation,
    session_factory: sessionmaker[Session],
) -> None:
    long_title = "粗大ごみの出し方と申し込み方法、手数料について教えてください"
    conversation.script["ごみ"] = [
        ChatMessage(
            text="お知りになりたいのは次のどれですか？",
            buttons=[
                ChatButton(title=long_title, payload='/choose_faq{"faq_id":"F1"}'),
                ChatButton(title="家庭ごみの分別", payload='/choose_faq{"faq_id":"F7"}'),
                ChatButton(title="どれにも当てはまらない", payload="/none_of_these"),
            ],
        )
    ]
    sent = text_event("ごみ")
    response = post_events(sent)

    assert response.status_code == 200
    assert conversation.calls == [(SENDER, "ごみ")]
    assert line_api.errors == []
    [reply] = line_api.replies
    assert reply.headers["authorization"].startswith("Bearer ")
    assert reply.headers["content-type"].startswith("application/json")
    body = reply.json
    assert body["replyToken"] == sent["replyToken"]
    [message] = body["messages"]
    assert message["text"] == "お知りになりたいのは次のどれですか？"
    items = message["quickReply"]["items"]
    assert [i["action"]["data"] for i in items] == [
        '/choose_faq{"faq_id":"F1"}',
        '/choose_faq{"faq_id":"F7"}',
        "/none_of_these",
    ]
    first = items[0]["action"]
    assert first["type"] == "postback"
    assert len(first["label"]) == 20 and first["label"].endswith("…")
    assert first["displayText"] == long_title
    assert items[1]["action"]["label"] == "家庭ごみの分別"
    [row] = inbox_rows(session_factory)
    assert (row.status, row.event_type, row.webhook_event_id) == (
        InboxStatus.done.value,
        "message",
        sent["webhookEventId"],
    )


def test_postback_data_goes_to_the_bot_as_the_message(
    post_events: Poster, line_api: LineStub, conversation: FakeConversation
) -> None:
    conversation.script['/choose_faq{"faq_id":"F1"}'] = [
        ChatMessage(text="粗大ごみは事前申込制です。")
    ]
    post_events(event("postback", postback={"data": '/choose_faq{"faq_id":"F1"}'}))
    assert conversation.calls == [(SENDER, '/choose_faq{"faq_id":"F1"}')]
    assert line_api.errors == []
    assert line_api.replies[0].json["messages"] == [
        {"type": "text", "text": "粗大ごみは事前申込制です。"}
    ]


def test_redelivered_event_is_handled_once(
    post_events: Poster,
    line_api: LineStub,
    conversation: FakeConversation,
    session_factory: sessionmaker[Session],
) -> None:
    first = text_event("住民票がほしい", event_id="01JREDELIVERY0000000000001")
    again = dict(first, deliveryContext={"isRedelivery": True}, replyToken="another-token")
    assert post_events(first).status_code == 200
    assert post_events(again).status_code == 200
    assert post_events(first, again).status_code == 200

    assert conversation.calls == [(SENDER, "住民票がほしい")]
    assert len(line_api.replies) == 1
    assert len(inbox_rows(session_factory)) == 1


def test_events_of_one_webhook_are_handled_in_order(
    post_events: Poster, line_api: LineStub, conversation: FakeConversation
) -> None:
    post_events(text_event("一つ目"), text_event("二つ目"))
    assert [m for _, m in conversation.calls] == ["一つ目", "二つ目"]
    assert [r.json["messages"][0]["text"] for r in line_api.replies] == [
        "ボット: 一つ目",
        "ボット: 二つ目",
    ]


def test_long_answer_is_split_and_kept_within_five_messages(
    post_events: Poster, line_api: LineStub, conversation: FakeConversation
) -> None:
    conversation.script["長い"] = [ChatMessage(text="あ" * 12_000)]
    conversation.script["多い"] = [ChatMessage(text=f"{n}" + "い" * 4_000) for n in range(8)]
    post_events(text_event("長い"), text_event("多い"))

    assert line_api.errors == []
    long_reply, many_reply = (r.json["messages"] for r in line_api.replies)
    assert [len(m["text"]) for m in long_reply] == [5000, 5000, 2000]
    assert "".join(m["text"] for m in long_reply) == "あ" * 12_000
    assert len(many_reply) == 5
    assert all(len(m["text"]) <= 5000 for m in many_reply)
    assert many_reply[-1]["text"].endswith("以降は省略しました）")


def test_expired_reply_token_falls_back_to_push(
    post_events: Poster, line_api: LineStub, conversation: FakeConversation
) -> None:
    line_api.scripted.append(("/v2/bot/message/reply", 400, {"message": "Invalid reply token"}))
    post_events(text_event("粗大ごみ"))
    assert len(line_api.replies) == 1
    [push] = line_api.pushes
    assert push.json["to"] == USER_ID
    assert push.json["messages"] == [{"type": "text", "text": "ボット: 粗大ごみ"}]
    assert push.headers["x-line-retry-key"]
    assert line_api.errors == []


def test_bot_failure_gets_an_apology_and_the_event_is_marked_failed(
    post_events: Poster,
    line_api: LineStub,
    conversation: FakeConversation,
    session_factory: sessionmaker[Session],
) -> None:
    async def broken(sender: str, message: str) -> list[ChatMessage]:
        raise RuntimeError("rasa exploded")

    conversation.handle = broken  # type: ignore[method-assign]
    assert post_events(text_event("質問")).status_code == 200
    [reply] = line_api.replies
    assert "申し訳ありません" in reply.json["messages"][0]["text"]
    [row] = inbox_rows(session_factory)
    assert (row.status, row.last_error) == (InboxStatus.failed.value, "RuntimeError")


# -- follow, unfollow, sticker, other --------------------------------------------------------------


def test_follow_is_greeted_by_the_bot(
    post_events: Poster, line_api: LineStub, conversation: FakeConversation
) -> None:
    conversation.script["/greet"] = [ChatMessage(text="こんにちは。市の窓口案内です。")]
    post_events(event("follow", follow={"isUnblocked": False}))
    assert conversation.calls == [(SENDER, "/greet")]  # the intent: words would set a language
    assert line_api.replies[0].json["messages"][0]["text"] == "こんにちは。市の窓口案内です。"
    assert line_api.errors == []


def test_unfollow_is_recorded_without_a_reply(
    post_events: Poster,
    line_api: LineStub,
    conversation: FakeConversation,
    session_factory: sessionmaker[Session],
) -> None:
    assert post_events(event("unfollow", reply_token=None)).status_code == 200
    assert line_api.requests == []
    assert conversation.calls == []
    [row] = inbox_rows(session_factory)
    assert (row.event_type, row.status) == ("unfollow", InboxStatus.done.value)


def test_sticker_gets_a_polite_fixed_reply(
    post_events: Poster, line_api: LineStub, conversation: FakeConversation
) -> None:
    post_events(
        message_event(
            {
                "type": "sticker",
                "packageId": "446",
                "stickerId": "1988",
                "stickerResourceType": "STATIC",
            }
        )
    )
    assert conversation.calls == []
    assert line_api.replies[0].json["messages"] == [
        {"type": "text", "text": translate("ja", "line.sticker")}
    ]


def test_other_message_types_get_a_polite_reply(
    post_events: Poster, line_api: LineStub, conversation: FakeConversation
) -> None:
    post_events(message_event({"type": "audio", "duration": 6000}))
    assert conversation.calls == []
    assert "対応していません" in line_api.replies[0].json["messages"][0]["text"]


# -- location and image on a report ----------------------------------------------------------------


def test_location_is_attached_to_the_open_report(
    post_events: Poster,
    line_api: LineStub,
    open_report: Callable[..., Case],
    session_factory: sessionmaker[Session],
) -> None:
    older = open_report()
    case = open_report()  # the latest open report gets the location
    post_events(
        message_event(
            {
                "type": "location",
                "title": "緑町交差点",
                "address": "日本、〒100-0001 緑町3丁目",
                "latitude": 35.681236,
                "longitude": 139.767125,
            }
        )
    )
    [attachment] = attachments(session_factory, case.id)
    assert attachment.kind == "location"
    assert attachment.data["latitude"] == pytest.approx(35.681236)
    assert attachment.data["longitude"] == pytest.approx(139.767125)
    assert attachment.data["address"] == "日本、〒100-0001 緑町3丁目"
    assert attachments(session_factory, older.id) == []
    with session_factory() as session:
        assert session.get(Case, case.id).location == "日本、〒100-0001 緑町3丁目"
    text = line_api.replies[0].json["messages"][0]["text"]
    assert case.case_number in text and "添付しました" in text
    assert line_api.errors == []


def test_image_is_fetched_from_the_data_host_and_attached(
    post_events: Poster,
    line_api: LineStub,
    line_data: LineStub,
    open_report: Callable[..., Case],
    session_factory: sessionmaker[Session],
) -> None:
    case = open_report(location="緑町3丁目")
    photo = b"\xff\xd8\xff\xe0" + b"pothole" * 100
    line_data.contents["468789577898262530"] = (photo, "image/jpeg")
    post_events(
        message_event(
            {"type": "image", "id": "468789577898262530", "contentProvider": {"type": "line"}}
        )
    )
    [fetch] = line_data.requests
    assert (fetch.method, fetch.path) == ("GET", "/v2/bot/message/468789577898262530/content")
    assert fetch.headers["authorization"].startswith("Bearer ")
    [attachment] = attachments(session_factory, case.id)
    assert attachment.kind == "image"
    assert attachment.content == photo
    assert attachment.content_type == "image/jpeg"
    assert attachment.data["size"] == len(photo)
    text = line_api.replies[0].json["messages"][0]["text"]
    assert case.case_number in text
    assert line_api.errors == [] and line_data.errors == []


def test_location_without_an_open_report_is_not_stored(
    post_events: Poster,
    line_api: LineStub,
    open_report: Callable[..., Case],
    session_factory: sessionmaker[Session],
) -> None:
    resolved = open_report()
    with session_factory() as session:
        session.get(Case, resolved.id).status = CaseStatus.resolved.value
        session.commit()
    other_users_report = open_report(sender="line:Uanother0000000000000000000000000")
    post_events(
        message_event(
            {"type": "location", "address": "緑町3丁目", "latitude": 35.0, "longitude": 139.0}
        )
    )
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(CaseAttachment)) == 0
    assert other_users_report.id != resolved.id
    text = line_api.replies[0].json["messages"][0]["text"]
    assert "受付中のご報告がない" in text


def test_image_without_an_open_report_is_not_fetched(
    post_events: Poster, line_api: LineStub, line_data: LineStub, seeded: Session
) -> None:
    post_events(message_event({"type": "image", "contentProvider": {"type": "line"}}))
    assert line_data.requests == []
    assert "受付中のご報告がない" in line_api.replies[0].json["messages"][0]["text"]


# -- personal data ---------------------------------------------------------------------------------


def test_citizen_text_is_not_logged(
    post_events: Poster, caplog: pytest.LogCaptureFixture, line_api: LineStub
) -> None:
    caplog.set_level(logging.DEBUG)
    secret_text = "山田太郎です。電話は090-1234-5678、緑町3丁目に住んでいます"
    post_events(text_event(secret_text))
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("api.channels"))
    assert "line event" in logged
    assert "090-1234-5678" not in logged and "山田" not in logged and USER_ID not in logged


def test_signed_body_that_is_not_json_is_a_400(
    line_client: TestClient, line_api: LineStub, session_factory: sessionmaker[Session]
) -> None:
    from api.channels.line.signature import sign
    from tests.api.channels.conftest import CHANNEL_SECRET

    body = b"not json"
    response = line_client.post(
        "/line/webhook", content=body, headers={"X-Line-Signature": sign(CHANNEL_SECRET, body)}
    )
    assert response.status_code == 400
    assert inbox_rows(session_factory) == []
    assert line_api.requests == []


def test_image_held_by_an_external_provider_is_attached_by_url(
    post_events: Poster,
    line_api: LineStub,
    line_data: LineStub,
    open_report: Callable[..., Case],
    session_factory: sessionmaker[Session],
) -> None:
    case = open_report()
    post_events(
        message_event(
            {
                "type": "image",
                "contentProvider": {
                    "type": "external",
                    "originalContentUrl": "https://example.jp/photo.jpg",
                    "previewImageUrl": "https://example.jp/preview.jpg",
                },
            }
        )
    )
    assert line_data.requests == []
    [attachment] = attachments(session_factory, case.id)
    assert attachment.content is None
    assert attachment.data["original_content_url"] == "https://example.jp/photo.jpg"
    assert case.case_number in line_api.replies[0].json["messages"][0]["text"]


def test_a_photo_during_a_report_is_held_until_the_case_opens(
    post_events: Poster,
    line_api: LineStub,
    line_data: LineStub,
    conversation: FakeConversation,
    open_report: Callable[..., Case],
    session_factory: sessionmaker[Session],
) -> None:
    earlier = open_report(location="緑町3丁目")  # an earlier report does not get the photo
    conversation.form = "report_form"
    photo = b"\xff\xd8\xff\xe0" + b"fallen tree" * 50
    line_data.contents["500000000000000001"] = (photo, "image/jpeg")
    post_events(
        message_event(
            {"type": "image", "id": "500000000000000001", "contentProvider": {"type": "line"}}
        )
    )
    assert "受け付けのときに" in line_api.replies[0].json["messages"][0]["text"]
    assert attachments(session_factory, earlier.id) == []
    with session_factory() as session:
        assert held_photo_count(session, SENDER) == 1
    filed = open_report(location="緑町4丁目")  # the report is filed (the bot's open-case action)
    with session_factory() as session:
        assert adopt_held_photos(session, session.get(Case, filed.id)) == 1
        session.commit()
        assert held_photo_count(session, SENDER) == 0
    [attachment] = attachments(session_factory, filed.id)
    assert attachment.content == photo and attachment.held_for is None
    assert line_api.errors == [] and line_data.errors == []
