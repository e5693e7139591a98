"""Starts the real Rasa server (bot environment) and the real API (uvicorn) as processes that
talk over HTTP on localhost, with a scratch SQLite database seeded with the demo city, and the
LINE channel pointed at a local LINE stub."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser

from bench.processes import free_port, wait_healthy
from tests.api.channels.line_stub import LineStub
from tests.conftest import ADMIN_TOKEN, REPO_ROOT, upgrade_schema
from tests.e2e.browser import launch

MODEL = REPO_ROOT / "models" / "madoguchi.tar.gz"
RASA = REPO_ROOT / ".venv" / "bot" / "bin" / "rasa"
UVICORN = REPO_ROOT / ".venv" / "api" / "bin" / "uvicorn"
STARTUP_SECONDS = 180
LINE_CHANNEL_SECRET = "e2e-line-channel-secret-41c7"
LINE_ACCESS_TOKEN = "e2e-line-access-token-9a2d"


@dataclass(frozen=True)
class Stack:
    api_url: str
    database_url: str
    admin_headers: dict[str, str]
    api_log: Path
    rasa_url: str = ""


def wait_knowledge_fresh(api_url: str, timeout: float = 120.0) -> None:
    """After an FAQ edit: until the bot answers with it (the knowledge is rebuilt in the
    background; /health says "rebuilding" until then)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        # a question first: a change made by the bot itself (a learned phrasing) starts the
        # rebuild when the next request sees it
        httpx.post(f"{api_url}/api/v1/faq/answer", json={"query": "ごみ"}, timeout=60)
        if httpx.get(f"{api_url}/health", timeout=10).json().get("knowledge") == "fresh":
            return
        time.sleep(0.2)
    raise AssertionError(f"the knowledge was not rebuilt within {timeout} s")


@pytest.fixture(scope="session")
def line_platform() -> Iterator[LineStub]:
    """The LINE platform of the stack's LINE channel (api and api-data in one stub)."""
    stub = LineStub(LINE_ACCESS_TOKEN)
    stub.start()
    yield stub
    stub.stop()


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory, line_platform: LineStub) -> Iterator[Stack]:
    assert MODEL.exists(), "train the model first: make train"
    work = tmp_path_factory.mktemp("e2e")
    api_port, rasa_port = free_port(), free_port()
    database_url = f"sqlite:///{work / 'madoguchi.db'}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MADOGUCHI_ADMIN_TOKEN": ADMIN_TOKEN,
        "MADOGUCHI_SEED_DEMO_CITY": "true",
        "RASA_URL": f"http://127.0.0.1:{rasa_port}",
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{api_port}/webhook",
        "ACTION_ENDPOINT_TOKEN": "e2e-action-token-7d1f3a",
        "TRACKER_STORE_DIALECT": "sqlite",
        "TRACKER_STORE_URL": f"sqlite:///{work / 'rasa-tracker.db'}",
        "LOCK_STORE_TYPE": "in_memory",
        "LOCK_STORE_HOST": "127.0.0.1",
        "RASA_AUTH_TOKEN": "e2e-rasa-token-5b0c9e",
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "LINE_CHANNEL_SECRET": LINE_CHANNEL_SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": LINE_ACCESS_TOKEN,
        "LINE_API_BASE_URL": line_platform.base_url,
        "LINE_DATA_API_BASE_URL": line_platform.base_url,
    }
    upgrade_schema(env)
    api_log, rasa_log = work / "api.log", work / "rasa.log"
    processes = [
        subprocess.Popen(
            [
                str(UVICORN),
                "--factory",
                "api.main:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(api_port),
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=api_log.open("w"),
            stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(
            [
                str(RASA),
                "run",
                "--model",
                str(MODEL),
                "--endpoints",
                "bot/endpoints.yml",
                "--credentials",
                "bot/credentials.yml",
                "--interface",
                "127.0.0.1",
                "--port",
                str(rasa_port),
                "--enable-api",
                "--auth-token",
                env["RASA_AUTH_TOKEN"],
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=rasa_log.open("w"),
            stderr=subprocess.STDOUT,
        ),
    ]
    try:
        api_url = f"http://127.0.0.1:{api_port}"
        wait_healthy(api_url, processes, [api_log, rasa_log], STARTUP_SECONDS)
        yield Stack(
            api_url,
            database_url,
            {"Authorization": f"Bearer {ADMIN_TOKEN}"},
            api_log,
            rasa_url=env["RASA_URL"],
        )
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with launch() as chromium:
        yield chromium
