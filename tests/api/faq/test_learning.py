"""Learning phrasings from citizens' choices, through the action server: a wording becomes an
entry's phrasing after confirmations from different conversations, the search answers with it
at once, 役に立たなかった withdraws a conversation's confirmation, and Rasa's retries count once."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.faq import learning
from api.faq.knowledge import knowledge_cache
from api.faq.learning_models import LearnedPhrasing, PhrasingConfirmation
from api.faq.learning_text import MAX_PHRASING_CHARS, Rejection, examine
from api.faq.search import decide
from tests.actions.payloads import action_call, slots_in, user_event

# A question the demo FAQ can only clarify (several entries hold its words); F4 is offered.
CLARIFIED = "道が暗くて怖い"
PICKED = "F4"


def run(client: TestClient, payload: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/webhook", json=payload)
    assert response.status_code == 200, response.text
    return response.json()


class Conversation:
    """One citizen's conversation, as Rasa drives the actions."""

    def __init__(self, client: TestClient, sender: str) -> None:
        self.client, self.sender = client, sender
        self.events: list[dict[str, Any]] = []
        self.slots: dict[str, Any] = {}

    def ask(self, question: str) -> dict[str, Any]:
        return self._act("action_answer_faq", user_event(question))

    def choose(self, faq_id: str) -> dict[str, Any]:
        entity = [{"entity": "faq_id", "value": faq_id}]
        return self._act(
            "action_answer_faq",
            user_event(f'/choose_faq{{"faq_id":"{faq_id}"}}', "choose_faq", entity),
        )

    def feedback(self, helpful: bool) -> dict[str, Any]:
        intent = "feedback_helpful" if helpful else "feedback_not_helpful"
        return self._act("action_record_feedback", user_event(f"/{intent}", intent))

    def _act(self, action: str, event: dict[str, Any]) -> dict[str, Any]:
        self.events.append(event)
        call = action_call(action, self.sender, events=list(self.events), slots=dict(self.slots))
        result = run(self.client, call)
        run(self.client, call)  # Rasa may run the same action twice
        self.slots.update(slots_in(result))
        return result


def choices(result: dict[str, Any]) -> list[str]:
    return [b["payload"] for b in result["responses"][0].get("buttons", [])]


def decision(client: TestClient, query: str) -> dict[str, Any]:
    response = client.post("/api/v1/faq/answer", json={"query": query})
    assert response.status_code == 200, response.text
    return response.json()


def phrasings(session: Session) -> list[LearnedPhrasing]:
    session.expire_all()
    return list(session.scalars(select(LearnedPhrasing).order_by(LearnedPhrasing.id)))


def test_the_question_is_one_the_faq_only_clarifies(client: TestClient, seeded: Session) -> None:
    result = decision(client, CLARIFIED)
    assert result["decision"] == "clarify" and PICKED in result["faq_ids"]


def test_two_conversations_choosing_the_same_entry_teach_the_search(
    client: TestClient, seeded: Session
) -> None:
    first = Conversation(client, "web:first")
    offered = first.ask(CLARIFIED)
    assert any(PICKED in payload for payload in choices(offered))
    first.choose(PICKED)
    [pending] = phrasings(seeded)
    assert (pending.faq_id, pending.state, pending.confirmations) == (PICKED, "pending", 1)
    assert pending.source == "chose" and pending.text == CLARIFIED
    assert decision(client, CLARIFIED)["decision"] == "clarify"  # one conversation is not enough

    # The same conversation choosing again (and Rasa's retries) still counts once.
    first.ask(CLARIFIED)
    first.choose(PICKED)
    assert phrasings(seeded)[0].confirmations == 1

    second = Conversation(client, "web:second")
    second.ask(CLARIFIED)
    second.choose(PICKED)
    [active] = phrasings(seeded)
    assert (active.state, active.confirmations) == ("active", 2)
    assert active.activated_at is not None
    # At once, without retraining: the next citizen asking so gets the answer.
    assert decision(client, CLARIFIED) == {"decision": "answer", "faq_ids": [PICKED]}
    third = Conversation(client, "web:third")
    answered = third.ask(CLARIFIED)
    assert answered["responses"][0]["text"].startswith("街灯の球切れは")
    # Conversations are told apart by a hash; no sender id is stored.
    hashes = set(seeded.scalars(select(PhrasingConfirmation.conversation_hash)))
    assert hashes == {
        learning.conversation_hash("web:first"),
        learning.conversation_hash("web:second"),
    }
    assert not any("web:" in h for h in hashes)


