"""Shared fixtures: a migrated database (SQLite and the machine's PostgreSQL), a session inside
a transaction that is rolled back after each test, and an API client bound to that session."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

# The API refuses to start without a real-looking secret; tests use their own.
os.environ.setdefault("MADOGUCHI_ADMIN_TOKEN", "test-admin-token-4f9c2e7a1b")
os.environ.setdefault("MADOGUCHI_SEED_DEMO_CITY", "false")
# In-process tests call the action server directly (tests/actions); the token check has its own
# test, and the end-to-end stack sets a token of its own for Rasa and the API.
os.environ.pop("ACTION_ENDPOINT_TOKEN", None)

REPO_ROOT = Path(__file__).resolve().parents[1]
POSTGRES_URL = os.environ.get(
    "MADOGUCHI_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
ADMIN_TOKEN = os.environ["MADOGUCHI_ADMIN_TOKEN"]
MADOGUCHI = REPO_ROOT / ".venv" / "api" / "bin" / "madoguchi"


def upgrade_schema(env: dict[str, str]) -> None:
    """`madoguchi db upgrade` on env's DATABASE_URL: the step before starting the API."""
    import subprocess

    subprocess.run([str(MADOGUCHI), "db", "upgrade"], env=env, cwd=REPO_ROOT, check=True)


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'madoguchi-test.db'}"


@contextmanager
def scratch_postgres_database(prefix: str) -> Iterator[str]:
    """A database of its own on the machine's PostgreSQL (its URL), dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A database of its own on the machine's PostgreSQL, dropped at the end."""
    with scratch_postgres_database("madoguchi_test") as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fresh_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of the test's own, for tests that must really commit."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    with scratch_postgres_database("madoguchi_fresh") as url:
        yield url
