"""The GeoReport v2 endpoints, checked against the spec (wiki.open311.org/GeoReport_v2):
resources with a format extension, XML and JSON bodies of the spec's shapes, errors as
[{code, description}], POST as a form with api_key, the request id being the case number."""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.cases.models import Case
from api.cases.service import open_case
from api.open311 import keys
from tests.api.cases.test_service import new_case, route_to_roads

BASE = "/open311/v2"
PHONE = "090-1234-5678"
EMAIL = "taro.yamada@example.com"


def _post(client: TestClient, key: str | None, fmt: str = "json", **fields: object):
    data = {"service_code": "road_damage", "lat": "35.6581", "long": "139.7017", **fields}
    if key is not None:
        data["api_key"] = key
    return client.post(
        f"{BASE}/requests.{fmt}", data={k: v for k, v in data.items() if v is not None}
    )


def _error(response, status: int) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert isinstance(body, list) and len(body) == 1
    assert body[0]["code"] == status
    return body[0]["description"]


def test_services_in_json_and_xml(client: TestClient, services: Session) -> None:
    response = client.get(f"{BASE}/services.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    listed = {s["service_code"]: s for s in response.json()}
    assert set(listed) == {"road_damage", "illegal_dumping"}
    road = listed["road_damage"]
    assert road == {
        "service_code": "road_damage",
        "service_name": "道路の穴・陥没・段差",
        "description": "市道の舗装の穴、陥没、段差",
        "metadata": False,
        "type": "realtime",
        "keywords": "道路,穴,陥没",
        "group": "道路維持課",  # its department
    }
    assert listed["illegal_dumping"]["metadata"] is True
    assert listed["illegal_dumping"]["group"] == "ごみ減量推進課"

    xml = client.get(f"{BASE}/services.xml")
    assert xml.headers["content-type"].startswith("text/xml")
    assert xml.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(xml.content)
    assert root.tag == "services"
    items = root.findall("service")
    assert [s.findtext("service_code") for s in items] == ["road_damage", "illegal_dumping"]
    assert items[1].findtext("metadata") == "true"
    assert items[0].findtext("service_name") == "道路の穴・陥没・段差"


def test_format_from_extension_then_accept_header(client: TestClient, services: Session) -> None:
    assert client.get(f"{BASE}/services").headers["content-type"].startswith("text/xml")
    wants_json = client.get(f"{BASE}/services", headers={"Accept": "application/json"})
    assert wants_json.headers["content-type"].startswith("application/json")
    unsupported = client.get(f"{BASE}/services.csv")
    assert unsupported.status_code == 400
    error = ET.fromstring(unsupported.content)
    assert error.tag == "errors"
    assert error.find("error/code").text == "400"
    assert ".json or .xml" in error.find("error/description").text
    assert client.get(f"{BASE}/nothing.json").json()[0]["code"] == 404


def test_service_definition(client: TestClient, services: Session) -> None:
    definition = client.get(f"{BASE}/services/illegal_dumping.json").json()
    assert definition["service_code"] == "illegal_dumping"
    first, second = definition["attributes"]
    assert first == {
        "variable": True,
        "code": "waste_type",
        "datatype": "singlevaluelist",
        "required": True,
        "datatype_description": "",
        "order": 1,
        "description": "捨てられているものの種類",
        "values": [
            {"key": "bulky", "name": "粗大ごみ・家具"},
            {"key": "appliance", "name": "家電製品"},
        ],
    }
    assert (second["code"], second["datatype"], second["required"]) == ("count", "number", False)

    root = ET.fromstring(client.get(f"{BASE}/services/illegal_dumping.xml").content)
    assert root.tag == "service_definition"
    values = root.findall("attributes/attribute/values/value")
    assert [v.findtext("key") for v in values] == ["bulky", "appliance"]

    assert "not a service" in _error(client.get(f"{BASE}/services/potholes.json"), 404)


def test_post_needs_a_valid_api_key(client: TestClient, services: Session, api_key: str) -> None:
    assert "api_key" in _error(_post(client, None), 403)
    assert "api_key" in _error(_post(client, "o311_guessed"), 403)
    keys.revoke_key(services, "fixmystreet-test", actor="test")
    services.commit()
    _error(_post(client, api_key), 403)
    assert services.scalar(select(Case)) is None


def test_post_opens_a_case_and_reads_back(
    client: TestClient, services: Session, api_key: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    response = _post(
        client,
        api_key,
        description=f"歩道に大きな穴があります。連絡は {PHONE} まで",
        first_name="太郎",
        last_name="山田",
        email=EMAIL,
        phone=PHONE,
        media_url="https://photos.example/1.jpg",
    )
    assert response.status_code == 201, response.text
    [created] = response.json()
    number = created["service_request_id"]
    assert "道路維持課" in created["service_notice"] and number in created["service_notice"]

    case = services.scalar(select(Case).where(Case.case_number == number))
    services.refresh(case)
    assert (case.channel, case.kind, case.department_code) == ("open311", "report", "roads")
    assert (case.latitude, case.longitude) == (35.6581, 139.7017)
    assert case.contact == f"山田 太郎 / {EMAIL} / {PHONE}"  # for staff only
    assert "https://photos.example/1.jpg" in case.description

    [read] = client.get(f"{BASE}/requests/{number}.json").json()
    assert read["service_request_id"] == number
    assert (read["status"], read["service_code"], read["agency_responsible"]) == (
        "open",
        "road_damage",
        "道路維持課",
    )
    assert read["status_notes"].startswith("受付済み")
    assert (read["lat"], read["long"]) == (35.6581, 139.7017)
    assert read["media_url"] == "https://photos.example/1.jpg"
    assert datetime.fromisoformat(read["requested_datetime"]).utcoffset() == timedelta(hours=9)
    # Published without personal data: the phone number is masked, contact fields are absent.
    assert read["description"].startswith("歩道に大きな穴があります。")
    published = str(read)
    assert PHONE not in published and EMAIL not in published and "山田" not in published
    # ... and nothing personal reached the logs.
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert PHONE not in logged and EMAIL not in logged and "山田" not in logged

    root = ET.fromstring(client.get(f"{BASE}/requests/{number}.xml").content)
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id") == number
    assert root.findtext("request/status") == "open"
    assert float(root.findtext("request/lat")) == 35.6581


def test_post_with_an_address_and_attributes(
    client: TestClient, services: Session, api_key: str
) -> None:
    response = _post(
        client,
        api_key,
        "xml",
        service_code="illegal_dumping",
        lat=None,
        long=None,
        address_string="みどり野市緑町3丁目の空き地",
        **{"attribute[waste_type]": "appliance", "attribute[count]": "2"},
    )
    assert response.status_code == 201, response.text
    root = ET.fromstring(response.content)
    number = root.findtext("request/service_request_id")
    case = services.scalar(select(Case).where(Case.case_number == number))
    services.refresh(case)
    assert case.department_code == "waste"
    assert case.location == "みどり野市緑町3丁目の空き地"
    assert case.latitude is None
    assert "捨てられているものの種類: 家電製品" in case.description
    [read] = client.get(f"{BASE}/requests/{number}.json").json()
    assert read["address"] == "みどり野市緑町3丁目の空き地"
    assert read["description"] == "不法投棄"  # no description given: the service's name


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"service_code": None}, "service_code is required"),
        ({"service_code": "potholes"}, "not a service"),
        ({"lat": None, "long": None}, "location is required"),
        ({"long": None}, "lat and long go together"),
        ({"lat": "north"}, "lat must be a decimal number"),
        ({"lat": "95"}, "lat must be between -90 and 90"),
        ({"media_url": "ftp://x.example/a.jpg"}, "media_url"),
        ({"email": "not-an-address"}, "email"),
        ({"description": "穴" * 4001}, "description is longer than 4000"),
        ({"service_code": "illegal_dumping"}, "attribute[waste_type] is required"),
        (
            {"service_code": "illegal_dumping", "attribute[waste_type]": "car"},
            "must be one of appliance, bulky",
        ),
        (
            {
                "service_code": "illegal_dumping",
                "attribute[waste_type]": "bulky",
                "attribute[count]": "many",
            },
            "must be a number",
        ),
        ({"attribute[colour]": "red"}, "attribute 'colour' is not defined"),
        ({"lat": None, "long": None, "address_id": "A-1"}, "address_id is not supported"),
    ],
)
def test_post_rejects_bad_input_precisely(
    client: TestClient,
    services: Session,
    api_key: str,
    fields: dict[str, object],
    reason: str,
) -> None:
    assert reason in _error(_post(client, api_key, **fields), 400)
    assert services.scalar(select(Case)) is None


