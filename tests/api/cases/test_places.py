"""Places: distances, nearby open cases, the queue by area, duplicate links for staff."""

from __future__ import annotations

import math

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.cases.models import Case, CaseStatus
from api.cases.places import distance_m, nearby_open_cases, offset_m
from api.cases.service import open_case
from api.categories.service import upsert_categories
from api.staff.models import StaffRole
from api.staff.service import add_staff
from tests.api.cases.test_service import new_case, route_to_roads
from tests.api.open311.conftest import demo_categories

LAT, LON = 35.6581, 139.7017
METRE_LAT = 1 / 111_195.0  # degrees of latitude per metre (mean Earth radius)
METRE_LON = METRE_LAT / math.cos(math.radians(LAT))


def _at(
    session: Session, north: float, east: float, department: str = "roads", **extra: object
) -> Case:
    case, _ = open_case(
        session,
        new_case(
            latitude=LAT + north * METRE_LAT,
            longitude=LON + east * METRE_LON,
            department=department,
            sender_id=f"web:{north}:{east}:{department}",
            **extra,
        ),
        route=route_to_roads,
        actor="bot",
    )
    return case


@pytest.fixture
def scattered(seeded: Session) -> dict[str, Case]:
    upsert_categories(seeded, demo_categories())
    cases = {
        "north_100": _at(seeded, 100, 0),
        "east_200": _at(seeded, 0, 200),
        "southwest_300": _at(seeded, -212, -212),
        "waste_50": _at(seeded, 50, 0, "waste"),
        "resolved_10": _at(seeded, 10, 0),
        "no_point": open_case(
            seeded, new_case(sender_id="web:x"), route=route_to_roads, actor="bot"
        )[0],
    }
    cases["resolved_10"].status = CaseStatus.resolved.value
    seeded.commit()
    return cases


def test_distances() -> None:
    assert distance_m(LAT, LON, LAT, LON) == 0
    assert distance_m(LAT, LON, LAT + 100 * METRE_LAT, LON) == pytest.approx(100, abs=0.01)
    assert distance_m(LAT, LON, LAT, LON + 200 * METRE_LON) == pytest.approx(200, abs=0.05)
    # Tokyo Station to Osaka Station: about 403 km as the crow flies.
    assert distance_m(35.681236, 139.767125, 34.702485, 135.495951) == pytest.approx(
        403_000, rel=0.01
    )
    east, north = offset_m(LAT, LON, LAT - 50 * METRE_LAT, LON + 80 * METRE_LON)
    assert (east, north) == (pytest.approx(80, abs=0.1), pytest.approx(-50, abs=0.1))


def test_nearby_open_cases(seeded: Session, scattered: dict[str, Case]) -> None:
    def names(found: list) -> list[str]:
        by_id = {c.id: name for name, c in scattered.items()}
        return [by_id[f.case.id] for f in found]

    default = nearby_open_cases(seeded, LAT, LON, "roads")  # 250 m by default
    assert names(default) == ["north_100", "east_200"]
    assert default[0].distance_m == pytest.approx(100, abs=0.1)
    assert (default[1].east_m, default[1].north_m) == (
        pytest.approx(200, abs=0.1),
        pytest.approx(0, abs=0.1),
    )
    # A category stands for its department.
    assert names(nearby_open_cases(seeded, LAT, LON, "road_damage")) == ["north_100", "east_200"]
    assert names(nearby_open_cases(seeded, LAT, LON, "roads", radius_m=310)) == [
        "north_100",
        "east_200",
        "southwest_300",
    ]
    assert names(nearby_open_cases(seeded, LAT, LON, "waste")) == ["waste_50"]
    assert names(nearby_open_cases(seeded, LAT, LON, None, radius_m=60)) == ["waste_50"]
    excluded = nearby_open_cases(
        seeded, LAT, LON, "roads", exclude_case_id=scattered["north_100"].id
    )
    assert names(excluded) == ["east_200"]


