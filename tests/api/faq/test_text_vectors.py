"""Sentence vectors are stored with the knowledge and computed only for texts that changed."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.faq import knowledge as knowledge_module
from api.faq.knowledge import KnowledgeCache
from api.faq.models import FaqEntry
from api.faq.search import encoders as encoders_module
from api.faq.search.encoders import Encoder, get_encoder
from api.faq.text_vectors import FaqTextVector, text_vector_store, vector_key


class Counting:
    """The real encoder, counting the passages it embeds."""

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.embedded: list[str] = []

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.queries(texts)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        self.embedded.extend(texts)
        return self.inner.passages(texts)


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Counting]]:
    wrapped = {kind: Counting(get_encoder(kind)) for kind in ("e5", "use")}  # type: ignore[arg-type]
    monkeypatch.setattr(knowledge_module, "default_encoders", lambda: wrapped)
    text_vector_store.forget()
    yield wrapped
    text_vector_store.forget()


def stored(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(FaqTextVector)) or 0


def test_a_build_stores_each_text_once_and_a_restart_embeds_nothing(
    seeded: Session, counting: dict[str, Counting]
) -> None:
    before = stored(seeded)
    knowledge = KnowledgeCache().get(seeded)
    texts = {kind: len(set(c.embedded)) for kind, c in counting.items()}
    assert texts["e5"] >= 7 and texts["use"] >= 7  # questions and alternatives of the demo FAQ
    assert stored(seeded) - before == texts["e5"] + texts["use"]
    key = vector_key(counting["e5"].name, "粗大ごみの出し方を教えてください")
    row = seeded.get(FaqTextVector, key)
    assert row is not None and row.dim == counting["e5"].dim
    assert knowledge.index.search("粗大ごみの出し方を教えてください", 1)[0].faq_id == "F1"

    for c in counting.values():
        c.embedded.clear()
    text_vector_store.forget()  # a new process: only the database knows the vectors
    KnowledgeCache().get(seeded)
    assert all(not c.embedded for c in counting.values())


def test_a_staff_edit_embeds_only_the_changed_text(
    client: TestClient, seeded: Session, auth: dict[str, str], counting: dict[str, Counting]
) -> None:
    knowledge_module.knowledge_cache.get(seeded)
    for c in counting.values():
        c.embedded.clear()
    entry = {
        "question": "粗大ごみの出し方を教えてください",
        "answer": "粗大ごみは事前申込制です。"
        "粗大ごみ受付センターに電話で申し込み、処理券を貼って出してください。",
        "department": "waste",
        "alternatives": ["大きなごみを捨てたい", "家具の捨て方", "ソファを処分したい"],
    }
    assert client.put("/api/v1/faq/F1", json=entry, headers=auth).status_code == 200
    assert counting["e5"].embedded == ["ソファを処分したい"]
    assert len(counting["use"].embedded) == 1
    assert counting["use"].embedded[0].startswith("ソファを処分したい 粗大ごみは事前申込制です")
    found = client.post("/api/v1/faq/search", json={"query": "ソファを処分したい", "top": 1})
    assert found.json()[0]["faq_id"] == "F1"


def test_the_knowledge_finds_japanese_entries_for_an_english_question(seeded: Session) -> None:
    knowledge = KnowledgeCache().get(seeded)
    hits = knowledge.search_by_meaning("How do I dispose of large garbage?", top=3)
    assert hits[0].faq_id == "F1"


def test_a_changed_encoder_version_does_not_reuse_vectors(seeded: Session) -> None:
    use = get_encoder("use")
    assert use is not None
    assert vector_key(use.name, "住民票") != vector_key(use.name + "+1", "住民票")
    assert vector_key(use.name, "住民票") != vector_key(use.name, "住民票 ")


def test_without_encoders_the_search_is_lexical(
    seeded: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MADOGUCHI_SENTENCE_ENCODERS", "none")
    assert encoders_module.default_encoders() == {}
    knowledge = KnowledgeCache().get(seeded)
    assert knowledge.index.meaning == {}
    assert knowledge.search_by_meaning("How do I dispose of large garbage?") == []
    assert knowledge.index.search("粗大ごみの出し方", 1)[0].faq_id == "F1"
    assert seeded.get(FaqEntry, "F1") is not None
