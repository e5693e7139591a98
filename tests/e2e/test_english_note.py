"""With the real Rasa and API: an English question the city cannot answer is told so in
English, with a way forward, never only in Japanese."""

from __future__ import annotations

import pytest

from api.i18n import catalog
from tests.e2e.conftest import Stack
from tests.e2e.test_citizen_journeys import Citizen

pytestmark = pytest.mark.e2e


def test_an_english_question_outside_the_faq_gets_an_english_reply(stack: Stack) -> None:
    citizen = Citizen(stack)
    replies = citizen.say("Can I hold a barbecue party on the roof of the city hall?")
    first = replies[0]["text"]
    english = catalog("en")
    openings = [english[k] for k in ("not_found_offer", "out_of_scope", "not_understood")]
    assert any(first.startswith(text) for text in openings), first
    if first.startswith(english["not_found_offer"]):
        assert "call" in first  # the department routing names, or the general line
        titles = [b["title"] for b in replies[0]["buttons"]]
        assert titles == [english["offer_yes"], english["offer_no"]]
