"""The FAQ over HTTP: staff CRUD with precise 4xx, public search and answer, and the bot using
an edit at once."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.faq.knowledge import knowledge_cache
from api.faq.models import FaqEntry
from tests.actions.payloads import action_call, user_event

NEW = {
    "id": "F9",
    "question": "犬の登録はどこでしますか",
    "answer": "飼い犬の登録は生活衛生の窓口で受け付けます。",
    "department": "general",
    "alternatives": ["犬を飼い始めた"],
    "tags": ["ペット"],
    "url": "https://www.city.midorino.example/pet",
    "question_en": "Where do I register my dog?",
    "answer_en": "Dog registration is done at the environmental health counter.",
    "answer_easy": "犬の 登録は、生活衛生の まどぐちで します。",
}


def bot_answer(client: TestClient, question: str) -> str:
    response = client.post(
        "/webhook", json=action_call("action_answer_faq", events=[user_event(question)])
    )
    assert response.status_code == 200, response.text
    return response.json()["responses"][0]["text"]


def test_editing_needs_a_staff_token(client: TestClient, seeded: Session) -> None:
    bad = {"Authorization": "Bearer not-the-token-at-all"}
    for method, path, body in [
        ("GET", "/api/v1/faq", None),
        ("GET", "/api/v1/faq/F1", None),
        ("POST", "/api/v1/faq", NEW),
        ("PUT", "/api/v1/faq/F1", {k: v for k, v in NEW.items() if k != "id"}),
        ("DELETE", "/api/v1/faq/F1", None),
    ]:
        for headers in ({}, bad):
            response = client.request(method, path, json=body, headers=headers)
            assert response.status_code == 401, (method, path, response.text)
            assert response.json()["error"]["code"] == "unauthorized"


def test_list_and_read(client: TestClient, seeded: Session, auth: dict[str, str]) -> None:
    page = client.get("/api/v1/faq?limit=2&offset=1", headers=auth).json()
    assert page["total"] == 4 and [e["id"] for e in page["items"]] == ["F2", "F3"]
    roads = client.get("/api/v1/faq?department=roads", headers=auth).json()
    assert [e["id"] for e in roads["items"]] == ["F3", "F4"]
    entry = client.get("/api/v1/faq/F1", headers=auth).json()
    assert entry["department"] == "waste" and entry["alternatives"][0] == "大きなごみを捨てたい"
    assert client.get("/api/v1/faq?limit=0", headers=auth).status_code == 422
    # An offset beyond 64 bits is a 422, not a database overflow.
    huge = client.get(f"/api/v1/faq?offset={2**70}", headers=auth)
    assert huge.status_code == 422 and "offset" in huge.json()["error"]["message"]
    assert client.get(f"/api/v1/cases?offset={2**70}", headers=auth).status_code == 422


def test_create_update_delete(client: TestClient, seeded: Session, auth: dict[str, str]) -> None:
    created = client.post("/api/v1/faq", json=NEW, headers=auth)
    assert created.status_code == 201 and created.json() == NEW
    body = {**{k: v for k, v in NEW.items() if k != "id"}, "department": "市民課"}
    updated = client.put("/api/v1/faq/F9", json=body, headers=auth)
    assert updated.status_code == 200 and updated.json()["department"] == "residents"
    assert client.delete("/api/v1/faq/F9", headers=auth).status_code == 204
    assert client.get("/api/v1/faq/F9", headers=auth).status_code == 404


def test_english_text_is_optional_and_blank_means_none(
    client: TestClient, seeded: Session, auth: dict[str, str]
) -> None:
    body = {k: v for k, v in NEW.items() if k not in ("question_en", "answer_en")}
    created = client.post("/api/v1/faq", json=body, headers=auth)
    assert created.status_code == 201
    assert created.json()["question_en"] is None and created.json()["answer_en"] is None
    content = {k: v for k, v in NEW.items() if k != "id"}
    blank = client.put("/api/v1/faq/F9", json={**content, "answer_en": "  "}, headers=auth)
    assert blank.status_code == 200 and blank.json()["answer_en"] is None
    assert blank.json()["question_en"] == "Where do I register my dog?"
    read = client.get("/api/v1/faq/F9", headers=auth).json()
    assert read["question_en"] == "Where do I register my dog?" and read["answer_en"] is None


def test_precise_client_errors(client: TestClient, seeded: Session, auth: dict[str, str]) -> None:
    duplicate = client.post("/api/v1/faq", json={**NEW, "id": "F1"}, headers=auth)
    assert duplicate.status_code == 409 and duplicate.json()["error"]["code"] == "conflict"
    for missing in ("/api/v1/faq/NOPE",):
        assert client.get(missing, headers=auth).status_code == 404
        assert client.delete(missing, headers=auth).status_code == 404
        put = client.put(missing, json={"question": "q", "answer": "a"}, headers=auth)
        assert put.status_code == 404 and put.json()["error"]["code"] == "not_found"
    for bad in (
        {**NEW, "question": ""},
        {**NEW, "id": ""},
        {**NEW, "id": "x" * 65},
        {k: v for k, v in NEW.items() if k != "answer"},
        {**NEW, "alternatives": "not a list"},
    ):
        response = client.post("/api/v1/faq", json=bad, headers=auth)
        assert response.status_code == 422, bad
        assert response.json()["error"]["code"] == "invalid_request"
    unknown = client.post("/api/v1/faq", json={**NEW, "department": "nope"}, headers=auth)
    assert unknown.status_code == 422 and unknown.json()["error"]["code"] == "unknown_department"
    not_json = client.post(
        "/api/v1/faq", content=b"{", headers={**auth, "Content-Type": "application/json"}
    )
    assert not_json.status_code == 422


def test_the_bot_uses_an_api_edit_at_once(
    client: TestClient, seeded: Session, auth: dict[str, str]
) -> None:
    assert bot_answer(client, "粗大ごみの出し方を教えて").startswith("粗大ごみは事前申込制です")
    body = client.get("/api/v1/faq/F1", headers=auth).json()
    body["answer"] = "粗大ごみはインターネットでも申し込めます。"
    assert client.put("/api/v1/faq/F1", json=body, headers=auth).status_code == 200
    assert bot_answer(client, "粗大ごみの出し方を教えて") == body["answer"]


def test_a_delete_then_a_create_is_seen(
    client: TestClient, seeded: Session, auth: dict[str, str]
) -> None:
    search = {"query": "犬の登録", "top": 3}
    before = client.post("/api/v1/faq/search", json=search).json()
    assert "F9" not in [h["faq_id"] for h in before]  # warms the knowledge cache
    # same count afterwards: only the version's other parts can tell
    assert client.delete("/api/v1/faq/F4", headers=auth).status_code == 204
    assert client.post("/api/v1/faq", json=NEW, headers=auth).status_code == 201
    hits = client.post("/api/v1/faq/search", json=search).json()
    assert hits[0]["faq_id"] == "F9" and "F4" not in [h["faq_id"] for h in hits]


def test_a_late_commit_with_an_older_timestamp_is_seen(seeded: Session) -> None:
    """An edit whose transaction commits after a newer one keeps count and max(updated_at)."""
    before = knowledge_cache.get(seeded)
    entries = {e.id: e for e in seeded.query(FaqEntry)}
    newest = max(e.updated_at for e in entries.values())
    oldest = min(entries.values(), key=lambda e: e.updated_at)
    if oldest.updated_at == newest:
        return  # every row written in the same microsecond: nothing to tell apart
    oldest.answer = "書き換えた回答。"
    oldest.updated_at = oldest.updated_at + (newest - oldest.updated_at) / 2
    seeded.commit()
    after = knowledge_cache.get(seeded)
    assert after is not before
    assert after.index.document(oldest.id).answer == "書き換えた回答。"


def test_search_and_answer_are_public(client: TestClient, seeded: Session) -> None:
    hits = client.post("/api/v1/faq/search", json={"query": "粗大ごみの出し方", "top": 2}).json()
    assert hits[0]["faq_id"] == "F1" and len(hits) <= 2
    assert set(hits[0]) == {"faq_id", "score", "question"}
    assert hits[0]["question"] == "粗大ごみの出し方を教えてください"
    answer = client.post("/api/v1/faq/answer", json={"query": "粗大ごみの出し方を教えて"})
    assert answer.json() == {"decision": "answer", "faq_ids": ["F1"]}
    nothing = client.post("/api/v1/faq/answer", json={"query": "市営住宅の家賃の減免制度"})
    assert nothing.json()["decision"] in {"escalate", "clarify"}


def test_bad_queries_are_422(client: TestClient, seeded: Session) -> None:
    for path in ("/api/v1/faq/search", "/api/v1/faq/answer"):
        for body in ({"query": ""}, {"query": "  \n "}, {"query": "あ" * 2001}, {}, {"query": 3}):
            response = client.post(path, json=body)
            assert response.status_code == 422, (path, body)
            assert response.json()["error"]["code"] == "invalid_request"
    for top in (0, 51):
        response = client.post("/api/v1/faq/search", json={"query": "ごみ", "top": top})
        assert response.status_code == 422


def test_the_bot_answers_from_an_imported_json_knowledge_base(
    client: TestClient, session: Session, tmp_path: Path
) -> None:
    from api.faq.json_format import read_faq_json
    from api.faq.service import import_faq

    path = tmp_path / "corpus.json"
    corpus = {
        "501": "Question: 犬の登録の手続きを知りたい\n"
        "Answer: 飼い犬は生後91日以降に登録が必要です。"
        "【お問い合わせ】。健康福祉局。生活衛生課。電話０６。",
        "502": "Question: 図書館の開館時間\nAnswer: 午前9時30分から午後7時までです。"
        "【お問い合わせ】。中央図書館。電話０６。",
    }
    path.write_text(json.dumps(corpus, ensure_ascii=False), encoding="utf-8")
    records, errors = read_faq_json(path)
    import_faq(session, records, errors=errors)
    session.commit()
    assert bot_answer(client, "犬の登録の手続きを知りたい").startswith("飼い犬は生後91日以降")
    routed = client.post("/api/v1/triage", json={"text": "飼い犬の登録をしたい"}).json()
    assert routed["department"] == "生活衛生課"


def test_the_easy_japanese_answer_is_optional_and_blank_means_none(
    client: TestClient, seeded: Session, auth: dict[str, str]
) -> None:
    body = {k: v for k, v in NEW.items() if k != "answer_easy"}
    created = client.post("/api/v1/faq", json=body, headers=auth)
    assert created.status_code == 201 and created.json()["answer_easy"] is None
    content = {k: v for k, v in NEW.items() if k != "id"}
    written = client.put("/api/v1/faq/F9", json=content, headers=auth)
    assert written.status_code == 200 and written.json()["answer_easy"] == NEW["answer_easy"]
    read = client.get("/api/v1/faq/F9", headers=auth).json()
    assert read["answer_easy"] == NEW["answer_easy"]
    blank = client.put("/api/v1/faq/F9", json={**content, "answer_easy": " "}, headers=auth)
    assert blank.status_code == 200 and blank.json()["answer_easy"] is None