def test_not_helpful_withdraws_and_never_counts(client: TestClient, seeded: Session) -> None:
    for sender in ("web:a", "web:b"):
        conversation = Conversation(client, sender)
        conversation.ask(CLARIFIED)
        conversation.choose(PICKED)
    assert phrasings(seeded)[0].state == "active"

    # b says the answer did not help: its confirmation is withdrawn, the phrasing is pending again.
    b = Conversation(client, "web:b")
    b.ask(CLARIFIED)
    b.choose(PICKED)
    b.feedback(helpful=False)
    [phrasing] = phrasings(seeded)
    assert (phrasing.state, phrasing.confirmations) == ("pending", 1)
    assert decision(client, CLARIFIED)["decision"] == "clarify"
    # b choosing again, or saying 役に立った later, does not count any more.
    b.ask(CLARIFIED)
    b.choose(PICKED)
    b.feedback(helpful=True)
    assert phrasings(seeded)[0].confirmations == 1

    # A pick followed by 役に立たなかった never counts at all.
    c = Conversation(client, "web:c")
    c.ask(CLARIFIED)
    c.choose(PICKED)
    c.feedback(helpful=False)
    assert phrasings(seeded)[0].confirmations == 1

    d = Conversation(client, "web:d")
    d.ask(CLARIFIED)
    d.choose(PICKED)
    d.feedback(helpful=True)
    assert (phrasings(seeded)[0].state, phrasings(seeded)[0].confirmations) == ("active", 2)


def test_helpful_under_an_answer_confirms_the_question(client: TestClient, seeded: Session) -> None:
    question = "住民票をコンビニで取りたい"  # answered, though not in the entry's own words
    for sender in ("web:h1", "web:h2"):
        conversation = Conversation(client, sender)
        answered = conversation.ask(question)
        assert answered["responses"][0]["text"].startswith("住民票の写しは")
        conversation.feedback(helpful=True)
    [phrasing] = phrasings(seeded)
    assert (phrasing.faq_id, phrasing.source, phrasing.state) == ("F2", "helpful", "active")
    assert phrasing.text == question


def test_a_crafted_choice_of_an_entry_not_offered_teaches_nothing(
    client: TestClient, seeded: Session
) -> None:
    for sender in ("web:x1", "web:x2"):
        conversation = Conversation(client, sender)
        conversation.ask(CLARIFIED)
        answered = conversation.choose("F2")  # 住民票: never offered for this question
        assert answered["responses"][0]["text"].startswith("住民票の写しは")
    assert phrasings(seeded) == []


def test_the_threshold_is_a_setting(
    client: TestClient, seeded: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.core.config import get_settings

    monkeypatch.setenv("MADOGUCHI_LEARN_MIN_CONVERSATIONS", "3")
    get_settings.cache_clear()
    try:
        for count, sender in enumerate(("web:t1", "web:t2", "web:t3"), start=1):
            conversation = Conversation(client, sender)
            conversation.ask(CLARIFIED)
            conversation.choose(PICKED)
            assert phrasings(seeded)[0].state == ("active" if count == 3 else "pending")
    finally:
        get_settings.cache_clear()


def test_personal_data_is_masked_before_it_is_learned(client: TestClient, seeded: Session) -> None:
    for sender, question in (
        ("web:p1", f"山田太郎です。電話は090-1234-5678 {CLARIFIED}"),
        ("web:p2", f"佐藤花子です。電話は080-9876-5432 {CLARIFIED}"),
    ):
        conversation = Conversation(client, sender)
        conversation.ask(question)
        conversation.choose(PICKED)
    # What masking replaced is dropped: both conversations confirmed the same wording.
    [phrasing] = phrasings(seeded)
    assert (phrasing.state, phrasing.confirmations) == ("active", 2)
    assert phrasing.text == f"です。電話は {CLARIFIED}"
    for personal in ("090-1234-5678", "080-9876-5432", "山田", "太郎", "佐藤", "花子"):
        assert personal not in phrasing.text


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", Rejection.empty),
        ("ですか？", Rejection.empty),
        ("道路", Rejection.vague),  # one word two entries share
        ("あ" * (MAX_PHRASING_CHARS + 1), Rejection.too_long),
        ("住民票の写しはどこで取れますか", Rejection.own_wording),  # F2's question
        ("住民票が欲しい", Rejection.own_wording),  # F2's listed alternative, other spelling
    ],
)
def test_what_is_not_learned(seeded: Session, text: str, reason: Rejection) -> None:
    index = knowledge_cache.get(seeded).index
    assert examine(index, text) == reason


def test_the_knowledge_rebuilds_only_when_the_learned_set_changes(
    client: TestClient, seeded: Session
) -> None:
    before = knowledge_cache.get(seeded)
    first = Conversation(client, "web:v1")
    first.ask(CLARIFIED)
    first.choose(PICKED)
    assert knowledge_cache.get(seeded) is before  # a pending phrasing changes nothing
    second = Conversation(client, "web:v2")
    second.ask(CLARIFIED)
    second.choose(PICKED)
    rebuilt = knowledge_cache.get(seeded)
    assert rebuilt is not before
    assert rebuilt.index.document(PICKED).learned == (CLARIFIED,)
    assert decide(rebuilt.index, CLARIFIED).decision == "answer"
