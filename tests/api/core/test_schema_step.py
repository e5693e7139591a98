"""Migrations are a step of their own: `madoguchi db upgrade` brings any database to head, is
idempotent and safe to run from several processes at once; the API refuses, with what to run,
to serve a database that is not at head."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from api.cli import main
from api.core.config import Settings
from api.core.migrate import (
    SchemaNotAtHeadError,
    current_revision,
    head_revision,
    upgrade_database,
)


@pytest.fixture
def database(fresh_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from api.core.config import get_settings
    from api.core.db import get_engine, get_sessionmaker

    monkeypatch.setenv("DATABASE_URL", fresh_database_url)
    caches = (get_settings, get_engine, get_sessionmaker)
    for cached in caches:
        cached.cache_clear()
    yield fresh_database_url
    get_engine().dispose()
    for cached in caches:
        cached.cache_clear()


def _revision(url: str) -> str | None:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return current_revision(connection)
    finally:
        engine.dispose()


def test_db_upgrade_brings_an_empty_database_to_head_and_is_idempotent(
    database: str, capsys: pytest.CaptureFixture
) -> None:
    assert _revision(database) is None
    assert main(["db", "check"]) == 1
    assert "madoguchi db upgrade" in capsys.readouterr().err

    assert main(["db", "upgrade"]) == 0
    assert _revision(database) == head_revision(database)
    assert main(["db", "upgrade"]) == 0  # nothing to do, no error
    assert _revision(database) == head_revision(database)
    assert main(["db", "check"]) == 0


def test_upgrades_started_together_do_not_race(database: str) -> None:
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: upgrade_database(database), range(4)))
    assert _revision(database) == head_revision(database)


def test_the_api_refuses_a_database_not_at_head(database: str) -> None:
    from api.main import create_app

    app = create_app(Settings(DATABASE_URL=database))  # type: ignore[call-arg]
    with pytest.raises(SchemaNotAtHeadError, match="madoguchi db upgrade"), TestClient(app):
        pass
