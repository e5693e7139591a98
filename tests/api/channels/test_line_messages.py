"""LINE's limits on what we send, and the webhook signature."""

from __future__ import annotations

import base64
import hashlib
import hmac

from linebot.v3.messaging import ReplyMessageRequest

from api.channels.line.messages import (
    MAX_QUICK_REPLY_ITEMS,
    fit_texts,
    from_chat_messages,
    quick_reply,
    split_text,
    text_messages,
)
from api.channels.line.signature import is_valid_signature, sign
from api.conversation.schemas import ChatButton, ChatMessage
from api.i18n import translate
from tests.api.channels.line_stub import check_messages


def test_signature_is_base64_hmac_sha256_of_the_raw_body() -> None:
    body = '{"events":[{"type":"message","message":{"text":"粗大ごみ"}}]}'.encode()
    expected = base64.b64encode(hmac.new(b"secret-abc", body, hashlib.sha256).digest()).decode()
    assert sign("secret-abc", body) == expected
    assert is_valid_signature("secret-abc", body, expected)
    assert not is_valid_signature("secret-abc", body + b" ", expected)
    assert not is_valid_signature("secret-abc", body, None)
    assert not is_valid_signature("secret-abc", body, "")
    assert not is_valid_signature("secret-abc", body, "ｘ非ASCII")


def test_split_prefers_line_breaks_and_keeps_every_character() -> None:
    text = "\n".join(["あ" * 3000] * 3)
    pieces = split_text(text)
    assert all(len(p) <= 5000 for p in pieces)
    assert pieces == ["あ" * 3000] * 3
    assert split_text("短い") == ["短い"]


def test_split_counts_characters_outside_the_bmp_twice() -> None:
    pieces = split_text("😀" * 3000)
    assert [len(p) for p in pieces] == [2500, 500]


def test_short_messages_stay_one_bubble_each() -> None:
    assert fit_texts(["一", "二", "三"]) == ["一", "二", "三"]


def test_many_messages_are_merged_into_at_most_five() -> None:
    fitted = fit_texts([f"メッセージ{n}" for n in range(9)])
    assert len(fitted) == 1
    assert fitted[0].split("\n\n") == [f"メッセージ{n}" for n in range(9)]


def test_too_much_text_is_truncated_with_a_notice() -> None:
    fitted = fit_texts(["か" * 30_000])
    assert len(fitted) == 5
    assert all(len(t) <= 5000 for t in fitted)
    assert fitted[-1].endswith("\n" + translate("ja", "line.truncated"))


def test_the_channel_texts_are_in_the_conversation_language() -> None:
    fitted = fit_texts(["a" * 30_000], language="en")
    assert fitted[-1].endswith("\n" + translate("en", "line.truncated"))
    [only] = text_messages([], [ChatButton(title="Yes", payload="/affirm")], language="en")
    assert only["text"] == translate("en", "line.choose") != translate("ja", "line.choose")


def test_quick_reply_limits() -> None:
    buttons = [ChatButton(title=f"選択肢{n}" * 5, payload=f"/choice{n}") for n in range(15)]
    buttons.append(ChatButton(title="長すぎる", payload="x" * 301))
    quick = quick_reply(buttons)
    assert quick is not None
    items = quick["items"]
    assert len(items) == MAX_QUICK_REPLY_ITEMS
    assert all(len(i["action"]["label"]) <= 20 for i in items)
    assert items[0]["action"]["displayText"] == "選択肢0" * 5
    assert quick_reply([ChatButton(title="x", payload="y" * 301)]) is None


def test_buttons_without_text_get_a_prompt_and_pass_the_sdk_models() -> None:
    line = from_chat_messages(
        [ChatMessage(text=None, buttons=[ChatButton(title="はい", payload="/affirm")])]
    )
    assert line[0]["text"] and line[0]["quickReply"]["items"][0]["action"]["data"] == "/affirm"
    assert check_messages(line) == []
    ReplyMessageRequest.from_dict({"replyToken": "t", "messages": line})


def test_buttons_go_on_the_last_message() -> None:
    line = text_messages(["一", "二"], [ChatButton(title="はい", payload="/affirm")])
    assert "quickReply" not in line[0] and "quickReply" in line[1]
