"""Staff sign in with the OAuth2 password flow; department staff see and change only their
departments' cases (anything else is a 404); every action lands in the audit log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.audit.service import entries_for
from api.cases.service import open_case
from api.core.errors import ConflictError
from api.staff.models import StaffRole, StaffToken
from api.staff.passwords import WeakPasswordError
from api.staff.service import add_staff
from tests.api.cases.test_service import new_case, route_to_roads

PASSWORD = "correct horse battery staple"


@pytest.fixture
def staff(seeded: Session) -> Session:
    add_staff(seeded, "road-sato", PASSWORD, StaffRole.department_staff, ["roads"], actor="test")
    add_staff(seeded, "callcenter-ito", PASSWORD, StaffRole.call_center, [], actor="test")
    seeded.commit()
    return seeded


@pytest.fixture
def login(client: TestClient, staff: Session) -> Callable[[str], dict[str, str]]:
    def sign_in(username: str) -> dict[str, str]:
        response = client.post(
            "/api/v1/auth/token", data={"username": username, "password": PASSWORD}
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    return sign_in


def _cases(session: Session) -> tuple[str, str]:
    road, _ = open_case(session, new_case(), route=route_to_roads, actor="bot")
    waste, _ = open_case(
        session, new_case(department="waste", sender_id="web:2"), route=route_to_roads, actor="bot"
    )
    session.commit()
    return road.case_number, waste.case_number


def test_token_flow(client: TestClient, staff: Session) -> None:
    response = client.post(
        "/api/v1/auth/token", data={"username": "road-sato", "password": PASSWORD}
    )
    body = response.json()
    assert body["token_type"] == "bearer" and body["role"] == "department_staff"
    assert body["departments"] == ["roads"] and body["expires_in"] == 10 * 3600
    stored = staff.query(StaffToken).one()
    assert body["access_token"] not in stored.token_hash  # only the hash is kept

    for username, password in [("road-sato", "wrong password!!"), ("nobody", PASSWORD)]:
        denied = client.post(
            "/api/v1/auth/token", data={"username": username, "password": password}
        )
        assert denied.status_code == 401
        assert denied.json()["error"]["message"] == "ユーザー名またはパスワードが違います。"
    assert client.post("/api/v1/auth/token", data={"username": "x"}).status_code == 422


def test_expired_token_is_refused(
    client: TestClient, staff: Session, login: Callable[[str], dict[str, str]]
) -> None:
    headers = login("road-sato")
    token = staff.query(StaffToken).one()
    token.expires_at = token.created_at - timedelta(seconds=1)
    staff.commit()
    response = client.get("/api/v1/cases", headers=headers)
    assert response.status_code == 401


def test_department_staff_see_only_their_cases(
    client: TestClient, staff: Session, login: Callable[[str], dict[str, str]]
) -> None:
    road, waste = _cases(staff)
    headers = login("road-sato")
    listed = client.get("/api/v1/cases", headers=headers).json()
    assert [c["case_number"] for c in listed["items"]] == [road] and listed["total"] == 1
    filtered = client.get("/api/v1/cases", params={"department": "waste"}, headers=headers).json()
    assert filtered["total"] == 0

    assert client.get(f"/api/v1/cases/{road}", headers=headers).status_code == 200
    changes = [
        ("get", f"/api/v1/cases/{waste}", None),
        ("post", f"/api/v1/cases/{waste}/assign", {"assignee": "佐藤"}),
        ("post", f"/api/v1/cases/{waste}/transfer", {"department": "roads", "reason": "x"}),
        ("post", f"/api/v1/cases/{waste}/comments", {"body": "見えないはず"}),
        ("post", f"/api/v1/cases/{waste}/status", {"status": "in_progress"}),
        ("post", f"/api/v1/cases/{waste}/replies", {"body": "返信"}),
    ]
    for method, url, body in changes:
        response = client.request(method, url, json=body, headers=headers)
        assert response.status_code == 404, (url, response.text)
    untouched = client.get(
        f"/api/v1/cases/{waste}", headers=login("callcenter-ito")
    ).json()  # the call centre sees every department
    assert [e["kind"] for e in untouched["events"]] == ["created"]


def test_staff_actions_are_audited(
    client: TestClient, staff: Session, login: Callable[[str], dict[str, str]]
) -> None:
    road, _ = _cases(staff)
    headers = login("road-sato")
    client.post(f"/api/v1/cases/{road}/assign", json={"assignee": "佐藤"}, headers=headers)
    client.post(f"/api/v1/cases/{road}/comments", json={"body": "現地確認へ"}, headers=headers)
    client.post(f"/api/v1/cases/{road}/status", json={"status": "in_progress"}, headers=headers)
    client.post(
        f"/api/v1/cases/{road}/transfer",
        json={"department": "waste", "reason": "不法投棄のため"},
        headers=headers,
    )
    entries = [(e.actor, e.action, e.before, e.after) for e in entries_for(staff, "case", road)]
    assert entries == [
        ("bot", "case.created", None, {"department": "roads"}),
        ("road-sato", "case.assigned", {"value": None}, {"value": "佐藤"}),
        ("road-sato", "case.commented", None, {"body": "現地確認へ"}),
        ("road-sato", "case.status_changed", {"value": "new"}, {"value": "in_progress"}),
        (
            "road-sato",
            "case.transferred",
            {"value": "roads"},
            {"value": "waste", "reason": "不法投棄のため"},
        ),
    ]
    # Transferred away: the case is now out of this person's reach.
    assert client.get(f"/api/v1/cases/{road}", headers=headers).status_code == 404


def test_account_rules(staff: Session) -> None:
    with pytest.raises(ConflictError):
        add_staff(staff, "road-sato", PASSWORD, StaffRole.admin, [], actor="test")
    with pytest.raises(ConflictError):
        add_staff(staff, "nobody-dept", PASSWORD, StaffRole.department_staff, [], actor="test")
    with pytest.raises(WeakPasswordError, match="12 characters"):
        add_staff(staff, "short", "short", StaffRole.admin, [], actor="test")
    # The names the history gives to the bot, the citizen and automatic changes.
    for reserved in ("system", "Citizen", "bot"):
        with pytest.raises(ConflictError, match="reserved"):
            add_staff(staff, reserved, PASSWORD, StaffRole.admin, [], actor="test")


def test_console_session_needs_csrf_for_changes(client: TestClient, staff: Session) -> None:
    road, _ = _cases(staff)
    signed_in = client.post(
        "/api/v1/auth/session", json={"username": "road-sato", "password": PASSWORD}
    )
    assert signed_in.status_code == 200
    assert signed_in.json() == {
        "username": "road-sato",
        "role": "department_staff",
        "departments": ["roads"],
    }
    cookie_header = signed_in.headers.get_list("set-cookie")
    assert any("madoguchi_session=" in c and "HttpOnly" in c for c in cookie_header)
    assert any("SameSite=strict" in c for c in cookie_header)
    csrf = client.cookies["madoguchi_csrf"]

    assert client.get("/api/v1/auth/me").json()["username"] == "road-sato"
    assert client.get(f"/api/v1/cases/{road}").status_code == 200  # reads need no CSRF
    forged = client.post(f"/api/v1/cases/{road}/comments", json={"body": "偽の依頼"})
    assert forged.status_code == 403 and forged.json()["error"]["code"] == "csrf"
    wrong = client.post(
        f"/api/v1/cases/{road}/comments", json={"body": "x"}, headers={"X-CSRF-Token": "0" * 64}
    )
    assert wrong.status_code == 403
    ok = client.post(
        f"/api/v1/cases/{road}/comments",
        json={"body": "確認します"},
        headers={"X-CSRF-Token": csrf},
    )
    assert ok.status_code == 200

    assert client.delete("/api/v1/auth/session", headers={"X-CSRF-Token": csrf}).status_code == 204
    client.cookies.clear()
    assert client.get("/api/v1/auth/me").status_code == 401
    assert staff.query(StaffToken).count() == 0  # the session was revoked, not just forgotten
