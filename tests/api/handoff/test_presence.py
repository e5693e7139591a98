"""Presence: the console checks in, and who is present decides whether a citizen asking for a
person is offered a live chat; citizens waiting in one come first in the staff queue."""

from __future__ import annotations

from datetime import datetime, timezone

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.cases.service import open_case
from api.handoff import service as handoff
from api.handoff.presence import PRESENCE_WINDOW, staff_present
from api.staff.models import StaffRole
from api.staff.service import add_staff
from tests.api.cases.test_service import new_case, route_to_roads

PASSWORD = "correct horse battery staple"


def _sign_in(client: TestClient, username: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_checking_in_and_out_of_the_console(client: TestClient, seeded: Session) -> None:
    add_staff(seeded, "road-sato", PASSWORD, StaffRole.department_staff, ["roads"], actor="test")
    add_staff(seeded, "waste-kato", PASSWORD, StaffRole.department_staff, ["waste"], actor="test")
    seeded.commit()
    road, waste = _sign_in(client, "road-sato"), _sign_in(client, "waste-kato")
    assert client.post("/api/v1/staff/presence").status_code == 401

    assert client.post("/api/v1/staff/presence", headers=road).status_code == 204
    assert client.post("/api/v1/staff/presence", headers=waste).status_code == 204
    now = datetime.now(timezone.utc)
    seeded.expire_all()
    assert staff_present(seeded, "roads", now) == ["road-sato"]  # not the waste member
    assert staff_present(seeded, "roads", now + PRESENCE_WINDOW * 2) == []  # missed check-ins

    assert client.delete("/api/v1/staff/presence", headers=road).status_code == 204
    seeded.expire_all()
    assert staff_present(seeded, "roads", now) == []
    assert staff_present(seeded, "waste", now) == ["waste-kato"]


def test_waiting_live_chats_and_urgent_reports_lead_the_queue(
    client: TestClient, seeded: Session, auth: dict[str, str]
) -> None:
    ordinary, _ = open_case(seeded, new_case(sender_id="web:a"), route=route_to_roads, actor="bot")
    urgent, _ = open_case(
        seeded, new_case(sender_id="web:b", urgent=True), route=route_to_roads, actor="bot"
    )
    live, _ = open_case(
        seeded, new_case(sender_id="web:c", kind="human_request"), route=route_to_roads, actor="bot"
    )
    newest, _ = open_case(seeded, new_case(sender_id="web:d"), route=route_to_roads, actor="bot")
    handoff.request_live_chat(seeded, live, datetime.now(timezone.utc))
    seeded.commit()

    items = client.get("/api/v1/cases", headers=auth).json()["items"]
    numbers = [c["case_number"] for c in items]
    assert numbers == [
        live.case_number,
        urgent.case_number,
        newest.case_number,
        ordinary.case_number,
    ]
    assert [c["live_waiting"] for c in items] == [True, False, False, False]
    assert client.get(f"/api/v1/cases/{live.case_number}", headers=auth).json()["live_waiting"]

    # Once a member of staff takes the chat it is an ordinary conversation again.
    assert client.post(f"/api/v1/cases/{live.case_number}/handoff", headers=auth).status_code == 200
    items = client.get("/api/v1/cases", headers=auth).json()["items"]
    assert next(c["case_number"] for c in items) == urgent.case_number
    assert not any(c["live_waiting"] for c in items)
