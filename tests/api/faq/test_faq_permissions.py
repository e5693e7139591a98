"""The FAQ is the city's voice: only administrators create, edit or delete entries. Department
staff and the call centre read them (they answer citizens with them) and get a 403 with a
precise code for a write, which changes nothing and is not audited."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.audit.service import entries_for
from api.staff.models import StaffRole
from api.staff.service import add_staff

PASSWORD = "correct horse battery staple"
ENTRY = {
    "question": "粗大ごみの出し方",
    "answer": "偽の窓口へ電話してください。",
    "answer_easy": "にせの まどぐちに 電話してください。",
    "department": "waste",
}


@pytest.fixture
def sign_in(client: TestClient, seeded: Session) -> Callable[[str], dict[str, str]]:
    add_staff(seeded, "road-sato", PASSWORD, StaffRole.department_staff, ["waste"], actor="test")
    add_staff(seeded, "callcenter-ito", PASSWORD, StaffRole.call_center, [], actor="test")
    seeded.commit()

    def headers(username: str) -> dict[str, str]:
        response = client.post(
            "/api/v1/auth/token", data={"username": username, "password": PASSWORD}
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    return headers


@pytest.mark.parametrize("username", ["road-sato", "callcenter-ito"])
def test_staff_who_are_not_administrators_cannot_change_the_faq(
    client: TestClient, seeded: Session, sign_in: Callable, auth: dict[str, str], username: str
) -> None:
    headers = sign_in(username)
    before = client.get("/api/v1/faq/F1", headers=headers)
    assert before.status_code == 200  # reading is every staff member's work

    writes = [
        client.put("/api/v1/faq/F1", json=ENTRY, headers=headers),
        client.post("/api/v1/faq", json={"id": "F99", **ENTRY}, headers=headers),
        client.delete("/api/v1/faq/F1", headers=headers),
    ]
    for response in writes:
        assert response.status_code == 403, response.text
        assert response.json()["error"]["code"] == "forbidden"

    assert client.get("/api/v1/faq/F1", headers=headers).json() == before.json()
    assert client.get("/api/v1/faq/F99", headers=auth).status_code == 404
    assert not [e for e in entries_for(seeded, "faq", "F1") if e.action.startswith("faq.")]


def test_an_administrator_edits_the_faq(
    client: TestClient, seeded: Session, auth: dict[str, str]
) -> None:
    response = client.put("/api/v1/faq/F1", json=ENTRY, headers=auth)
    assert response.status_code == 200, response.text
    entry = client.get("/api/v1/faq/F1", headers=auth).json()
    assert entry["answer"] == ENTRY["answer"] and entry["answer_easy"] == ENTRY["answer_easy"]