def test_post_must_be_a_form(client: TestClient, services: Session, api_key: str) -> None:
    response = client.post(f"{BASE}/requests.json", json={"api_key": api_key})
    assert "x-www-form-urlencoded" in _error(response, 400)


def test_a_retried_post_with_an_idempotency_key_opens_one_case(
    client: TestClient, services: Session, api_key: str
) -> None:
    data = {"api_key": api_key, "service_code": "road_damage", "address_string": "中央1丁目"}
    headers = {"Idempotency-Key": "app-42"}
    first = client.post(f"{BASE}/requests.json", data=data, headers=headers).json()
    again = client.post(f"{BASE}/requests.json", data=data, headers=headers).json()
    assert first[0]["service_request_id"] == again[0]["service_request_id"]
    assert len(services.scalars(select(Case)).all()) == 1


def test_rate_limit_per_key(
    client: TestClient, services: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, key = keys.issue_key(services, "slow-app", requests_per_minute=2, actor="test")
    services.commit()
    minute = datetime(2026, 4, 1, 10, 15, 20, tzinfo=timezone.utc)
    monkeypatch.setattr(keys, "utcnow", lambda: minute)
    assert _post(client, key, address_string="中央1丁目").status_code == 201
    assert _post(client, key, lat="north").status_code == 400  # a bad post counts too
    refused = _post(client, key, address_string="中央1丁目")
    assert "2 per minute" in _error(refused, 429)
    assert refused.headers["Retry-After"] == "40"
    monkeypatch.setattr(keys, "utcnow", lambda: minute + timedelta(seconds=40))
    assert _post(client, key, address_string="中央1丁目").status_code == 201


def _resolve(client: TestClient, auth: dict[str, str], number: str, message: str) -> None:
    response = client.post(
        f"/api/v1/cases/{number}/status",
        json={"status": "resolved", "message": message, "survey": False},
        headers=auth,
    )
    assert response.status_code == 200, response.text


def test_requests_list_and_filters(
    client: TestClient, services: Session, api_key: str, auth: dict[str, str]
) -> None:
    road = _post(client, api_key).json()[0]["service_request_id"]
    dumping = _post(
        client, api_key, service_code="illegal_dumping", **{"attribute[waste_type]": "bulky"}
    ).json()[0]["service_request_id"]
    # A case from the chat is never published.
    chat, _ = open_case(services, new_case(), route=route_to_roads, actor="bot")
    services.commit()
    _resolve(client, auth, road, "穴を埋めました。ご連絡ありがとうございました。")

    def ids(**params: str) -> list[str]:
        response = client.get(f"{BASE}/requests.json", params=params)
        assert response.status_code == 200, response.text
        return [r["service_request_id"] for r in response.json()]

    assert ids() == [dumping, road]  # newest first
    assert chat.case_number not in ids()
    assert ids(service_code="illegal_dumping") == [dumping]
    assert ids(service_code="illegal_dumping,road_damage") == [dumping, road]
    assert ids(status="closed") == [road]
    assert ids(status="open") == [dumping]
    assert ids(status="open,closed") == [dumping, road]
    assert ids(service_request_id=f"{road},{chat.case_number}", status="open") == [road]
    past = (datetime.now(timezone.utc) - timedelta(days=30)).isoformat()
    assert ids(start_date=past.replace("+00:00", "Z")) == [dumping, road]
    assert ids(end_date=past) == []

    [closed] = client.get(f"{BASE}/requests/{road}.json").json()
    assert closed["status"] == "closed"
    assert closed["status_notes"] == "穴を埋めました。ご連絡ありがとうございました。"
    root = ET.fromstring(client.get(f"{BASE}/requests.xml").content)
    assert [r.findtext("service_request_id") for r in root.findall("request")] == [dumping, road]
    assert "not found" in _error(client.get(f"{BASE}/requests/{chat.case_number}.json"), 404)


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"status": "pending"}, "status must be open or closed"),
        ({"start_date": "yesterday"}, "W3C date-time"),
        ({"start_date": "2026-04-01T00:00:00"}, "time zone"),
        (
            {"start_date": "2026-04-02T00:00:00Z", "end_date": "2026-04-01T00:00:00Z"},
            "before start_date",
        ),
        (
            {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-04-02T00:00:00Z"},
            "more than 90 days",
        ),
    ],
)
def test_requests_filters_reject_bad_values(
    client: TestClient, services: Session, params: dict[str, str], reason: str
) -> None:
    assert reason in _error(client.get(f"{BASE}/requests.json", params=params), 400)


