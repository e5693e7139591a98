"""An English question answered from a Japanese entry gets an honest English note, with a
number to call, before the Japanese answer; the bot's own replies are in English; Japanese
conversations are unchanged."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from actions import messages
from api.conversation.language import remember
from api.faq.models import FaqEntry
from api.i18n import translate
from tests.actions.payloads import action_call, user_event


def run(client: TestClient, payload: dict) -> list[dict]:
    response = client.post("/webhook", json=payload)
    assert response.status_code == 200, response.text
    return response.json()["responses"]


def _department(client: TestClient, code: str) -> dict:
    return next(d for d in client.get("/api/v1/departments").json() if d["code"] == code)


def test_an_english_question_without_an_answer_is_told_so_in_english(
    client: TestClient, seeded: Session
) -> None:
    question = user_event("Where can I rent a rocket for my holiday?", "nlu_fallback")
    responses = run(client, action_call("action_answer_faq", events=[question]))
    # no note: the bot's own reply is already English
    assert [r["text"] for r in responses] == [translate("en", "not_understood")]
    assert responses[0]["text"] != messages.NOT_UNDERSTOOD


def test_a_japanese_answer_to_an_english_conversation_names_its_department(
    client: TestClient, seeded: Session
) -> None:
    remember(seeded, "web:test", "en")  # the conversation so far was in English
    seeded.commit()
    choice = user_event(
        '/choose_faq{"faq_id":"F2"}', "choose_faq", [{"entity": "faq_id", "value": "F2"}]
    )
    responses = run(client, action_call("action_answer_faq", events=[choice]))
    entry = seeded.get(FaqEntry, "F2")
    department = _department(client, entry.department_code)
    assert responses[0]["text"].startswith(translate("en", "note.japanese_answer"))
    assert department["phone"] in responses[0]["text"]
    assert responses[1]["text"].startswith("住民票の写しは")  # the answer, buttons and all
    assert responses[1]["buttons"]


def test_a_japanese_question_gets_no_note(client: TestClient, seeded: Session) -> None:
    responses = run(
        client, action_call("action_answer_faq", events=[user_event("粗大ごみの出し方を教えて")])
    )
    assert len(responses) == 1 and "粗大ごみは事前申込制です" in responses[0]["text"]
