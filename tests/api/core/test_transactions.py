"""On SQLite (WAL), a read never waits for a writer: the write lock is taken only by write
units of work; reads see the last committed state meanwhile."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from api.core.db import build_engine, read_mostly, unit_of_work
from api.core.migrate import upgrade_database
from api.departments.models import Department
from api.departments.service import upsert_departments
from tests.api.conftest import demo_departments


def _departments(tmp_path: Path) -> sessionmaker[Session]:
    url = f"sqlite:///{tmp_path / 'wal.db'}"
    upgrade_database(url)
    factory = sessionmaker(bind=build_engine(url), expire_on_commit=False)
    with unit_of_work(factory) as session:
        upsert_departments(session, demo_departments()[:1])
    return factory


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


def test_read_mostly_work_that_only_reads_does_not_wait_for_a_writer(tmp_path: Path) -> None:
    factory = _departments(tmp_path)
    with unit_of_work(factory) as writer:  # holds the write lock throughout
        writer.get(Department, "roads").name = "道路課（改称中）"
        writer.flush()
        # As a write it would wait for the lock (busy timeout), then fail.
        name = read_mostly(factory, lambda session: session.scalar(select(Department.name)))
    assert name == "道路維持課"


def test_read_mostly_runs_again_as_a_write_when_sqlite_refuses_the_upgrade(
    tmp_path: Path,
) -> None:
    factory = _departments(tmp_path)
    tries: list[str] = []

    def rename(session: Session) -> str:
        department = session.get(Department, "roads")  # the read begins this transaction
        assert department is not None
        tries.append(department.name)
        if len(tries) == 1:  # another writer commits meanwhile: this read is now stale
            with unit_of_work(factory) as other:
                other.get(Department, "roads").name = "道路課"
        department.name += "（改称）"
        session.flush()
        return department.name

    assert read_mostly(factory, rename) == "道路課（改称）"
    # The first try was refused and rolled back; the second read the other writer's name.
    assert tries == ["道路維持課", "道路課"]
    with unit_of_work(factory, write=False) as reader:
        assert reader.scalar(select(Department.name)) == "道路課（改称）"


def test_read_mostly_does_not_retry_other_database_errors(tmp_path: Path) -> None:
    factory = _departments(tmp_path)
    calls: list[int] = []

    def broken(session: Session) -> None:
        calls.append(1)
        session.execute(text("SELECT * FROM no_such_table"))

    with pytest.raises(OperationalError):
        read_mostly(factory, broken)
    assert calls == [1]
