"""The case forms listen: what the first message said fills the form, corrections reopen a
part, nothing is filed before the citizen confirms, danger is answered first."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions import messages
from api.cases.models import Case
from api.conversation.language import remember
from api.faq.knowledge import knowledge_cache
from api.faq.models import FaqEntry
from api.feedback.models import BotAnswer
from api.handoff.models import Handoff
from api.handoff.presence import mark_seen
from api.staff.models import StaffRole
from api.staff.service import add_staff
from tests.actions.payloads import action_call, loop_event, slot_event, slots_in, user_event


def run(client: TestClient, payload: dict) -> dict:
    response = client.post("/webhook", json=payload)
    assert response.status_code == 200, response.text
    return response.json()


def validate(
    client: TestClient,
    form: str,
    text: str,
    *,
    intent: str = "faq_question",
    fills: str | None = None,
    slots: dict | None = None,
    entities: list[dict] | None = None,
) -> dict:
    """One turn of `form`: the citizen says `text`; `fills` is the slot Rasa's from_text
    mapping filled with it (the requested slot), as action_extract_slots does."""
    events = [user_event(text, intent, entities)]
    if fills:
        events.append(slot_event(fills, text))
    slots = {**(slots or {}), **({fills: text} if fills else {})}
    return run(
        client, action_call(f"validate_{form}", events=events, slots=slots, active_loop=form)
    )


def requested(result: dict) -> str | None:
    return slots_in(result).get("requested_slot")


def said(result: dict) -> str:
    return "\n".join(r.get("text", "") for r in result["responses"])


def test_a_first_message_with_place_contact_and_date_fills_the_form(
    client: TestClient, seeded: Session
) -> None:
    text = "12月1日から緑町3丁目の交差点の街灯が切れています。電話番号は090-1234-5678です"
    result = validate(
        client, "report_form", text, intent="report_problem", fills="case_description"
    )
    slots = slots_in(result)
    assert slots["case_description"] == "12月1日から緑町3丁目の交差点の街灯が切れています。"
    assert slots["case_location"] == "緑町3丁目の交差点"
    assert slots["case_contact"] == "090-1234-5678"
    assert requested(result) == "case_confirmed"  # nothing left to ask but the confirmation


def test_a_report_without_place_asks_where_and_keeps_the_contact(
    client: TestClient, seeded: Session
) -> None:
    text = "街灯が切れています 080-2222-3333"
    result = validate(
        client, "report_form", text, intent="report_problem", fills="case_description"
    )
    assert slots_in(result)["case_contact"] == "080-2222-3333"
    assert requested(result) == "case_location"


def test_danger_is_answered_first_and_marks_the_case_urgent(
    client: TestClient, seeded: Session
) -> None:
    text = "道路が陥没していて車が落ちそうです"
    result = validate(
        client, "report_form", text, intent="report_problem", fills="case_description"
    )
    assert slots_in(result)["case_urgent"] is True
    advice = result["responses"][0]["text"]
    assert "110番" in advice
    assert "000-210-3999" in advice  # the roads department's 24-hour line (the directory)
    assert requested(result) == "case_location"
    again = validate(
        client,
        "report_form",
        "緑町の交差点です",
        fills="case_location",
        slots={"case_description": text, "case_urgent": True},
    )
    assert "110番" not in said(again)  # told once


def test_a_fire_is_told_to_call_119(client: TestClient, seeded: Session) -> None:
    result = validate(
        client, "report_form", "空き地で枯れ草が燃えています", fills="case_description"
    )
    assert "119番" in said(result)


@pytest.mark.parametrize("correction", ["場所を間違えました", "住所が違います"])
def test_a_correction_reopens_the_place(
    client: TestClient, seeded: Session, correction: str
) -> None:
    slots = {
        "case_description": "駅前の歩道のタイルがはがれています",
        "case_location": "駅前",
        "case_contact": "不要",
        "requested_slot": "case_confirmed",
    }
    result = validate(client, "report_form", correction, intent="correct_case", slots=slots)
    assert slots_in(result)["case_location"] is None
    assert slots_in(result)["case_confirmed"] is None
    assert requested(result) == "case_location"


def test_a_correction_typed_as_an_answer_is_not_taken_as_the_answer(
    client: TestClient, seeded: Session
) -> None:
    # The NLU missed the correction: the text filled the contact Rasa asked for.
    slots = {"case_description": "公園のベンチが壊れています", "case_location": "北公園"}
    slots["requested_slot"] = "case_contact"
    result = validate(
        client, "report_form", "あ、場所まちがえてました", fills="case_contact", slots=slots
    )
    assert slots_in(result)["case_contact"] is None
    assert slots_in(result)["case_location"] is None
    assert requested(result) == "case_location"


def test_a_correction_that_carries_the_new_value_takes_it(
    client: TestClient, seeded: Session
) -> None:
    slots = {
        "case_description": "公園のブランコが壊れています",
        "case_location": "北公園",
        "case_contact": "不要",
        "requested_slot": "case_confirmed",
    }
    result = validate(
        client,
        "report_form",
        "連絡先を間違えました。090-5555-6666です",
        intent="correct_case",
        slots=slots,
    )
    assert slots_in(result)["case_contact"] == "090-5555-6666"
    assert requested(result) == "case_confirmed"


def test_fix_without_saying_what_asks_which_part(client: TestClient, seeded: Session) -> None:
    slots = {
        "case_description": "公園のブランコが壊れています",
        "case_location": "北公園",
        "case_contact": "不要",
        "requested_slot": "case_confirmed",
    }
    result = validate(client, "report_form", "/correct_case", intent="correct_case", slots=slots)
    assert requested(result) == "case_field"
    asked = run(
        client,
        action_call(
            "action_ask_case_field",
            events=[user_event("/correct_case", "correct_case")],
            active_loop="report_form",
        ),
    )
    payloads = [b["payload"] for b in asked["responses"][0]["buttons"]]
    assert '/correct_case{"case_field": "location"}' in payloads and "/stop" in payloads

    chosen = validate(
        client,
        "report_form",
        '/correct_case{"case_field": "contact"}',
        intent="correct_case",
        entities=[{"entity": "case_field", "value": "contact"}],
        fills="case_field",
        slots={**slots, "requested_slot": "case_field"},
    )
    assert slots_in(chosen)["case_contact"] is None
    assert requested(chosen) == "case_contact"


def test_yes_confirms_and_anything_else_asks_again(client: TestClient, seeded: Session) -> None:
    slots = {
        "case_description": "公園のブランコが壊れています",
        "case_location": "北公園",
        "case_contact": "不要",
        "requested_slot": "case_confirmed",
    }
    yes = validate(
        client, "report_form", "/affirm", intent="affirm", fills="case_confirmed", slots=slots
    )
    assert slots_in(yes)["case_confirmed"] is True
    assert requested(yes) is None  # the form is done: the case opens
    unclear = validate(
        client, "report_form", "うーん", intent="faq_question", fills="case_confirmed", slots=slots
    )
    assert slots_in(unclear)["case_confirmed"] is None
    assert requested(unclear) == "case_confirmed"
    assert said(unclear) == messages.CONFIRM_AGAIN


def test_a_stop_is_left_to_the_rules(client: TestClient, seeded: Session) -> None:
    slots = {"case_description": "公園のブランコが壊れています", "requested_slot": "case_location"}
    result = validate(client, "report_form", "やめます", intent="stop", slots=slots)
    # Only the next question: Rasa then rejects the form and the stop rule runs.
    assert [e["name"] for e in result["events"]] == ["requested_slot"]


def test_a_shared_point_is_the_place(client: TestClient, seeded: Session) -> None:
    slots = {"case_description": "公園のブランコが壊れています", "requested_slot": "case_location"}
    entities = [
        {"entity": "latitude", "value": 34.7335},
        {"entity": "longitude", "value": 135.4066},
        {"entity": "address", "value": "みどり野市緑町1丁目"},
    ]
    result = validate(
        client, "report_form", "/share_location", intent="share_location", slots=slots,
        entities=entities,
    )  # fmt: skip
    got = slots_in(result)
    assert (got["case_latitude"], got["case_longitude"]) == (34.7335, 135.4066)
    assert got["case_location"] == "みどり野市緑町1丁目"
    assert requested(result) == "case_contact"


def test_the_confirmation_shows_the_whole_case(client: TestClient, seeded: Session) -> None:
    slots = {
        "case_description": "緑町の道路に穴があいています",
        "case_location": "緑町3丁目",
        "case_contact": "090-1234-5678",
        "case_urgent": True,
    }
    result = run(
        client,
        action_call(
            "action_ask_case_confirmed",
            events=[user_event("090-1234-5678")],
            slots=slots,
            active_loop="report_form",
        ),
    )
    reply = result["responses"][0]
    assert reply["text"].startswith(messages.CONFIRM_HEADER)
    for part in ("緑町の道路に穴があいています", "緑町3丁目", "090-1234-5678", "道路維持課"):
        assert part in reply["text"]
    assert [b["payload"] for b in reply["buttons"]] == ["/affirm", "/correct_case", "/stop"]


def test_the_contact_question_says_how_the_contact_is_used(
    client: TestClient, seeded: Session
) -> None:
    from api.city.profile import city_profile

    result = run(
        client,
        action_call(
            "action_ask_case_contact",
            events=[user_event("公園のブランコが壊れています")],
            slots={"case_description": "公園のブランコが壊れています"},
            active_loop="report_form",
        ),
    )
    assert city_profile().privacy_notice in result["responses"][0]["text"]


def _staff_on_duty(session: Session, department: str, now: datetime) -> None:
    add_staff(
        session,
        "roads-1",
        "a-long-password-for-tests",
        StaffRole.department_staff,
        [department],
        actor="admin",
    )
    mark_seen(session, "roads-1", now)
    session.commit()


def _request_for_a_person(client: TestClient) -> dict:
    return validate(
        client,
        "human_form",
        "道路の穴の補修について職員さんと直接話したいです",
        intent="request_human",
        fills="case_description",
    )


def test_a_person_on_duty_means_a_live_chat(
    client: TestClient, seeded: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    weekday_noon = datetime(2026, 12, 2, 3, 0, tzinfo=timezone.utc)  # Wed 12:00 JST
    monkeypatch.setattr("actions.forms.utcnow", lambda: weekday_noon)
    _staff_on_duty(seeded, "roads", weekday_noon - timedelta(seconds=30))
    result = _request_for_a_person(client)
    assert slots_in(result)["case_handoff"] == "live"
    assert requested(result) == "case_confirmed"  # no contact needed: a person answers here


def test_nobody_on_duty_means_a_call_back(
    client: TestClient, seeded: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    saturday = datetime(2026, 12, 5, 3, 0, tzinfo=timezone.utc)  # Sat 12:00 JST: roads closed
    monkeypatch.setattr("actions.forms.utcnow", lambda: saturday)
    _staff_on_duty(seeded, "roads", saturday)
    result = _request_for_a_person(client)
    assert slots_in(result)["case_handoff"] == "callback"
    assert requested(result) == "case_contact"


def _open(client: TestClient, form: str, sender: str, slots: dict) -> dict:
    events = [user_event("はい", "affirm"), loop_event(form), loop_event(None)]
    return run(client, action_call("action_open_case", sender, events=events, slots=slots))


def test_a_live_chat_case_waits_for_staff(client: TestClient, seeded: Session) -> None:
    slots = {
        "case_description": "道路の穴の補修について相談したい",
        "case_handoff": "live",
        "case_confirmed": True,
    }
    reply = _open(client, "human_form", "web:live-1", slots)["responses"][0]["text"]
    case = seeded.scalar(select(Case).where(Case.sender_id == "web:live-1"))
    assert case.kind == "human_request" and case.contact_declined is False
    assert case.case_number in reply and "このチャットでお返事します" in reply
    handoff = seeded.scalar(select(Handoff).where(Handoff.case_id == case.id))
    assert handoff.staff is None and handoff.ended_at is None  # the bot is silent from now on


def test_an_urgent_report_opens_an_urgent_case_with_its_point(
    client: TestClient, seeded: Session
) -> None:
    slots = {
        "case_description": "道路が陥没しています",
        "case_location": "緑町3丁目",
        "case_contact": "不要",
        "case_urgent": True,
        "case_latitude": 34.7,
        "case_longitude": 135.4,
        "case_confirmed": True,
    }
    reply = _open(client, "report_form", "web:urgent-1", slots)["responses"][0]["text"]
    case = seeded.scalar(select(Case).where(Case.sender_id == "web:urgent-1"))
    assert case.urgent and (case.latitude, case.longitude) == (34.7, 135.4)
    assert messages.URGENT_CASE_LINE in reply


def test_a_place_given_when_the_contact_is_asked_makes_the_place_precise(
    client: TestClient, seeded: Session
) -> None:
    slots = {
        "case_description": "歩道橋の階段が崩れかけています",
        "case_location": "歩道橋",
        "requested_slot": "case_contact",
    }
    text = "中央小学校の前の歩道橋です"
    result = validate(
        client, "report_form", text, intent="report_problem", fills="case_contact", slots=slots
    )
    assert slots_in(result)["case_location"] == text
    assert slots_in(result)["case_contact"] is None
    assert requested(result) == "case_contact"  # asked again, without an error message
    assert "電話番号（例" not in said(result)


def test_an_unsure_correction_reading_does_not_override_a_declined_contact(
    client: TestClient, seeded: Session
) -> None:
    slots = {
        "case_description": "公園のブランコの鎖が切れています",
        "case_location": "西みどり野公園",
        "requested_slot": "case_contact",
        "case_contact": "連絡はいりません",
    }
    event = user_event("連絡はいりません", "correct_case", confidence=0.48)
    # Rasa's from_text mapping skips correct_case messages: the slot arrives unfilled
    slots["case_contact"] = None
    payload = action_call(
        "validate_report_form", events=[event], slots=slots, active_loop="report_form"
    )
    result = run(client, payload)
    assert slots_in(result)["case_contact"] == "不要"
    assert requested(result) == "case_confirmed"


REPORT_WAITING_FOR_PLACE = {
    "case_description": "住民票がほしい",  # a question the NLU took for a report
    "requested_slot": "case_location",
}


def test_a_question_typed_where_the_place_was_asked_is_answered_and_the_form_asks_again(
    client: TestClient, seeded: Session
) -> None:
    """A question the NLU took for a report: the citizen asks again at 「場所を教えてください」,
    gets the FAQ's answer, and is asked for the place once more (or may stop)."""
    question = "住民票の写しはどこで取れますか？"
    result = validate(
        client,
        "report_form",
        question,
        fills="case_location",
        slots=REPORT_WAITING_FOR_PLACE,
    )
    assert slots_in(result)["case_location"] is None  # the question is not the place
    assert requested(result) == "case_location"
    assert "市民課の窓口" in said(result)  # F2's answer
    assert messages.say("ja", "form_question_answered") in said(result)
    assert all(not r.get("buttons") for r in result["responses"])  # nothing to press mid-form
    answered = seeded.scalars(select(BotAnswer)).all()
    assert [(a.decision, a.faq_id) for a in answered] == [("answer", "F2")]