def test_settings_radius(
    seeded: Session, scattered: dict[str, Case], monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.core.config import get_settings

    monkeypatch.setenv("MADOGUCHI_NEARBY_RADIUS_M", "150")
    get_settings.cache_clear()
    try:
        assert len(nearby_open_cases(seeded, LAT, LON, "roads")) == 1
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


def test_queue_by_area(
    client: TestClient, scattered: dict[str, Case], auth: dict[str, str]
) -> None:
    def numbers(**params: str) -> set[str]:
        response = client.get("/api/v1/cases", params=params, headers=auth)
        assert response.status_code == 200, response.text
        page = response.json()
        assert page["total"] == len(page["items"])
        return {c["case_number"] for c in page["items"]}

    def of(*names: str) -> set[str]:
        return {scattered[n].case_number for n in names}

    assert numbers(near=f"{LAT},{LON}", radius_m="150") == of(
        "north_100", "waste_50", "resolved_10"
    )
    assert numbers(near=f"{LAT},{LON}") == of("north_100", "east_200", "waste_50", "resolved_10")
    south, west = LAT - 300 * METRE_LAT, LON - 300 * METRE_LON
    assert numbers(bbox=f"{south},{west},{LAT},{LON}") == of("southwest_300")
    for params, reason in [
        ({"near": "35.6"}, "near must be 2 comma-separated numbers"),
        ({"near": "95,139"}, "latitude and a longitude"),
        ({"bbox": "1,2,3"}, "bbox must be 4"),
        ({"bbox": f"{LAT},{LON},{south},{west}"}, "south ≤ north"),
        ({"radius_m": "100"}, "radius_m needs near"),
        ({"near": f"{LAT},{LON}", "bbox": "1,2,3,4"}, "not both"),
    ]:
        response = client.get("/api/v1/cases", params=params, headers=auth)
        assert response.status_code == 422
        assert reason in response.json()["error"]["message"]


def test_place_and_duplicate_links(
    client: TestClient, seeded: Session, scattered: dict[str, Case], auth: dict[str, str]
) -> None:
    original = scattered["north_100"].case_number
    duplicate = scattered["east_200"].case_number
    place = client.get(f"/api/v1/cases/{original}/place", headers=auth).json()
    assert place["point"]["latitude"] == pytest.approx(LAT + 100 * METRE_LAT)
    point = scattered["north_100"]
    assert place["point"]["map_url"] == (
        f"https://maps.gsi.go.jp/#18/{point.latitude:.6f}/{point.longitude:.6f}/"
    )
    assert place["radius_m"] == 250
    nearby = {n["case_number"]: n for n in place["nearby"]}
    assert set(nearby) == {scattered[n].case_number for n in ("waste_50", "east_200")}
    assert nearby[duplicate]["same_department"] is True
    assert nearby[duplicate]["north_m"] == pytest.approx(-100, abs=0.5)
    assert nearby[scattered["waste_50"].case_number]["same_department"] is False
    no_point = client.get(
        f"/api/v1/cases/{scattered['no_point'].case_number}/place", headers=auth
    ).json()
    assert (no_point["point"], no_point["nearby"]) == (None, [])

    linked = client.post(
        f"/api/v1/cases/{duplicate}/duplicate-of", json={"case_number": original}, headers=auth
    )
    assert linked.status_code == 200, linked.text
    assert linked.json()["duplicate_of"] == original
    assert client.get(f"/api/v1/cases/{original}/place", headers=auth).json()["duplicates"] == [
        duplicate
    ]
    history = client.get(f"/api/v1/cases/{original}", headers=auth).json()["events"]
    assert {"kind": "linked", "data": {"duplicate": duplicate}}.items() <= history[-1].items()

    # Linking to a duplicate links to its original; an original cannot become a duplicate.
    third = scattered["southwest_300"].case_number
    chained = client.post(
        f"/api/v1/cases/{third}/duplicate-of", json={"case_number": duplicate}, headers=auth
    )
    assert chained.json()["duplicate_of"] == original
    other = scattered["waste_50"].case_number
    refused = client.post(
        f"/api/v1/cases/{original}/duplicate-of", json={"case_number": other}, headers=auth
    )
    assert refused.status_code == 409
    assert "an original" in refused.json()["error"]["message"]
    itself = client.post(
        f"/api/v1/cases/{original}/duplicate-of", json={"case_number": original}, headers=auth
    )
    assert itself.status_code == 422

    unlinked = client.delete(f"/api/v1/cases/{duplicate}/duplicate-of", headers=auth)
    assert unlinked.json()["duplicate_of"] is None
    again = client.delete(f"/api/v1/cases/{duplicate}/duplicate-of", headers=auth)
    assert again.status_code == 409


def test_department_staff_link_only_what_they_see(
    client: TestClient, seeded: Session, scattered: dict[str, Case]
) -> None:
    add_staff(
        seeded,
        "road-sato",
        "a long enough password",
        StaffRole.department_staff,
        ["roads"],
        actor="t",
    )
    seeded.commit()
    token = client.post(
        "/api/v1/auth/token", data={"username": "road-sato", "password": "a long enough password"}
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    road = scattered["north_100"].case_number
    waste = scattered["waste_50"].case_number
    place = client.get(f"/api/v1/cases/{road}/place", headers=headers).json()
    assert waste not in {n["case_number"] for n in place["nearby"]}
    response = client.post(
        f"/api/v1/cases/{road}/duplicate-of", json={"case_number": waste}, headers=headers
    )
    assert response.status_code == 404
