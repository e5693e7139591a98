from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from actions import messages
from actions.faq import WAY_FORWARD_MIN_CONFIDENCE
from tests.actions.payloads import action_call, slots_in, user_event


def run(client: TestClient, payload: dict) -> dict:
    response = client.post("/webhook", json=payload)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_covered_question_is_answered(client: TestClient, seeded: Session) -> None:
    result = run(
        client, action_call("action_answer_faq", events=[user_event("粗大ごみの出し方を教えて")])
    )
    response = result["responses"][0]
    assert "粗大ごみは事前申込制です" in response["text"]
    assert [b["payload"] for b in response["buttons"]] == [
        "/feedback_helpful",
        "/feedback_not_helpful",
    ]
    assert slots_in(result)["last_faq_id"] == "F1"
    assert slots_in(result)["last_question"] == "粗大ごみの出し方を教えて"


def test_an_uncovered_question_offers_a_case(client: TestClient, seeded: Session) -> None:
    question = "市営住宅の家賃の減免制度について"
    asked = user_event(question)
    result = run(client, action_call("action_answer_faq", events=[asked]))
    response = result["responses"][0]
    offer, _, phone = response["text"].partition("\n")
    assert offer == messages.NOT_FOUND_OFFER
    # A way forward besides the inquiry: the number of the department routing picks when it is
    # sure, the city's general line otherwise.
    routed = client.post("/api/v1/triage", json={"text": question}).json()
    sure = routed["confidence"] >= WAY_FORWARD_MIN_CONFIDENCE
    code = routed["department"] if sure else "general"
    department = next(d for d in client.get("/api/v1/departments").json() if d["code"] == code)
    assert phone == messages.WAY_FORWARD_PHONE.format(
        name=department["name"], phone=department["phone"]
    )
    assert [b["payload"] for b in response["buttons"]] == ["/request_inquiry", "/deny"]
    assert slots_in(result) == {
        "case_offer": "inquiry",
        "case_description": question,
        "question_key": f"web:test:{asked['message_id']}",
    }


def test_gibberish_asks_to_rephrase(client: TestClient, seeded: Session) -> None:
    result = run(
        client, action_call("action_answer_faq", events=[user_event("🙂🙂🙂", "nlu_fallback")])
    )
    assert result["responses"][0]["text"] == messages.NOT_UNDERSTOOD


def test_a_clarify_choice_is_answered(client: TestClient, seeded: Session) -> None:
    event = user_event(
        '/choose_faq{"faq_id":"F2"}', "choose_faq", [{"entity": "faq_id", "value": "F2"}]
    )
    result = run(client, action_call("action_answer_faq", events=[event]))
    assert result["responses"][0]["text"].startswith("住民票の写しは")


def test_a_stale_choice_does_not_fail(client: TestClient, seeded: Session) -> None:
    event = user_event("/choose_faq", "choose_faq", [{"entity": "faq_id", "value": "GONE"}])
    result = run(client, action_call("action_answer_faq", events=[event]))
    assert result["responses"][0]["text"] == messages.NOT_UNDERSTOOD


def test_an_faq_edit_is_used_at_once(client: TestClient, seeded: Session) -> None:
    from api.faq.repository import FaqRepository

    FaqRepository(seeded).get("F1").answer = "粗大ごみはインターネットでも申し込めます。"
    seeded.commit()
    result = run(
        client, action_call("action_answer_faq", events=[user_event("粗大ごみの出し方を教えて")])
    )
    assert result["responses"][0]["text"] == "粗大ごみはインターネットでも申し込めます。"


def test_unknown_action_is_404(client: TestClient, seeded: Session) -> None:
    response = client.post("/webhook", json=action_call("action_nope", events=[]))
    assert response.status_code == 404
    assert response.json()["action_name"] == "action_nope"


def test_malformed_call_is_422(client: TestClient) -> None:
    assert client.post("/webhook", json={"next_action": "action_answer_faq"}).status_code == 422


def test_answers_and_feedback_are_recorded_once(client: TestClient, seeded: Session) -> None:
    from api.feedback.models import AnswerFeedback, BotAnswer

    asked = user_event("粗大ごみの出し方を教えて 電話は090-1234-5678")
    call = action_call("action_answer_faq", events=[asked])
    run(client, call)
    run(client, call)  # Rasa running the action again
    [answer] = seeded.query(BotAnswer).all()
    assert (answer.decision, answer.faq_id, answer.channel) == ("answer", "F1", "web")
    assert "090-1234-5678" not in answer.question  # stored masked

    slots = {"last_faq_id": "F1", "last_question": "粗大ごみの出し方を教えて"}
    no = user_event("/feedback_not_helpful", "feedback_not_helpful")
    result = run(client, action_call("action_record_feedback", events=[asked, no], slots=slots))
    assert result["responses"][0]["text"].startswith(messages.NOT_HELPFUL_OFFER)
    assert slots_in(result) == {
        "case_offer": "inquiry",
        "case_description": "粗大ごみの出し方を教えて",
        "question_key": None,  # no slot given: the answered question is unknown
    }
    yes = user_event("/feedback_helpful", "feedback_helpful")
    result = run(client, action_call("action_record_feedback", events=[asked, yes], slots=slots))
    assert result["responses"][0]["text"] == messages.THANKS_FOR_FEEDBACK
    feedback = [(f.faq_id, f.helpful) for f in seeded.query(AnswerFeedback).order_by("id")]
    assert feedback == [("F1", False), ("F1", True)]


def test_a_choice_answers_the_question_that_offered_it(client: TestClient, seeded: Session) -> None:
    from api.feedback.models import BotAnswer

    asked = user_event("ごみ")
    clarified = run(client, action_call("action_answer_faq", events=[asked]))
    key = slots_in(clarified)["question_key"]
    assert key == f"web:test:{asked['message_id']}"
    choice = user_event(
        '/choose_faq{"faq_id":"F1"}', "choose_faq", [{"entity": "faq_id", "value": "F1"}]
    )
    slots = {"question_key": key, "last_question": "ごみ"}
    answered = run(client, action_call("action_answer_faq", events=[asked, choice], slots=slots))
    assert slots_in(answered)["question_key"] == key  # feedback on it points at the question
    rows = {r.message_key: r for r in seeded.query(BotAnswer)}
    question, picked = rows[key], rows[f"web:test:{choice['message_id']}"]
    assert question.source == "question" and question.parent_key is None
    assert (picked.source, picked.parent_key, picked.faq_id) == ("choice", key, "F1")
    assert picked.faq_reviewed_at is not None  # the entry's review date, kept with the answer
