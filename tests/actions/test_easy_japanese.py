"""やさしい日本語 (ja-x-easy) conversations through the action server: the `language` slot the
domain's responses are chosen by follows it, the bot's own texts are the easy ones, an entry's
easy answer is given when it has one (else its answer), and a typed-words button still sends
ordinary Japanese the NLU understands."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.conversation.language import remember
from api.faq.knowledge import knowledge_cache
from api.faq.models import FaqEntry
from api.i18n import EASY_JAPANESE, translate
from tests.actions.payloads import action_call, loop_event, slots_in, user_event

SENDER = "web:easy"
EASY_ANSWER = "大きい ごみは、電話で もうしこみます。"


def run(client: TestClient, payload: dict) -> dict:
    response = client.post("/webhook", json=payload)
    assert response.status_code == 200, response.text
    return response.json()


def _easy_conversation(session: Session) -> None:
    remember(session, SENDER, EASY_JAPANESE)
    session.commit()


def _choose(faq_id: str) -> dict:
    return user_event(
        f'/choose_faq{{"faq_id":"{faq_id}"}}', "choose_faq", [{"entity": "faq_id", "value": faq_id}]
    )


def test_the_language_slot_is_easy_japanese(client: TestClient, seeded: Session) -> None:
    _easy_conversation(seeded)
    result = run(
        client,
        action_call("action_set_language", SENDER, events=[user_event("こんにちは", "greet")]),
    )
    assert slots_in(result) == {"language": EASY_JAPANESE}


def test_an_entry_with_an_easy_answer_gives_it_and_easy_buttons(
    client: TestClient, seeded: Session
) -> None:
    seeded.get(FaqEntry, "F1").answer_easy = EASY_ANSWER
    seeded.commit()
    knowledge_cache.clear()
    _easy_conversation(seeded)
    result = run(client, action_call("action_answer_faq", SENDER, events=[_choose("F1")]))
    (answer,) = result["responses"]
    assert answer["text"] == EASY_ANSWER
    assert [b["title"] for b in answer["buttons"]] == [
        translate(EASY_JAPANESE, "helpful"),
        translate(EASY_JAPANESE, "not_helpful"),
    ]
    assert translate(EASY_JAPANESE, "helpful") != translate("ja", "helpful")


def test_an_entry_without_an_easy_answer_gives_its_answer(
    client: TestClient, seeded: Session
) -> None:
    _easy_conversation(seeded)
    result = run(client, action_call("action_answer_faq", SENDER, events=[_choose("F2")]))
    assert result["responses"][0]["text"].startswith("住民票の写しは")


def test_an_ordinary_conversation_never_gets_the_easy_answer(
    client: TestClient, seeded: Session
) -> None:
    seeded.get(FaqEntry, "F1").answer_easy = EASY_ANSWER
    seeded.commit()
    knowledge_cache.clear()
    remember(seeded, SENDER, "ja")
    seeded.commit()
    result = run(client, action_call("action_answer_faq", SENDER, events=[_choose("F1")]))
    assert result["responses"][0]["text"] != EASY_ANSWER


def test_the_contact_question_is_easy_and_its_button_sends_ordinary_japanese(
    client: TestClient, seeded: Session
) -> None:
    _easy_conversation(seeded)
    slots = {"case_description": "街灯が消えている", "case_location": "中央公園"}
    events = [loop_event("report_form"), user_event("中央公園", "inform")]
    ask = run(
        client,
        action_call(
            "action_ask_case_contact", SENDER, events=events, slots=slots, active_loop="report_form"
        ),
    )
    (question,) = ask["responses"]
    assert question["text"].startswith(translate(EASY_JAPANESE, "contact_question"))
    assert question["buttons"] == [
        {"title": translate(EASY_JAPANESE, "contact_not_needed"), "payload": "連絡は不要です"}
    ]
