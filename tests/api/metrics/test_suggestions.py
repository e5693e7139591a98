"""Unanswered questions grouped into suggested FAQ entries, for administrators."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.cases.models import Case
from api.staff.models import StaffRole
from api.staff.service import add_staff

PERIOD = {"from": "2026-04-27", "to": "2026-05-10"}


def test_suggestions_group_unanswered_questions(
    client: TestClient, auth: dict[str, str], scenario: dict[str, Case]
) -> None:
    response = client.get("/api/v1/metrics/faq-suggestions", params=PERIOD, headers=auth)
    assert response.status_code == 200, response.text
    park, dog = response.json()
    assert park["question"] == "公園の遊具が壊れていて危ないです"
    assert park["count"] == 2
    assert park["examples"] == ["公園の遊具が壊れていて危ないです", "公園の遊具が壊れています"]
    # No case came of it: the router names the department (the test directory has no parks
    # department, so whichever it picks must be one of the directory's).
    assert park["department_source"] == "routing"
    assert park["department"] in {"roads", "waste", "residents", "general"}
    assert dog == {
        "question": "犬の登録をしたいです。電話は［電話番号］です",
        "count": 1,
        "examples": ["犬の登録をしたいです。電話は［電話番号］です"],
        "department": "general",
        "department_source": "cases",
    }


def test_suggestions_are_for_administrators(
    client: TestClient, scenario: dict[str, Case], seeded: Session
) -> None:
    add_staff(seeded, "ito-cc", "a long enough password", StaffRole.call_center, [], actor="t")
    seeded.commit()
    token = client.post(
        "/api/v1/auth/token", data={"username": "ito-cc", "password": "a long enough password"}
    ).json()["access_token"]
    response = client.get(
        "/api/v1/metrics/faq-suggestions",
        params=PERIOD,
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 403
