"""Interoperability: `georeport` (PyPI), a GeoReport v2 client someone else wrote, against
the real API served by uvicorn over HTTP, in both of its formats.

georeport 0.3.1 can list services, read service definitions and read requests, but has no
method to post one: the post goes through httpx, form-encoded as the spec says, and
everything is read back through the library."""

from __future__ import annotations

import os
import subprocess
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import httpx
import pytest
from georeport import GeoReport

from bench.processes import free_port
from tests.conftest import ADMIN_TOKEN, REPO_ROOT, upgrade_schema
from tests.e2e.conftest import UVICORN

pytestmark = pytest.mark.e2e
STARTUP_SECONDS = 120
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture(scope="module")
def api_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The API alone (no Rasa: Open311 does not talk to the bot), on the demo city."""
    work = tmp_path_factory.mktemp("open311")
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{work / 'madoguchi.db'}",
        "MADOGUCHI_ADMIN_TOKEN": ADMIN_TOKEN,
        "MADOGUCHI_SEED_DEMO_CITY": "true",
        "RASA_URL": f"http://127.0.0.1:{free_port()}",
    }
    upgrade_schema(env)
    log = work / "api.log"
    process = subprocess.Popen(
        [str(UVICORN), "--factory", "api.main:app", "--host", "127.0.0.1", "--port", str(port)],
        cwd=REPO_ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the API exited:\n{log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{url}/open311/v2/services.json", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the API did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def api_key(api_url: str) -> str:
    issued = httpx.post(
        f"{api_url}/api/v1/open311/keys", json={"name": "georeport-client"}, headers=ADMIN
    )
    assert issued.status_code == 201, issued.text
    return issued.json()["api_key"]


def _as_list(value: object) -> list:
    """xmltodict gives one child as a dict and several as a list."""
    return value if isinstance(value, list) else [value]


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_the_client_lists_services_and_definitions(api_url: str, output_format: str) -> None:
    client = GeoReport(f"{api_url}/open311/v2", output_format=output_format)
    services = {s["service_code"]: s for s in client.get_service_list()}
    assert services["road_damage"]["service_name"] == "道路の穴・陥没・段差"
    assert services["road_damage"]["group"] == "道路維持課"
    assert str(services["illegal_dumping"]["metadata"]).lower() == "true"

    definition = client.get_service_definition("illegal_dumping")
    attributes = _as_list(
        definition["attributes"]
        if output_format == "json"
        else definition["attributes"]["attribute"]
    )
    waste_type = next(a for a in attributes if a["code"] == "waste_type")
    values = waste_type["values"] if output_format == "json" else waste_type["values"]["value"]
    assert {v["key"] for v in values} >= {"bulky", "appliance"}


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_a_posted_request_reads_back_through_the_client(
    api_url: str, api_key: str, output_format: str
) -> None:
    posted = httpx.post(
        f"{api_url}/open311/v2/requests.{output_format}",
        data={
            "api_key": api_key,
            "service_code": "road_damage",
            "lat": "35.6812",
            "long": "139.7671",
            "description": "交差点の手前に深い穴があります",
            "email": "reporter@example.com",
        },
    )
    assert posted.status_code == 201, posted.text
    client = GeoReport(f"{api_url}/open311/v2", api_key=api_key, output_format=output_format)
    number = (
        posted.json()[0]["service_request_id"]
        if output_format == "json"
        else ET.fromstring(posted.content).findtext("request/service_request_id")
    )

    request = client.get_service_request(number)
    assert request["service_request_id"] == number
    assert request["status"] == "open"
    assert request["service_code"] == "road_damage"
    assert float(request["lat"]) == 35.6812 and float(request["long"]) == 139.7671
    assert request["description"] == "交差点の手前に深い穴があります"
    assert "reporter@example.com" not in str(request)

    listed = _as_list(client.get_service_requests(service_code="road_damage", status="open"))
    assert number in {r["service_request_id"] for r in listed}

    resolved = httpx.post(
        f"{api_url}/api/v1/cases/{number}/status",
        json={"status": "resolved", "message": "穴を補修しました。", "survey": False},
        headers=ADMIN,
    )
    assert resolved.status_code == 200, resolved.text
    closed = client.get_service_request(number)
    assert closed["status"] == "closed"
    assert closed["status_notes"] == "穴を補修しました。"
    assert number in {
        r["service_request_id"] for r in _as_list(client.get_service_requests(status="closed"))
    }
