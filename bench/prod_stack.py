"""The production profile as scripts/run-prod.sh starts it, on scratch databases, for the load
test (`python -m bench.loadtest --profile prod`) and the fault tests (tests/prod):

- a PostgreSQL database for the API and one for Rasa's tracker store, created for the run and
  dropped after it (also after a failure);
- Redis as Rasa's lock store, under a key prefix of the run's own (nothing else on a shared
  Redis, another run or `make run-prod`, holds or frees these conversations' locks);
- two Rasa replicas, started first (they load their model while the API's steps run);
- the schema (`madoguchi db upgrade`) and the demo city (`madoguchi city load demo_city`) as
  steps of their own before the API's workers start, so that the workers never race;
- the API with two uvicorn workers.

Each process leads a process group of its own (bench.processes.start_group), so a test can
kill -9 it with its workers.

    python -m bench.prod_stack     # starts one, prints its URLs, stops it on Ctrl-C or kill
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from bench.processes import free_port, kill_group, start_group, wait_healthy

REPO_ROOT = Path(__file__).resolve().parents[1]
MODEL = REPO_ROOT / "models" / "madoguchi.tar.gz"
RASA = REPO_ROOT / ".venv" / "bot" / "bin" / "rasa"
UVICORN = REPO_ROOT / ".venv" / "api" / "bin" / "uvicorn"
MADOGUCHI = REPO_ROOT / ".venv" / "api" / "bin" / "madoguchi"
STARTUP_SECONDS = 240
# The server the scratch databases are created on (any database of it for the connection):
# the tests' server, else the one scripts/run-prod.sh uses (MADOGUCHI_POSTGRES).
POSTGRES_URL = os.environ.get(
    "MADOGUCHI_TEST_POSTGRES_URL",
    f"postgresql+psycopg://{os.environ.get('MADOGUCHI_POSTGRES', 'postgres@127.0.0.1:5432')}"
    "/postgres",
)


class StackStartError(RuntimeError):
    """The stack could not start (with what its logs said)."""


@dataclass
class Replica:
    url: str
    port: int
    log: Path
    process: subprocess.Popen


@dataclass
class ProdStack:
    api_url: str
    replicas: list[Replica]
    api: subprocess.Popen
    api_log: Path
    env: dict[str, str]  # the processes' environment (DATABASE_URL, tokens …)
    work: Path
    database_name: str  # the API's
    tracker_database_name: str  # Rasa's tracker store
    logs: list[Path] = field(default_factory=list)

    @property
    def database_url(self) -> str:
        return self.env["DATABASE_URL"]

    @property
    def rasa_url(self) -> str:
        """The replicas, comma-separated, as RASA_URL names them."""
        return self.env["RASA_URL"]

    def tails(self) -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text()[-2500:]}" for log in self.logs)


def scratch_names(label: str, run: str) -> tuple[str, str]:
    """The run's two database names (the API's, the tracker store's)."""
    return f"madoguchi_{label}_{run}", f"madoguchi_{label}tracker_{run}"


def endpoints_with_prefix(work: Path, key_prefix: str) -> Path:
    """bot/endpoints.yml with the lock store's key prefix of this run (Rasa accepts only an
    alphanumeric one; it ignores any other with a warning, which would share the locks)."""
    if not key_prefix.isalnum():
        raise ValueError(f"the lock store's key prefix must be alphanumeric: {key_prefix!r}")
    path = work / "endpoints.yml"
    original = (REPO_ROOT / "bot" / "endpoints.yml").read_text()
    path.write_text(original.rstrip("\n") + f"\n  key_prefix: {key_prefix}\n")
    return path


def _execute(admin: Engine, statement: str) -> None:
    with admin.connect() as connection:
        connection.execute(text(statement))


