"""The metrics document through the API and the CLI: valid against its published schema, free
of personal data, scoped to the caller's departments, with precise errors for a bad period."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.cases.models import Case
from api.feedback.models import BotAnswer
from api.metrics.period import Period
from api.metrics.report import build_report
from api.metrics.schema import json_schema
from api.staff.models import StaffRole
from api.staff.service import add_staff
from tests.api.metrics.scenario import FIRST_DAY, LAST_DAY, PHONE
from tests.api.metrics.test_scenario import CITY_CRITERIA, NOW
from tests.conftest import REPO_ROOT

SCHEMA_FILE = REPO_ROOT / "docs" / "metrics-schema-v1.json"
PERIOD = {"from": "2026-04-27", "to": "2026-05-10"}
PASSWORD = "correct horse battery staple"


def _validate(document: dict) -> None:
    jsonschema.validate(document, json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def _no_personal_data(text: str, cases: dict[str, Case]) -> None:
    assert PHONE not in text and PHONE.replace("-", "") not in text
    for case in cases.values():
        assert case.sender_id is None or case.sender_id not in text
    for marker in ('"contact"', '"sender_id"', '"description"', '"location"'):
        assert marker not in text


def test_the_published_schema_is_the_one_the_code_writes() -> None:
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == json_schema()


def test_api_document_validates_and_holds_no_personal_data(
    client: TestClient, auth: dict[str, str], scenario: dict[str, Case]
) -> None:
    response = client.get("/api/v1/metrics", params=PERIOD, headers=auth)
    assert response.status_code == 200, response.text
    document = response.json()
    _validate(document)
    assert document["criteria"] == CITY_CRITERIA
    assert set(document["criteria"]) == {"anshin", "shinrai", "shinsetsu", "jinsoku", "kakujitsu"}
    _no_personal_data(response.text, scenario)


def test_api_csv_form(client: TestClient, auth: dict[str, str], scenario: dict[str, Case]) -> None:
    response = client.get("/api/v1/metrics", params={**PERIOD, "format": "csv"}, headers=auth)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    city = {(r["section"], r["figure"]): r for r in rows if r["department"] == ""}
    helpful = city[("criteria.kakujitsu", "helpful_answer_rate")]
    assert (helpful["value"], helpful["unit"], helpful["numerator"], helpful["denominator"]) == (
        "0.5",
        "rate",
        "1",
        "2",
    )
    assert city[("activity.cases_by_channel", "web")]["value"] == "4"
    roads = {(r["section"], r["figure"]): r["value"] for r in rows if r["department"] == "roads"}
    assert roads[("criteria.jinsoku", "first_response_hours_median")] == "11.25"
    assert {r["schema_version"] for r in rows} == {"1.0"}
    _no_personal_data(response.text, scenario)


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"to": "2026-05-10"}, "from"),
        ({"from": "2026-05-10", "to": "2026-04-27"}, "before"),
        ({"from": "2026-02-30", "to": "2026-03-01"}, "date"),
        ({"from": "2020-01-01", "to": "2026-01-01"}, "at most 731"),
    ],
)
def test_a_bad_period_is_a_422_that_says_why(
    client: TestClient, auth: dict[str, str], seeded: Session, params: dict, reason: str
) -> None:
    response = client.get("/api/v1/metrics", params=params, headers=auth)
    assert response.status_code == 422
    assert reason in response.text


def test_department_staff_see_their_own_departments(
    client: TestClient, scenario: dict[str, Case], seeded: Session
) -> None:
    add_staff(seeded, "road-sato", PASSWORD, StaffRole.department_staff, ["roads"], actor="test")
    seeded.commit()
    token = client.post("/api/v1/auth/token", data={"username": "road-sato", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    own = client.get("/api/v1/metrics", params=PERIOD, headers=headers).json()
    assert own["departments_in_scope"] == ["roads"]
    assert own["activity"]["cases_opened"]["value"] == 3
    other = client.get("/api/v1/metrics", params={**PERIOD, "department": "waste"}, headers=headers)
    assert other.status_code == 403 and "waste" in other.json()["error"]["message"]
    assert client.get("/api/v1/metrics", params=PERIOD).status_code == 401


def test_a_stored_text_that_escaped_masking_is_counted_and_not_exported(
    scenario: dict[str, Case], seeded: Session
) -> None:
    seeded.add(
        BotAnswer(
            message_key="leak",
            sender_id="web:leak",
            channel="web",
            decision="escalate",
            question=f"折り返しは{PHONE}までお願いします",
            created_at=NOW.replace(month=5, day=1),
        )
    )
    seeded.commit()
    document = build_report(seeded, Period.of(FIRST_DAY, LAST_DAY), now=NOW)
    assert document.criteria.anshin.stored_texts_with_personal_data.value == 1
    assert PHONE not in document.model_dump_json()


def test_cli_export_writes_json_and_csv(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    scenario: dict[str, Case],
    session_factory,
    capsys: pytest.CaptureFixture,
) -> None:
    from api import cli
    from api.metrics import cli as metrics_cli

    monkeypatch.setattr(metrics_cli, "unit_of_work", lambda: session_factory.begin())
    out = tmp_path / "metrics.json"
    args = ["metrics", "export", "--from", "2026-04-27", "--to", "2026-05-10"]
    assert cli.main([*args, "--output", str(out)]) == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    _validate(document)
    assert document["criteria"] == CITY_CRITERIA
    assert document["period"]["from"] == "2026-04-27"
    assert cli.main([*args, "--output", str(tmp_path / "metrics.csv")]) == 0
    assert (tmp_path / "metrics.csv").read_text(encoding="utf-8").startswith("schema_version,")
    assert "wrote the metrics" in capsys.readouterr().out
    bad = ["metrics", "export", "--from", "2026-05-10", "--to", "2026-04-01", "--output", str(out)]
    assert cli.main(bad) == 2
    assert "before" in capsys.readouterr().err
