"""The compose file and the image describe the production profile that `make run-prod` runs and
the fault tests break: the same variables, the schema upgrade before any worker, two Rasa
replicas behind RASA_URL, PostgreSQL and Redis, and no secret written into the file. No
container runtime is needed: what is checked is what goes wrong when the product's settings
change and the file does not follow (a renamed variable is silently ignored by a container)."""

from __future__ import annotations

import re
import shlex

import pytest
import yaml

from api.core.config import Settings
from tests.conftest import REPO_ROOT

DEPLOY = REPO_ROOT / "deploy"
# ${NAME}, ${NAME:-default}, ${NAME:?message}; $$ escapes a dollar for the container's shell.
INTERPOLATION = re.compile(r"(?<!\$)\$\{([A-Z_][A-Z0-9_]*)(?:(:?[-?])([^}]*))?\}")
SECRETS = {
    "MADOGUCHI_ADMIN_TOKEN",
    "RASA_AUTH_TOKEN",
    "ACTION_ENDPOINT_TOKEN",
    "POSTGRES_PASSWORD",
    "LINE_CHANNEL_SECRET",
    "LINE_CHANNEL_ACCESS_TOKEN",
}
# Read by Rasa, the container's shell or PostgreSQL's image, not by the API's Settings.
NOT_API_SETTINGS = {"TRACKER_STORE_DIALECT", "LOCK_STORE_TYPE", "LOCK_STORE_HOST"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yml").read_text(encoding="utf-8"))


def _api_setting_names() -> set[str]:
    return {str(field.validation_alias) for field in Settings.model_fields.values()}


def _endpoint_variables() -> set[str]:
    text = (REPO_ROOT / "bot" / "endpoints.yml").read_text(encoding="utf-8")
    return set(re.findall(r"\$\{([A-Z_]+)\}", text))


def test_every_variable_given_to_the_api_is_a_setting_it_reads(compose: dict) -> None:
    known = _api_setting_names()
    for service in ("api", "migrate"):
        given = set(compose["services"][service]["environment"])
        assert given - known == set(), f"{service}: variables the API never reads"


def test_rasa_replicas_get_every_variable_their_endpoints_use(compose: dict) -> None:
    needed = _endpoint_variables()
    assert {"ACTION_ENDPOINT_URL", "TRACKER_STORE_URL", "LOCK_STORE_TYPE"} <= needed
    replicas = [name for name in compose["services"] if name.startswith("rasa")]
    assert len(replicas) == 2
    for name in replicas:
        rasa = compose["services"][name]
        assert needed <= set(rasa["environment"]), name
        assert rasa["environment"]["LOCK_STORE_TYPE"] == "redis"  # several replicas, one lock
        assert rasa["environment"]["TRACKER_STORE_DIALECT"] == "postgresql"
        assert rasa["environment"]["ACTION_ENDPOINT_URL"] == "http://api:8000/webhook"
        command = shlex.split(rasa["command"])
        assert command[command.index("--port") + 1] == "5005"
        assert "--auth-token" in command
    # The API spreads conversations over exactly these replicas.
    rasa_url = compose["services"]["api"]["environment"]["RASA_URL"].split(",")
    assert rasa_url == [f"http://{name}:5005" for name in replicas]


def test_the_schema_is_upgraded_once_before_any_worker_starts(compose: dict) -> None:
    services = compose["services"]
    assert "madoguchi db upgrade" in services["migrate"]["command"]
    assert services["migrate"]["restart"] == "no"
    for name in ("api", "rasa-1", "rasa-2"):
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
    api = services["api"]
    assert api["environment"]["MADOGUCHI_SEED_DEMO_CITY"] == "false"  # migrate loads the city
    assert "--workers" in shlex.split(api["command"])
    # The API and Rasa's tracker share a server, in two databases; the second is made at init.
    database = api["environment"]["DATABASE_URL"]
    tracker = api["environment"]["TRACKER_STORE_URL"]
    assert database.startswith("postgresql+psycopg://") and database.endswith("/madoguchi")
    assert tracker.endswith("/madoguchi_tracker")
    assert tracker == services["rasa-1"]["environment"]["TRACKER_STORE_URL"]
    init = (DEPLOY / "postgres-init.sql").read_text(encoding="utf-8")
    assert "CREATE DATABASE madoguchi_tracker" in init


def test_no_secret_is_written_into_the_file() -> None:
    text = (DEPLOY / "compose.yml").read_text(encoding="utf-8")
    required = {name for name, op, _ in INTERPOLATION.findall(text) if op == ":?"}
    assert SECRETS - {"LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN"} <= required
    compose = yaml.safe_load(text)
    for service in compose["services"].values():
        for name, value in (service.get("environment") or {}).items():
            if name in SECRETS:
                assert INTERPOLATION.fullmatch(str(value)), f"{name} is written into the file"
            for secret in SECRETS:  # inside URLs too
                if secret in str(value):
                    assert f"${{{secret}" in str(value)


def test_the_image_holds_everything_the_processes_read() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    copied = {
        source
        for line in dockerfile.splitlines()
        if line.startswith("COPY ")
        for source in line.split()[1:-1]
    }
    for path in copied:
        assert (REPO_ROOT / path).exists(), f"the Dockerfile copies {path}, which is gone"
    packages = {"api", "actions", "bot", "jatext"}
    needed = packages | {"locale", "nlu_data", "demo_city", "config.yml", "alembic.ini"}
    assert needed <= copied
    # The model is trained into the image: nothing is downloaded when a container starts.
    assert "rasa train" in dockerfile
    assert "USER madoguchi" in dockerfile
    ignored = (REPO_ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".venv", "var", ".env"} <= set(ignored)  # no local secrets or venvs in the image


def test_every_setting_not_read_by_the_api_is_read_by_someone(compose: dict) -> None:
    endpoints = _endpoint_variables() | {"TICKET_LOCK_LIFETIME"}
    for name, service in compose["services"].items():
        if name in ("postgres", "redis"):
            continue
        for variable in service.get("environment") or {}:
            if variable not in _api_setting_names():
                assert variable in endpoints | NOT_API_SETTINGS, (name, variable)


def test_the_package_list_matches_the_image() -> None:
    pyproject = (REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    include = re.search(r"include = \[(.*?)\]", pyproject)
    assert include is not None
    packages = {p.strip(' "*') for p in include.group(1).split(",")}
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    for package in packages:
        assert f"COPY {package} {package}" in dockerfile
