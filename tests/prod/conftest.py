"""The production profile as `make run-prod` starts it, once per module: a scratch PostgreSQL
database for the API and one for Rasa's tracker store, the schema and the demo city loaded as
a step of their own, Redis as Rasa's lock store (a key prefix of the run's own), two Rasa
replicas, and the API with two uvicorn workers; LINE is a stub in this process. Each process
leads a process group of its own, so a test can kill -9 it; the finalizer removes everything,
also after a failure."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from bench.processes import free_port, kill_group, start_group, wait_healthy
from tests.api.channels.line_stub import LineStub
from tests.conftest import ADMIN_TOKEN, MADOGUCHI, POSTGRES_URL, REPO_ROOT

MODEL = REPO_ROOT / "models" / "madoguchi.tar.gz"
RASA = REPO_ROOT / ".venv" / "bot" / "bin" / "rasa"
UVICORN = REPO_ROOT / ".venv" / "api" / "bin" / "uvicorn"
STARTUP_SECONDS = 240
LINE_ACCESS_TOKEN = "prod-line-access-token-5c2e81"
LINE_SECRET = "prod-line-channel-secret-0b9d44"


def pytest_configure(config: pytest.Config) -> None:
    # Here rather than in pyproject.toml, whose every change reinstalls both environments.
    config.addinivalue_line(
        "markers",
        "prod: the production profile under faults (PostgreSQL, Redis, 2 Rasa "
        "replicas, 2 API workers); deselect with -m 'not prod'",
    )


@dataclass
class Replica:
    url: str
    port: int
    log: Path
    process: subprocess.Popen


@dataclass
class ProdStack:
    api_url: str
    admin_headers: dict[str, str]
    database: Engine  # the API's database, for the tests' own checks
    database_name: str
    replicas: list[Replica]
    api: subprocess.Popen
    api_log: Path
    line: LineStub
    env: dict[str, str]
    work: Path
    logs: list[Path] = field(default_factory=list)

    def tails(self) -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text()[-2500:]}" for log in self.logs)


def _create(admin: Engine, name: str) -> None:
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))


def _drop(admin: Engine, name: str) -> None:
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _endpoints(work: Path, key_prefix: str) -> Path:
    """bot/endpoints.yml with a lock-store key prefix of this run: nothing else on the shared
    Redis (another run, `make run-prod`) holds or frees these conversations' locks."""
    path = work / "endpoints.yml"
    original = (REPO_ROOT / "bot" / "endpoints.yml").read_text()
    path.write_text(original + f"  key_prefix: {key_prefix}\n")
    return path


@pytest.fixture(scope="module")
def prod(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProdStack]:
    assert MODEL.exists(), "train the model first: make train"
    work = tmp_path_factory.mktemp("prod")
    run = uuid.uuid4().hex[:10]
    api_db, tracker_db = f"madoguchi_prod_{run}", f"madoguchi_prodtracker_{run}"
    base = make_url(POSTGRES_URL)
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    line = LineStub(LINE_ACCESS_TOKEN)
    line.start()
    processes: list[subprocess.Popen] = []
    database: Engine | None = None
    try:
        _create(admin, api_db)
        _create(admin, tracker_db)
        api_port = free_port()
        rasa_ports = [free_port(), free_port()]
        env = {
            **os.environ,
            "DATABASE_URL": base.set(database=api_db).render_as_string(hide_password=False),
            "TRACKER_STORE_DIALECT": "postgresql",
            "TRACKER_STORE_URL": base.set(
                drivername="postgresql", database=tracker_db
            ).render_as_string(hide_password=False),
            "LOCK_STORE_TYPE": "redis",
            "LOCK_STORE_HOST": os.environ.get("REDIS_HOST", "127.0.0.1"),
            "RASA_URL": ",".join(f"http://127.0.0.1:{port}" for port in rasa_ports),
            "RASA_AUTH_TOKEN": f"prod-rasa-token-{run}",
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{api_port}/webhook",
            "ACTION_ENDPOINT_TOKEN": f"prod-action-token-{run}",
            "MADOGUCHI_ADMIN_TOKEN": ADMIN_TOKEN,
            "MADOGUCHI_SEED_DEMO_CITY": "false",
            "LINE_CHANNEL_SECRET": LINE_SECRET,
            "LINE_CHANNEL_ACCESS_TOKEN": LINE_ACCESS_TOKEN,
            "LINE_API_BASE_URL": line.base_url,
            "LINE_DATA_API_BASE_URL": line.base_url,
            "LINE_TIMEOUT_SECONDS": "5",  # shorter than the slow LINE of the tests (10 s)
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "OMP_NUM_THREADS": "1",
        }
        endpoints = _endpoints(work, f"faults{run}")
        replicas = []
        for port in rasa_ports:  # both load their model at once, while the API's steps run
            log = work / f"rasa-{port}.log"
            command = [
                str(RASA), "run", "--model", str(MODEL), "--endpoints", str(endpoints),
                "--credentials", "bot/credentials.yml", "--interface", "127.0.0.1",
                "--port", str(port), "--enable-api", "--auth-token", env["RASA_AUTH_TOKEN"],
            ]  # fmt: skip
            process = start_group(command, env=env, cwd=REPO_ROOT, log=log)
            processes.append(process)
            replicas.append(Replica(f"http://127.0.0.1:{port}", port, log, process))
        # The schema and the city: a step before the workers start, as in scripts/run-prod.sh.
        for step in (["db", "upgrade"], ["city", "load", "demo_city"]):
            subprocess.run(
                [str(MADOGUCHI), *step], env=env, cwd=REPO_ROOT, check=True, capture_output=True
            )
        api_log = work / "api.log"
        api = start_group(
            [
                str(UVICORN), "--factory", "api.main:app", "--host", "127.0.0.1",
                "--port", str(api_port), "--workers", "2", "--no-access-log",
                "--timeout-worker-healthcheck", "120",
            ],
            env=env, cwd=REPO_ROOT, log=api_log,
        )  # fmt: skip
        processes.append(api)
        logs = [r.log for r in replicas] + [api_log]
        status = f"/status?token={env['RASA_AUTH_TOKEN']}"

        def ready(url: str, process: subprocess.Popen, log: Path, path: str) -> None:
            wait_healthy(url, [process], [log], STARTUP_SECONDS, path=path)

        with ThreadPoolExecutor(3) as pool:
            waits = [pool.submit(ready, r.url, r.process, r.log, status) for r in replicas]
            waits.append(
                pool.submit(ready, f"http://127.0.0.1:{api_port}", api, api_log, "/health")
            )
            for wait in waits:
                wait.result()
        database = create_engine(env["DATABASE_URL"], pool_pre_ping=True)
        yield ProdStack(
            api_url=f"http://127.0.0.1:{api_port}",
            admin_headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
            database=database,
            database_name=api_db,
            replicas=replicas,
            api=api,
            api_log=api_log,
            line=line,
            env=env,
            work=work,
            logs=logs,
        )
    finally:
        for process in processes:
            kill_group(process)
        if database is not None:
            database.dispose()
        line.stop()
        _drop(admin, api_db)
        _drop(admin, tracker_db)
        admin.dispose()
