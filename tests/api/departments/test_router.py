from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.audit.service import entries_for
from api.staff.models import StaffRole
from api.staff.service import add_staff

CHANGE = {
    "name": "道路維持課",
    "bureau": "都市整備部",
    "handles": "道路の穴、街灯、カーブミラー",
    "keywords": ["道路", "街灯"],
    "phone": "000-210-3001",
    "email": None,
    "hours": {"weekdays": "08:30-17:15", "saturday": "09:00-12:00"},
    "first_response_target_hours": 2,
    "resolution_target_hours": 24,
}


def test_administrators_edit_the_directory(
    client: TestClient, seeded: Session, auth: dict[str, str]
) -> None:
    response = client.put("/api/v1/departments/roads", json=CHANGE, headers=auth)
    assert response.status_code == 200, response.text
    listed = {d["code"]: d for d in client.get("/api/v1/departments").json()}
    assert listed["roads"]["hours"] == CHANGE["hours"]
    assert listed["roads"]["first_response_target_hours"] == 2
    [entry] = entries_for(seeded, "department", "roads")
    assert entry.actor == "admin" and entry.before["first_response_target_hours"] == 4
    assert entry.after["first_response_target_hours"] == 2

    assert client.put("/api/v1/departments/nope", json=CHANGE, headers=auth).status_code == 404
    bad_hours = {**CHANGE, "hours": {"weekdays": "17:15-08:30"}}
    assert client.put("/api/v1/departments/roads", json=bad_hours, headers=auth).status_code == 422
    bad_day = {**CHANGE, "hours": {"holiday": "09:00-12:00"}}
    assert client.put("/api/v1/departments/roads", json=bad_day, headers=auth).status_code == 422
    # Another department's name: a 409 that names it, not a database error.
    taken = client.put("/api/v1/departments/roads", json={**CHANGE, "name": "市民課"}, headers=auth)
    assert taken.status_code == 409 and "'residents'" in taken.json()["error"]["message"]


def test_only_administrators_edit_the_directory(client: TestClient, seeded: Session) -> None:
    password = "department staff password"
    add_staff(seeded, "road-sato", password, StaffRole.department_staff, ["roads"], actor="t")
    seeded.commit()
    token = client.post(
        "/api/v1/auth/token", data={"username": "road-sato", "password": password}
    ).json()["access_token"]
    response = client.put(
        "/api/v1/departments/roads", json=CHANGE, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 403
    assert client.put("/api/v1/departments/roads", json=CHANGE).status_code == 401


def test_a_department_has_names_in_other_languages(
    client: TestClient, seeded: Session, auth: dict[str, str]
) -> None:
    named = {**CHANGE, "names": {"en": " Road Maintenance Division ", "zh-Hans": "道路维护科"}}
    response = client.put("/api/v1/departments/roads", json=named, headers=auth)
    assert response.status_code == 200, response.text
    listed = {d["code"]: d for d in client.get("/api/v1/departments").json()}
    assert listed["roads"]["names"] == {"en": "Road Maintenance Division", "zh-Hans": "道路维护科"}
    assert listed["residents"]["names"] == {}  # none given: the Japanese name serves
    for bad in ({"english": "Roads"}, {"ja": "道路課"}, {"en": " "}, {"en": "x" * 201}):
        refused = client.put(
            "/api/v1/departments/roads", json={**CHANGE, "names": bad}, headers=auth
        )
        assert refused.status_code == 422, bad