def test_a_question_at_the_contact_step_is_answered_in_english(
    client: TestClient, seeded: Session
) -> None:
    remember(seeded, "web:test", "en")  # the conversation the API detected as English
    entry = seeded.get(FaqEntry, "F1")
    entry.question_en = "How do I throw away oversized garbage such as a sofa?"
    entry.answer_en = "Oversized garbage is collected on request: call the reception centre."
    seeded.commit()
    knowledge_cache.clear()
    slots = {
        "case_description": "The streetlight is broken",
        "case_location": "Midori 3-chome",
        "requested_slot": "case_contact",
    }
    result = validate(
        client,
        "report_form",
        "How can I throw away oversized garbage like a sofa?",
        fills="case_contact",
        slots=slots,
    )
    assert slots_in(result)["case_contact"] is None
    assert requested(result) == "case_contact"
    assert "Oversized garbage is collected on request" in said(result)
    assert messages.say("en", "form_question_answered") in said(result)


@pytest.mark.parametrize(
    ("slot", "answer"),
    [
        ("case_location", "住民票の写しを取った市民課の前です"),  # a place, in the FAQ's words
        ("case_location", "どこかわからないけど駅の近く"),  # a question word, no FAQ answer
        ("case_contact", "090-1234-5678 でいいですか？"),  # a contact, even as a question
    ],
)
def test_answers_to_the_form_are_never_taken_for_questions(
    client: TestClient, seeded: Session, slot: str, answer: str
) -> None:
    slots = {
        "case_description": "街灯が切れています",
        "case_location": None if slot == "case_location" else "緑町3丁目",
        "requested_slot": slot,
    }
    result = validate(client, "report_form", answer, fills=slot, slots=slots)
    assert slots_in(result)[slot]
    assert messages.say("ja", "form_question_answered") not in said(result)
    assert seeded.scalars(select(BotAnswer)).all() == []
