"""An English conversation with the real Rasa and API: greeting, a question answered from an
English entry, a question only a Japanese entry answers (with the English note and the
department's number), a report through the form with a case number, its status, a request for
a person, cancel; a Japanese conversation right after is still Japanese."""

from __future__ import annotations

import csv
import re

import httpx
import pytest

from api.i18n import catalog
from tests.conftest import REPO_ROOT
from tests.e2e.conftest import Stack
from tests.e2e.test_citizen_journeys import Citizen

pytestmark = pytest.mark.e2e
CASE_NUMBER = re.compile(r"\d{4}-\d{6}")
EN = catalog("en")


def demo_entries() -> dict[str, dict[str, str]]:
    with (REPO_ROOT / "demo_city" / "faq.csv").open(encoding="utf-8") as handle:
        return {row["id"]: row for row in csv.DictReader(handle)}


def _department(stack: Stack, code: str) -> dict:
    departments = httpx.get(f"{stack.api_url}/api/v1/departments", timeout=30).json()
    department = next(d for d in departments if d["code"] == code)
    # an English conversation is told the department's English name where the city gave one
    return {**department, "name": department["names"].get("en", department["name"])}


def test_an_english_conversation_from_greeting_to_status(stack: Stack) -> None:
    citizen = Citizen(stack)
    entries = demo_entries()

    assert citizen.says_text("Hello!").startswith("Hello. This is the Midorino City Office guide")

    # an English entry answers in English, with English feedback buttons and no note
    (answer,) = citizen.say("How do I throw away oversized garbage like a sofa?")
    assert answer["text"] == entries["M0001"]["answer_en"]
    assert [b["title"] for b in answer["buttons"]] == [EN["helpful"], EN["not_helpful"]]

    # an entry without English text: the note with the department's number, then the answer
    first, japanese = citizen.say('/choose_faq{"faq_id": "M0020"}')
    births = _department(stack, entries["M0020"]["department"])
    assert first["text"].startswith(EN["note.japanese_answer"])
    assert f"call {births['name']} at {births['phone']}" in first["text"]
    assert japanese["text"] == entries["M0020"]["answer"]

    # a report through the form, all in English
    asked = citizen.says_text("There is a big pothole in the road, my car almost hit it")
    assert "Where is it?" in asked
    contact = citizen.says_text("In front of Midori Station, north exit")
    assert "How can the department contact you" in contact
    summary = citizen.says_text("090-1234-5678")
    assert summary.startswith(EN["confirm_header"]) and "- Contact: 090-1234-5678" in summary
    opened = citizen.says_text("yes")
    number = CASE_NUMBER.search(opened).group(0)
    roads = _department(stack, "roads")
    assert opened.startswith(
        f"Thank you for letting us know. Your report was sent to {roads['name']}"
    )
    assert f"Your case number is {number}." in opened
    case = httpx.get(
        f"{stack.api_url}/api/v1/cases/{number}", headers=stack.admin_headers, timeout=30
    ).json()
    assert case["department"] == "roads" and case["kind"] == "report"

    status = citizen.says_text(f"What is the status of case {number}?")
    assert status.startswith(f"Status of case {number}: ")
    assert roads["name"] in status

    # a request for a person, then cancel
    assert "what is it about" in citizen.says_text("I want to talk to a person")
    cancelled = citizen.says_text("cancel")
    assert cancelled == EN["form_cancelled"]

    assert citizen.says_text("thanks") == "You're welcome. Feel free to ask anything else."


def test_an_english_report_of_illegal_dumping_reaches_the_waste_department(stack: Stack) -> None:
    citizen = Citizen(stack)
    citizen.says_text("Someone dumped old tires and a fridge behind the park at Kawabe-cho 2-chome")
    while True:  # answer what the form asks until the summary
        reply = citizen.says_text("No contact needed")
        if reply.startswith(EN["confirm_header"]):
            break
        assert "Where is it?" in reply or "contact" in reply
        citizen.says_text("Behind Kawabe Park")
    assert "- Contact: none (we will not contact you)" in reply
    opened = citizen.says_text("yes")
    number = CASE_NUMBER.search(opened).group(0)
    case = httpx.get(
        f"{stack.api_url}/api/v1/cases/{number}", headers=stack.admin_headers, timeout=30
    ).json()
    assert case["department"] == "waste"
    assert case["contact"] is None


def test_a_japanese_conversation_after_an_english_one_is_japanese(stack: Stack) -> None:
    english = Citizen(stack)
    assert english.says_text("hi there").startswith("Hello.")
    japanese = Citizen(stack)
    assert "みどり野市役所" in japanese.says_text("こんにちは")
    # and a citizen who switches is answered in the new language at once
    assert "みどり野市役所" in english.says_text("こんにちは")
    assert english.says_text("hello again").startswith("Hello.")


def test_a_place_name_in_kanji_keeps_the_english_conversation_english(stack: Stack) -> None:
    citizen = Citizen(stack)
    asked = citizen.says_text("The streetlight on my street is broken")
    assert "Where is it?" in asked
    reply = citizen.says_text("緑町3丁目")
    assert "How can the department contact you" in reply
    assert citizen.says_text("cancel") == EN["form_cancelled"]
