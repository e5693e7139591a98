"""English conversations through the action server: an English entry answers in English, the
forms ask and understand in English, a case's number and status are said in English, and the
`language` slot follows what the API kept for the conversation."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.conversation.language import remember
from api.faq.knowledge import knowledge_cache
from api.faq.models import FaqEntry
from api.i18n import translate
from tests.actions.payloads import action_call, loop_event, slot_event, slots_in, user_event

SENDER = "web:english"


def run(client: TestClient, payload: dict) -> dict:
    response = client.post("/webhook", json=payload)
    assert response.status_code == 200, response.text
    return response.json()


def _english_conversation(session: Session, sender: str = SENDER) -> None:
    remember(session, sender, "en")
    session.commit()


def _give_f1_english(session: Session) -> None:
    entry = session.get(FaqEntry, "F1")
    entry.question_en = "How do I throw away oversized garbage such as a sofa?"
    entry.answer_en = "Oversized garbage is collected on request: call the reception centre."
    session.commit()
    knowledge_cache.clear()


def test_an_english_question_is_answered_from_the_english_entry_without_a_note(
    client: TestClient, seeded: Session
) -> None:
    _give_f1_english(seeded)
    _english_conversation(seeded)
    question = user_event("How can I throw away oversized garbage like a sofa?")
    result = run(client, action_call("action_answer_faq", SENDER, events=[question]))
    assert [r["text"] for r in result["responses"]] == [
        "Oversized garbage is collected on request: call the reception centre."
    ]
    assert [b["title"] for b in result["responses"][0]["buttons"]] == [
        translate("en", "helpful"),
        translate("en", "not_helpful"),
    ]
    assert slots_in(result)["last_faq_id"] == "F1"


def test_an_english_question_only_japanese_entries_answer_gets_the_note_and_the_answer(
    client: TestClient, seeded: Session
) -> None:
    _give_f1_english(seeded)  # F2 (住民票) stays Japanese-only
    _english_conversation(seeded)
    choice = user_event(
        '/choose_faq{"faq_id":"F2"}', "choose_faq", [{"entity": "faq_id", "value": "F2"}]
    )
    result = run(client, action_call("action_answer_faq", SENDER, events=[choice]))
    first, answer = result["responses"]
    assert first["text"].startswith(translate("en", "note.japanese_answer"))
    assert "000-210-2000" in first["text"]  # 市民課's number (tests/api/conftest.py)
    assert answer["text"].startswith("住民票の写しは")


def test_the_english_search_takes_a_meaning_search_when_english_entries_do_not_answer(
    client: TestClient, seeded: Session, monkeypatch
) -> None:
    from actions import faq
    from api.faq.search import SearchHit

    seen: list[tuple[str, int]] = []

    def meaning(text: str, top: int) -> list[SearchHit]:
        seen.append((text, top))
        return [SearchHit("F2", 0.9)]

    monkeypatch.setattr(faq, "meaning_search", meaning)
    _english_conversation(seeded)
    question = user_event("Where do I get a certificate of residence?")
    result = run(client, action_call("action_answer_faq", SENDER, events=[question]))
    assert seen == [("Where do I get a certificate of residence?", 1)]
    assert result["responses"][0]["text"].startswith(translate("en", "note.japanese_answer"))
    assert slots_in(result)["last_faq_id"] == "F2"


def test_an_english_question_nothing_answers_is_offered_as_an_inquiry_in_english(
    client: TestClient, seeded: Session
) -> None:
    _english_conversation(seeded)
    question = user_event("Can I register my pet rocket at the space port?")
    result = run(client, action_call("action_answer_faq", SENDER, events=[question]))
    (offer,) = result["responses"]
    assert offer["text"].startswith(translate("en", "not_found_offer"))
    assert "000-210-1000" in offer["text"]  # the general line
    assert [b["title"] for b in offer["buttons"]] == ["Yes, send an inquiry", "No"]


def test_the_language_slot_follows_the_conversation(client: TestClient, seeded: Session) -> None:
    _english_conversation(seeded)
    hello = user_event("hello", "greet")
    result = run(client, action_call("action_set_language", SENDER, events=[hello]))
    assert slots_in(result) == {"language": "en"}
    # unchanged: no event; switched to Japanese: the slot follows
    same = run(
        client, action_call("action_set_language", SENDER, events=[hello], slots={"language": "en"})
    )
    assert same["events"] == []
    remember(seeded, SENDER, "ja")
    seeded.commit()
    konnichiwa = user_event("こんにちは", "greet")
    switched = run(
        client,
        action_call("action_set_language", SENDER, events=[konnichiwa], slots={"language": "en"}),
    )
    assert slots_in(switched) == {"language": "ja"}


def test_a_language_without_a_catalog_is_answered_in_japanese(
    client: TestClient, seeded: Session
) -> None:
    remember(seeded, SENDER, "vi")
    seeded.commit()
    result = run(
        client, action_call("action_set_language", SENDER, events=[user_event("xin chào")])
    )
    assert slots_in(result) == {"language": "ja"}


def _form_turn(client: TestClient, form: str, text: str, intent: str, slots: dict) -> dict:
    events = [loop_event(form), user_event(text, intent)]
    events += [slot_event(name, value) for name, value in slots.items() if name != "requested_slot"]
    return run(
        client,
        action_call(f"validate_{form}", SENDER, events=events, slots=slots, active_loop=form),
    )


def test_the_report_form_understands_english_answers(client: TestClient, seeded: Session) -> None:
    _english_conversation(seeded)
    base = {"case_description": "There is a big pothole in the road", "requested_slot": None}
    # a place: kept as the location
    place = _form_turn(
        client,
        "report_form",
        "In front of Midori Station, north exit",
        "faq_question",
        {
            **base,
            "requested_slot": "case_location",
            "case_location": "In front of Midori Station, north exit",
        },
    )
    assert slots_in(place)["case_location"] == "In front of Midori Station, north exit"
    assert slots_in(place)["requested_slot"] == "case_contact"
    # "no contact needed": declined
    declined = _form_turn(
        client,
        "report_form",
        "No contact needed",
        "deny",
        {
            **base,
            "case_location": "Midori Station",
            "requested_slot": "case_contact",
            "case_contact": "No contact needed",
        },
    )
    assert slots_in(declined)["case_contact"] == "不要"
    # a phone number in a sentence: the number
    phone = _form_turn(
        client,
        "report_form",
        "my number is 090-1234-5678",
        "faq_question",
        {
            **base,
            "case_location": "Midori Station",
            "requested_slot": "case_contact",
            "case_contact": "my number is 090-1234-5678",
        },
    )
    assert slots_in(phone)["case_contact"] == "090-1234-5678"
    # a typed "yes" confirms
    yes = _form_turn(
        client,
        "report_form",
        "yes, that's right",
        "affirm",
        {
            **base,
            "case_location": "Midori Station",
            "case_contact": "不要",
            "requested_slot": "case_confirmed",
            "case_confirmed": "yes, that's right",
        },
    )
    assert slots_in(yes)["case_confirmed"] is True
    # "the address is wrong": a correction of the place
    wrong = _form_turn(
        client,
        "report_form",
        "Sorry, the address is wrong",
        "correct_case",
        {
            **base,
            "case_location": "Midori Station",
            "case_contact": "不要",
            "requested_slot": "case_confirmed",
        },
    )
    assert slots_in(wrong)["case_location"] is None
    assert slots_in(wrong)["requested_slot"] == "case_location"
    # an unreadable contact: asked again in English
    bad = _form_turn(
        client,
        "report_form",
        "tomorrow maybe",
        "faq_question",
        {
            **base,
            "case_location": "Midori Station",
            "requested_slot": "case_contact",
            "case_contact": "tomorrow maybe",
        },
    )
    assert [r["text"] for r in bad["responses"]] == [translate("en", "contact_invalid")]


def test_please_fix_in_a_report_is_not_a_correction(client: TestClient, seeded: Session) -> None:
    _english_conversation(seeded)
    said = "There is a big pothole on the road, please fix it before someone is hurt"
    first = _form_turn(client, "report_form", said, "report_problem", {"case_description": said})
    assert slots_in(first)["case_description"] == said
    assert slots_in(first)["requested_slot"] == "case_location"


def test_an_english_request_for_a_person_asks_what_it_is_about(
    client: TestClient, seeded: Session
) -> None:
    _english_conversation(seeded)
    only = _form_turn(
        client,
        "human_form",
        "Can I talk to a real person please?",
        "request_human",
        {"case_description": "Can I talk to a real person please?", "requested_slot": None},
    )
    assert slots_in(only)["case_description"] is None
    matter = _form_turn(
        client,
        "human_form",
        "I want to talk to someone about my resident tax bill",
        "request_human",
        {
            "case_description": "I want to talk to someone about my resident tax bill",
            "requested_slot": None,
        },
    )
    assert (
        slots_in(matter)["case_description"]
        == "I want to talk to someone about my resident tax bill"
    )


def test_the_form_questions_are_in_english(client: TestClient, seeded: Session) -> None:
    _english_conversation(seeded)
    slots = {
        "case_description": "The streetlight is broken",
        "case_location": "Chuo Park",
        "case_contact": "不要",
    }
    events = [loop_event("report_form"), user_event("no contact", "deny")]
    ask = run(
        client,
        action_call(
            "action_ask_case_contact", SENDER, events=events, slots=slots, active_loop="report_form"
        ),
    )
    (question,) = ask["responses"]
    assert question["text"].startswith(translate("en", "contact_question"))
    assert "delete them one year after" in question["text"]  # city.yml's English notice
    assert question["buttons"] == [{"title": "No contact needed", "payload": "No contact needed"}]
    confirm = run(
        client,
        action_call(
            "action_ask_case_confirmed",
            SENDER,
            events=events,
            slots=slots,
            active_loop="report_form",
        ),
    )
    (summary,) = confirm["responses"]
    lines = summary["text"].splitlines()
    assert lines[0] == translate("en", "confirm_header")
    assert "- What: The streetlight is broken" in lines
    assert "- Contact: none (we will not contact you)" in lines
    assert [b["title"] for b in summary["buttons"]] == ["Yes", "Change something", "Cancel"]


def test_an_english_report_opens_a_case_said_in_english_and_its_status_too(
    client: TestClient, seeded: Session
) -> None:
    _english_conversation(seeded)
    slots = {
        "case_description": "There is a big pothole in the road",
        "case_location": "Midori-cho 3-chome crossing",
        "case_contact": "090-1234-5678",
        "case_confirmed": True,
    }
    events = [loop_event("report_form"), user_event("yes", "affirm"), loop_event(None)]
    opened = run(client, action_call("action_open_case", SENDER, events=events, slots=slots))
    text = opened["responses"][0]["text"]
    number = slots_in(opened)["last_case_number"]
    assert text.startswith(
        "Thank you for letting us know. Your report was sent to Road Maintenance Division "
    )
    assert f"Your case number is {number}." in text
    lookup = user_event(
        f"What is the status of case {number}?",
        "ask_case_status",
        [{"entity": "case_number", "value": number}],
    )
    status = run(client, action_call("action_case_status", SENDER, events=[lookup]))
    assert status["responses"][0]["text"].splitlines()[0] == (
        f"Status of case {number}: received (the department has not looked at it yet)"
    )
    stranger = run(client, action_call("action_case_status", "web:other", events=[lookup]))
    assert "6-digit confirmation code" in stranger["responses"][0]["text"]


def test_cancel_is_said_in_english(client: TestClient, seeded: Session) -> None:
    _english_conversation(seeded)
    result = run(
        client, action_call("action_cancel_form", SENDER, events=[user_event("cancel", "stop")])
    )
    assert result["responses"][0]["text"] == translate("en", "form_cancelled")


def test_a_failing_action_apologises_in_english(
    client: TestClient, seeded: Session, monkeypatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr("actions.cases.find_case_number", broken)
    _english_conversation(seeded)
    lookup = user_event("status of case 2026-000001", "ask_case_status")
    result = run(client, action_call("action_case_status", SENDER, events=[lookup]))
    assert [r["text"] for r in result["responses"]] == [translate("en", "apology")]


def test_an_english_report_that_says_where_is_not_asked_where(
    client: TestClient, seeded: Session
) -> None:
    _english_conversation(seeded)
    said = "There is a big hole in the road near Midori-cho 3-chome"
    first = _form_turn(client, "report_form", said, "report_problem", {"case_description": said})
    assert slots_in(first)["case_location"] == "near Midori-cho 3-chome"
    assert slots_in(first)["requested_slot"] == "case_contact"


def test_a_yes_is_not_a_place(client: TestClient, seeded: Session) -> None:
    _english_conversation(seeded)
    base = {"case_description": "The streetlight is broken", "requested_slot": "case_location"}
    for answer in ("yes", "Yes.", "はい"):
        turn = _form_turn(
            client, "report_form", answer, "affirm", {**base, "case_location": answer}
        )
        assert slots_in(turn)["case_location"] is None
        assert turn["responses"][0]["text"] == translate("en", "location_too_short")


def test_an_english_report_of_danger_is_told_what_to_do_first(
    client: TestClient, seeded: Session
) -> None:
    _english_conversation(seeded)
    said = "A tree fell on the road in front of Chuo Park and is blocking it"
    first = _form_turn(client, "report_form", said, "report_problem", {"case_description": said})
    texts = [r["text"] for r in first["responses"]]
    assert texts and texts[0].startswith(translate("en", "danger_header"))
    assert slots_in(first)["case_urgent"] is True
