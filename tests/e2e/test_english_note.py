"""With the real Rasa and API: an English question the city cannot answer in English gets an
English note with a number to call, not only a Japanese refusal."""

from __future__ import annotations

import httpx
import pytest

from api.i18n import catalog
from tests.e2e.conftest import Stack
from tests.e2e.test_citizen_journeys import Citizen

pytestmark = pytest.mark.e2e


def test_an_english_question_gets_an_english_note(stack: Stack) -> None:
    citizen = Citizen(stack)
    replies = citizen.say("How do I dispose of large garbage?")
    first = replies[0]["text"]
    notes = [catalog("en")[k] for k in ("note.no_answer", "note.japanese_answer")]
    notes.append(catalog("en")["note.japanese_choices"])
    assert any(first.startswith(note) for note in notes), first
    general = next(
        d
        for d in httpx.get(f"{stack.api_url}/api/v1/departments", timeout=30).json()
        if d["code"] == "general"
    )
    assert f"call {general['name']} at {general['phone']}" in first
    assert len(replies) >= 2  # the Japanese reply follows the note
