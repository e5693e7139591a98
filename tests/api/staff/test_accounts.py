"""Administrators list, create, disable, re-enable, re-role and reset staff accounts, and
revoke their tokens; a disabled account's tokens and console sessions stop working at once;
passwords must pass the policy, which says what to change."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.audit.service import entries_for
from api.staff.models import StaffRole
from api.staff.service import add_staff

PASSWORD = "correct horse battery staple"
URL = "/api/v1/staff/accounts"


@pytest.fixture
def staff(seeded: Session) -> Session:
    add_staff(seeded, "road-sato", PASSWORD, StaffRole.department_staff, ["roads"], actor="test")
    add_staff(seeded, "boss-kato", PASSWORD, StaffRole.admin, [], actor="test")
    seeded.commit()
    return seeded


def _token(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_admins_list_accounts_and_others_may_not(
    client: TestClient, staff: Session, auth: dict[str, str]
) -> None:
    listed = client.get(URL, headers=auth)
    assert listed.status_code == 200
    assert [(a["username"], a["role"], a["departments"], a["active"]) for a in listed.json()] == [
        ("boss-kato", "admin", [], True),
        ("road-sato", "department_staff", ["roads"], True),
    ]
    sato = _token(client, "road-sato")
    assert client.get(URL, headers=sato).status_code == 403
    assert client.get(URL).status_code == 401


def test_a_disabled_accounts_token_and_session_stop_at_once(
    client: TestClient, staff: Session, auth: dict[str, str]
) -> None:
    token = _token(client, "road-sato")
    console = TestClient(client.app)
    assert (
        console.post(
            "/api/v1/auth/session", json={"username": "road-sato", "password": PASSWORD}
        ).status_code
        == 200
    )
    assert client.get("/api/v1/auth/me", headers=token).status_code == 200
    assert console.get("/api/v1/auth/me").status_code == 200

    disabled = client.patch(f"{URL}/road-sato", json={"active": False}, headers=auth)
    assert disabled.status_code == 200
    assert disabled.json()["active"] is False and disabled.json()["active_tokens"] == 0
    assert client.get("/api/v1/auth/me", headers=token).status_code == 401
    assert console.get("/api/v1/auth/me").status_code == 401
    refused = client.post(
        "/api/v1/auth/token", data={"username": "road-sato", "password": PASSWORD}
    )
    assert refused.status_code == 401  # the same answer as a wrong password

    assert client.patch(f"{URL}/road-sato", json={"active": True}, headers=auth).status_code == 200
    assert client.get("/api/v1/auth/me", headers=_token(client, "road-sato")).status_code == 200
    actions = [e.action for e in entries_for(staff, "staff", "road-sato")]
    assert "staff.disabled" in actions and "staff.enabled" in actions


def test_re_role_reset_and_revoke(client: TestClient, staff: Session, auth: dict[str, str]) -> None:
    token = _token(client, "road-sato")
    changed = client.patch(
        f"{URL}/road-sato",
        json={"role": "department_staff", "departments": ["waste"]},
        headers=auth,
    )
    assert changed.json()["departments"] == ["waste"]
    me = client.get("/api/v1/auth/me", headers=token).json()
    assert me["departments"] == ["waste"]  # takes effect on the very next request
    promoted = client.patch(f"{URL}/road-sato", json={"role": "call_center"}, headers=auth)
    assert promoted.json()["role"] == "call_center"

    revoked = client.delete(f"{URL}/road-sato/tokens", headers=auth)
    assert revoked.json() == {"revoked": 1}
    assert client.get("/api/v1/auth/me", headers=token).status_code == 401

    new_password = "a different long passphrase"
    token = _token(client, "road-sato")
    reset = client.post(f"{URL}/road-sato/password", json={"password": new_password}, headers=auth)
    assert reset.status_code == 200
    assert client.get("/api/v1/auth/me", headers=token).status_code == 401  # sessions ended
    assert (
        client.post(
            "/api/v1/auth/token", data={"username": "road-sato", "password": PASSWORD}
        ).status_code
        == 401
    )
    _token(client, "road-sato", new_password)

    assert client.patch(f"{URL}/nobody", json={"active": False}, headers=auth).status_code == 404
    staff_only = client.patch(
        f"{URL}/road-sato", json={"role": "department_staff", "departments": []}, headers=auth
    )
    assert staff_only.status_code == 409


def test_nobody_disables_or_demotes_themselves(client: TestClient, staff: Session) -> None:
    boss = _token(client, "boss-kato")
    for change in ({"active": False}, {"role": "call_center"}):
        refused = client.patch(f"{URL}/boss-kato", json=change, headers=boss)
        assert refused.status_code == 409 and "own account" in refused.json()["error"]["message"]


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short", "12文字以上"),
        ("aaaaaaaaaaaaaaaa", "推測されやすい"),
        ("Password1234", "推測されやすい"),
        ("my name is tanaka-1", "ユーザー名を含めないで"),
    ],
)
def test_password_policy_says_what_to_change(
    client: TestClient, staff: Session, auth: dict[str, str], password: str, reason: str
) -> None:
    body = {"username": "tanaka-1", "password": password, "role": "call_center"}
    refused = client.post(URL, json=body, headers=auth)
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "weak_password"
    assert reason in refused.json()["error"]["message"]
    reset = client.post(f"{URL}/road-sato/password", json={"password": password}, headers=auth)
    assert reset.status_code == 422 or reason == "ユーザー名を含めないで"


def test_admins_create_accounts(client: TestClient, staff: Session, auth: dict[str, str]) -> None:
    body = {
        "username": "tanaka",
        "password": PASSWORD,
        "role": "department_staff",
        "departments": ["roads"],
    }
    created = client.post(URL, json=body, headers=auth)
    assert created.status_code == 201 and created.json()["departments"] == ["roads"]
    assert client.post(URL, json=body, headers=auth).status_code == 409
    _token(client, "tanaka")
