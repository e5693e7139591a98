"""The production profile as `make run-prod` starts it, once per module, from bench.prod_stack
(the load test's `--profile prod` starts the same): scratch PostgreSQL databases for the API
and Rasa's tracker store, Redis as Rasa's lock store under a key prefix of the run's own, two
Rasa replicas, the API with two uvicorn workers; LINE is a stub in this process. Each process
leads a process group of its own, so a test can kill -9 it; everything is removed afterwards,
also after a failure."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine

from bench import prod_stack
from tests.api.channels.line_stub import LineStub
from tests.conftest import ADMIN_TOKEN, POSTGRES_URL

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
class ProdStack:
    """The running stack, with what the tests add: the API's database for their own checks,
    the LINE stub, the admin's headers."""

    stack: prod_stack.ProdStack
    database: Engine
    line: LineStub
    admin_headers: dict[str, str]

    @property
    def api_url(self) -> str:
        return self.stack.api_url

    @property
    def replicas(self) -> list[prod_stack.Replica]:
        return self.stack.replicas

    @property
    def api(self) -> subprocess.Popen:
        return self.stack.api

    @property
    def api_log(self) -> Path:
        return self.stack.api_log

    @property
    def database_name(self) -> str:
        return self.stack.database_name

    @property
    def env(self) -> dict[str, str]:
        return self.stack.env

    def tails(self) -> str:
        return self.stack.tails()


@pytest.fixture(scope="module")
def prod(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProdStack]:
    assert prod_stack.MODEL.exists(), "train the model first: make train"
    line = LineStub(LINE_ACCESS_TOKEN)
    line.start()
    extra_env = {
        "MADOGUCHI_ADMIN_TOKEN": ADMIN_TOKEN,
        "LINE_CHANNEL_SECRET": LINE_SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": LINE_ACCESS_TOKEN,
        "LINE_API_BASE_URL": line.base_url,
        "LINE_DATA_API_BASE_URL": line.base_url,
        "LINE_TIMEOUT_SECONDS": "5",  # shorter than the slow LINE of the tests (10 s)
    }
    try:
        with prod_stack.prod_stack(
            tmp_path_factory.mktemp("prod"),
            label="faults",
            postgres_url=POSTGRES_URL,
            extra_env=extra_env,
        ) as stack:
            database = create_engine(stack.database_url, pool_pre_ping=True)
            try:
                yield ProdStack(
                    stack=stack,
                    database=database,
                    line=line,
                    admin_headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
                )
            finally:
                database.dispose()
    finally:
        line.stop()