def test_tokens_are_never_issued(client: TestClient, services: Session) -> None:
    assert "not queued" in _error(client.get(f"{BASE}/tokens/abc.json"), 404)


def test_keys_are_issued_by_administrators(
    client: TestClient, services: Session, auth: dict[str, str]
) -> None:
    assert client.post("/api/v1/open311/keys", json={"name": "x"}).status_code == 401
    issued = client.post(
        "/api/v1/open311/keys", json={"name": "city-app", "requests_per_minute": 5}, headers=auth
    )
    assert issued.status_code == 201, issued.text
    key = issued.json()["api_key"]
    assert key.startswith("o311_") and issued.json()["key_prefix"] == key[:9]
    assert (
        client.post("/api/v1/open311/keys", json={"name": "city-app"}, headers=auth).status_code
        == 409
    )
    listed = client.get("/api/v1/open311/keys", headers=auth).json()
    assert [(k["name"], k["requests_per_minute"], k["revoked"]) for k in listed] == [
        ("city-app", 5, False)
    ]
    assert key not in str(listed)
    stored = services.scalars(select(keys.Open311Client)).all()
    assert all(key not in (c.key_hash, c.key_prefix) for c in stored)  # only its hash
    assert _post(client, key, address_string="中央1丁目").status_code == 201
    assert client.delete("/api/v1/open311/keys/city-app", headers=auth).json()["revoked"] is True
    _error(_post(client, key, address_string="中央1丁目"), 403)
    assert client.delete("/api/v1/open311/keys/nobody", headers=auth).status_code == 404
