"""While one request rebuilds the knowledge after an edit, the others answer with the previous
knowledge instead of waiting; a staff edit is rebuilt before its response."""

from __future__ import annotations

import threading

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.faq import knowledge as knowledge_module
from api.faq.knowledge import KnowledgeCache, knowledge_cache
from api.faq.models import FaqEntry


def test_a_rebuild_in_progress_does_not_block_readers(
    seeded: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = KnowledgeCache()
    first = cache.get(seeded)
    seeded.get(FaqEntry, "F1").answer = "新しい回答。"
    seeded.commit()

    started, release = threading.Event(), threading.Event()
    real_build = knowledge_module._build

    def slow_build(session: Session) -> knowledge_module.Knowledge:
        started.set()
        assert release.wait(10)
        return real_build(session)

    monkeypatch.setattr(knowledge_module, "_build", slow_build)
    rebuilt: list[knowledge_module.Knowledge] = []
    # The edit's request rebuilds; it holds the session until `release` (never two threads on
    # the session at once).
    worker = threading.Thread(target=lambda: rebuilt.append(cache.refresh(seeded)))
    worker.start()
    assert started.wait(10)
    # A reader during the rebuild gets the previous knowledge at once.
    assert cache.get(seeded) is first
    release.set()
    worker.join(10)
    assert rebuilt and rebuilt[0].index.document("F1").answer == "新しい回答。"
    assert cache.get(seeded) is rebuilt[0]


def test_a_staff_edit_is_in_the_knowledge_when_it_returns(
    client: TestClient, seeded: Session, auth: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    knowledge_cache.get(seeded)
    builds: list[int] = []
    real_build = knowledge_module._build

    def counting_build(session: Session) -> knowledge_module.Knowledge:
        builds.append(1)
        return real_build(session)

    monkeypatch.setattr(knowledge_module, "_build", counting_build)
    entry = {
        "question": "粗大ごみの出し方",
        "answer": "新しい粗大ごみの案内。",
        "department": "waste",
    }
    assert client.put("/api/v1/faq/F1", json=entry, headers=auth).status_code == 200
    assert builds == [1]  # rebuilt inside the edit's request
    answer = client.post("/api/v1/faq/search", json={"query": "粗大ごみの出し方", "top": 1})
    assert answer.json()[0]["faq_id"] == "F1" and builds == [1]  # no second build
