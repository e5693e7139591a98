from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.audit.service import entries_for


def test_faq_changes_are_audited(client: TestClient, seeded: Session, auth: dict[str, str]) -> None:
    entry = {"id": "N1", "question": "犬の登録は？", "answer": "市役所で登録します。"}
    assert client.post("/api/v1/faq", json=entry, headers=auth).status_code == 201
    changed = {"question": "犬の登録はどこで？", "answer": "環境保全課で登録します。"}
    assert client.put("/api/v1/faq/N1", json=changed, headers=auth).status_code == 200
    assert client.delete("/api/v1/faq/N1", headers=auth).status_code == 204
    log = [(e.action, e.before, e.after) for e in entries_for(seeded, "faq", "N1")]
    assert [action for action, _, _ in log] == ["faq.created", "faq.updated", "faq.deleted"]
    assert log[1][1]["answer"] == "市役所で登録します。"
    assert log[1][2]["answer"] == "環境保全課で登録します。"
    assert log[2][1]["question"] == "犬の登録はどこで？" and log[2][2] is None
