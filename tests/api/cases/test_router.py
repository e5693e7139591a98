from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.cases.service import open_case
from tests.api.cases.test_service import new_case, route_to_roads


def _open(session: Session, **overrides: object) -> str:
    case, _ = open_case(session, new_case(**overrides), route=route_to_roads, actor="bot")
    session.commit()
    return case.case_number


def test_cases_need_a_valid_token(client: TestClient, seeded: Session) -> None:
    assert client.get("/api/v1/cases").status_code == 401
    wrong = client.get("/api/v1/cases", headers={"Authorization": "Bearer not-the-token"})
    assert wrong.status_code == 401
    assert wrong.json()["error"]["code"] == "unauthorized"
    assert wrong.headers["WWW-Authenticate"] == "Bearer"
    basic = client.get("/api/v1/cases", headers={"Authorization": "Basic abc"})
    assert basic.status_code == 401


def test_list_filters_by_department_and_status(
    client: TestClient, seeded: Session, auth: dict[str, str]
) -> None:
    road = _open(seeded)
    waste = _open(seeded, department="waste", sender_id="web:2")
    everything = client.get("/api/v1/cases", headers=auth).json()
    assert everything["total"] == 2
    assert {c["case_number"] for c in everything["items"]} == {road, waste}

    road_item = next(c for c in everything["items"] if c["case_number"] == road)
    assert road_item["sla"]["first_response"]["target_hours"] == 4  # the roads directory entry
    assert road_item["sla"]["first_response"]["stopped_at"] is None  # nobody answered yet
    assert road_item["sla"]["resolution"]["target_hours"] == 40

    only_waste = client.get("/api/v1/cases", params={"department": "waste"}, headers=auth).json()
    assert [c["case_number"] for c in only_waste["items"]] == [waste]
    assert only_waste["items"][0]["department"] == "waste"

    resolved = client.get("/api/v1/cases", params={"status": "resolved"}, headers=auth).json()
    assert resolved["total"] == 0
    bad = client.get("/api/v1/cases", params={"status": "lost"}, headers=auth)
    assert bad.status_code == 422
    assert "status" in bad.json()["error"]["message"]


def test_case_detail_and_changes(client: TestClient, seeded: Session, auth: dict[str, str]) -> None:
    number = _open(seeded)
    detail = client.get(f"/api/v1/cases/{number}", headers=auth).json()
    assert detail["description"].startswith("緑町3丁目")
    assert detail["routing_alternatives"][0] == {"department": "waste", "confidence": 0.15}

    assigned = client.post(
        f"/api/v1/cases/{number}/assign", json={"assignee": "山田"}, headers=auth
    ).json()
    assert assigned["assignee"] == "山田"

    moved = client.post(
        f"/api/v1/cases/{number}/transfer",
        json={"department": "waste", "reason": "不法投棄の案件のため"},
        headers=auth,
    )
    assert moved.status_code == 200
    assert moved.json()["department"] == "waste" and moved.json()["transfer_count"] == 1

    commented = client.post(
        f"/api/v1/cases/{number}/comments", json={"body": "現地確認済み"}, headers=auth
    ).json()
    assert commented["events"][-1]["kind"] == "commented"

    resolved = client.post(
        f"/api/v1/cases/{number}/status",
        json={"status": "resolved", "message": "撤去しました"},
        headers=auth,
    ).json()
    assert resolved["status"] == "resolved"
    kinds = [e["kind"] for e in resolved["events"]]
    # A web case: the citizen is told (like a reply) and asked for the survey.
    assert kinds == [
        "created",
        "assigned",
        "transferred",
        "commented",
        "status_changed",
        "replied",
        "survey_sent",
    ]


def test_bad_changes_get_precise_4xx(
    client: TestClient, seeded: Session, auth: dict[str, str]
) -> None:
    number = _open(seeded)
    assert client.get("/api/v1/cases/2026-999999", headers=auth).status_code == 404
    no_reason = client.post(
        f"/api/v1/cases/{number}/transfer",
        json={"department": "waste", "reason": "  "},
        headers=auth,
    )
    assert no_reason.status_code == 422
    unknown = client.post(
        f"/api/v1/cases/{number}/transfer", json={"department": "nope", "reason": "x"}, headers=auth
    )
    assert unknown.status_code == 404
    same = client.post(
        f"/api/v1/cases/{number}/transfer",
        json={"department": "roads", "reason": "x"},
        headers=auth,
    )
    assert same.status_code == 409
    not_json = client.post(
        f"/api/v1/cases/{number}/comments",
        content=b"{not json",
        headers={**auth, "Content-Type": "application/json"},
    )
    assert not_json.status_code == 422
    resolve_silently = client.post(
        f"/api/v1/cases/{number}/status", json={"status": "resolved"}, headers=auth
    )
    assert resolve_silently.status_code == 422


def test_departments_are_listed(client: TestClient, seeded: Session) -> None:
    codes = [d["code"] for d in client.get("/api/v1/departments").json()]
    assert codes == sorted(codes) and {"roads", "waste", "residents", "general"} <= set(codes)


def test_call_centre_opens_a_phone_case(
    client: TestClient, seeded: Session, auth: dict[str, str]
) -> None:
    body = {"description": "緑町の街灯が切れていると電話がありました", "contact": "090-0000-1111"}
    headers = {**auth, "Idempotency-Key": "call-0001"}
    first = client.post("/api/v1/cases", json=body, headers=headers)
    assert first.status_code == 201, first.text
    case = first.json()
    assert case["channel"] == "phone" and case["kind"] == "inquiry"
    assert case["department"] == "roads" and case["routing_confidence"] is not None
    again = client.post("/api/v1/cases", json=body, headers=headers)  # a retried request
    assert again.json()["case_number"] == case["case_number"]

    chosen = client.post(
        "/api/v1/cases", json={**body, "department": "general", "kind": "report"}, headers=auth
    ).json()
    assert chosen["department"] == "general" and chosen["case_number"] != case["case_number"]
    assert client.post("/api/v1/cases", json={"description": " "}, headers=auth).status_code == 422
    assert client.post("/api/v1/cases", json=body).status_code == 401
