"""On SQLite (WAL), a read never waits for a writer: the write lock is taken only by write
units of work; reads see the last committed state meanwhile."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from api.core.db import build_engine, unit_of_work
from api.core.migrate import upgrade_database
from api.departments.models import Department
from api.departments.service import upsert_departments
from tests.api.conftest import demo_departments


def test_a_read_is_not_blocked_while_a_write_transaction_is_open(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'wal.db'}"
    upgrade_database(url)
    engine = build_engine(url)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with unit_of_work(factory) as session:
        upsert_departments(session, demo_departments()[:1])

    with unit_of_work(factory) as writer:  # holds SQLite's write lock until the block ends
        writer.get(Department, "roads").name = "道路課（改称中）"
        writer.flush()
        # Another connection reads meanwhile: it would wait for the lock (busy timeout, then
        # "database is locked") if reads took it; it sees the committed name.
        with unit_of_work(factory, write=False) as reader:
            assert reader.connection() is not writer.connection()
            assert reader.scalar(select(Department.name)) == "道路維持課"
    with unit_of_work(factory, write=False) as reader:
        assert reader.scalar(select(Department.name)) == "道路課（改称中）"
    engine.dispose()
