"""POST /api/v1/triage: the department for an inquiry, with a confidence and two alternatives."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session


def test_an_inquiry_is_routed(client: TestClient, seeded: Session) -> None:
    response = client.post("/api/v1/triage", json={"text": "道路に穴があいていて危ない"})
    assert response.status_code == 200
    body = response.json()
    assert body["department"] == "roads"
    assert 0.0 < body["confidence"] <= 1.0
    assert len(body["alternatives"]) == 2 and "roads" not in body["alternatives"]
    assert len(body["alternative_confidences"]) == 2


def test_the_directory_names_a_department_without_faq(client: TestClient, seeded: Session) -> None:
    body = client.post("/api/v1/triage", json={"text": "住民票の写しがほしい"}).json()
    assert body["department"] == "residents"


def test_an_empty_knowledge_base_gives_no_department(client: TestClient, session: Session) -> None:
    body = client.post("/api/v1/triage", json={"text": "道路に穴"}).json()
    assert body == {
        "department": None,
        "confidence": 0.0,
        "alternatives": [],
        "alternative_confidences": [],
    }


def test_bad_texts_are_422(client: TestClient, seeded: Session) -> None:
    for body in ({"text": ""}, {"text": " "}, {"text": "穴" * 2001}, {"query": "道路"}):
        response = client.post("/api/v1/triage", json=body)
        assert response.status_code == 422, body
        assert response.json()["error"]["code"] == "invalid_request"