@contextmanager
def prod_stack(
    work: Path,
    *,
    label: str = "prod",
    postgres_url: str = POSTGRES_URL,
    extra_env: Mapping[str, str] | None = None,
    replicas: int = 2,
    api_workers: int = 2,
    startup_seconds: float = STARTUP_SECONDS,
) -> Iterator[ProdStack]:
    """Starts the production profile (see the module's docstring) with its logs under `work`;
    `label` (alphanumeric) names its databases and lock-store prefix; `extra_env` adds to or
    overrides the processes' environment. Everything is stopped and dropped on exit."""
    if not MODEL.exists():
        raise StackStartError("train the model first: make train")
    work.mkdir(parents=True, exist_ok=True)
    run = uuid.uuid4().hex[:10]
    api_db, tracker_db = scratch_names(label, run)
    base = make_url(postgres_url)
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    processes: list[subprocess.Popen] = []
    created: list[str] = []
    try:
        for name in (api_db, tracker_db):
            _execute(admin, f'CREATE DATABASE "{name}"')
            created.append(name)
        api_port = free_port()
        rasa_ports = [free_port() for _ in range(replicas)]
        env = {
            **os.environ,
            "DATABASE_URL": base.set(database=api_db).render_as_string(hide_password=False),
            "TRACKER_STORE_DIALECT": "postgresql",
            "TRACKER_STORE_URL": base.set(
                drivername="postgresql", database=tracker_db
            ).render_as_string(hide_password=False),
            "LOCK_STORE_TYPE": "redis",
            "LOCK_STORE_HOST": os.environ.get("REDIS_HOST", "127.0.0.1"),
            # as scripts/run-prod.sh: a killed replica's lock is freed within the API's timeout
            "TICKET_LOCK_LIFETIME": "20",
            "RASA_URL": ",".join(f"http://127.0.0.1:{port}" for port in rasa_ports),
            "RASA_AUTH_TOKEN": secrets.token_urlsafe(24),
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{api_port}/webhook",
            "ACTION_ENDPOINT_TOKEN": secrets.token_urlsafe(24),
            "MADOGUCHI_ADMIN_TOKEN": os.environ.get(
                "MADOGUCHI_ADMIN_TOKEN", secrets.token_urlsafe(24)
            ),
            "MADOGUCHI_SEED_DEMO_CITY": "false",  # loaded as a step of its own, below
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "OMP_NUM_THREADS": "1",
            **(extra_env or {}),
        }
        endpoints = endpoints_with_prefix(work, f"{label}{run}")
        started: list[Replica] = []
        for port in rasa_ports:  # they load their model while the API's steps run
            log = work / f"rasa-{port}.log"
            command = [
                str(RASA), "run", "--model", str(MODEL), "--endpoints", str(endpoints),
                "--credentials", "bot/credentials.yml", "--interface", "127.0.0.1",
                "--port", str(port), "--enable-api", "--auth-token", env["RASA_AUTH_TOKEN"],
            ]  # fmt: skip
            process = start_group(command, env=env, cwd=REPO_ROOT, log=log)
            processes.append(process)
            started.append(Replica(f"http://127.0.0.1:{port}", port, log, process))
        for step in (["db", "upgrade"], ["city", "load", "demo_city"]):
            done = subprocess.run(
                [str(MADOGUCHI), *step], env=env, cwd=REPO_ROOT, capture_output=True, text=True
            )
            if done.returncode != 0:
                raise StackStartError(f"madoguchi {' '.join(step)} failed:\n{done.stderr[-3000:]}")
        api_log = work / "api.log"
        api = start_group(
            [
                str(UVICORN), "--factory", "api.main:app", "--host", "127.0.0.1",
                "--port", str(api_port), "--workers", str(api_workers), "--no-access-log",
                "--timeout-worker-healthcheck", "120",
            ],
            env=env, cwd=REPO_ROOT, log=api_log,
        )  # fmt: skip
        processes.append(api)
        status = f"/status?token={env['RASA_AUTH_TOKEN']}"
        api_url = f"http://127.0.0.1:{api_port}"
        waits = [(r.url, r.process, r.log, status) for r in started]
        waits.append((api_url, api, api_log, "/health"))
        with ThreadPoolExecutor(len(waits)) as pool:
            futures = [
                pool.submit(wait_healthy, url, [process], [log], startup_seconds, path=path)
                for url, process, log, path in waits
            ]
            for future in futures:
                try:
                    future.result()
                except RuntimeError as error:
                    raise StackStartError(str(error)) from None
        yield ProdStack(
            api_url=api_url,
            replicas=started,
            api=api,
            api_log=api_log,
            env=env,
            work=work,
            database_name=api_db,
            tracker_database_name=tracker_db,
            logs=[r.log for r in started] + [api_log],
        )
    finally:
        for process in processes:
            kill_group(process)
        for name in created:
            _execute(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _stop(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main() -> int:
    work = REPO_ROOT / "var" / "prod-stack"
    # Stopped by Ctrl-C or kill (SIGTERM), also in the background (where SIGINT is ignored).
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    with prod_stack(work) as stack:
        print(f"API {stack.api_url}\nRasa {stack.rasa_url}\nlogs under {work}", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
