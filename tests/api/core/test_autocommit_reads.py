"""`read_mostly` reads outside a transaction (no BEGIN, no COMMIT: on PostgreSQL two round
trips): the chat reads a conversation's state before every message. A statement that would
write is refused before it is sent, and the work runs again as a write unit of work."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine, create_engine, event, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from api.core.db import _reads_only, build_engine, read_mostly, unit_of_work
from api.core.migrate import upgrade_database
from api.departments.models import Department
from api.departments.service import upsert_departments
from tests.api.conftest import demo_departments
from tests.conftest import scratch_postgres_database


def _engine(url: str) -> Engine:
    upgrade_database(url)
    engine = build_engine(url)
    with unit_of_work(sessionmaker(bind=engine)) as session:
        upsert_departments(session, demo_departments()[:1])
    return engine


@contextmanager
def _postgres_engine() -> Iterator[Engine]:
    with scratch_postgres_database("madoguchi_reads") as url:
        engine = _engine(url)
        try:
            yield engine
        finally:
            engine.dispose()


@pytest.fixture
def engine() -> Iterator[Engine]:
    """PostgreSQL's."""
    with _postgres_engine() as engine:
        yield engine


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def either(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """SQLite's (a file, in WAL mode) or PostgreSQL's."""
    if request.param == "sqlite":
        engine = _engine(f"sqlite:///{tmp_path / 'reads.db'}")
        yield engine
        engine.dispose()
        return
    with _postgres_engine() as engine:
        yield engine


def _in_transaction(session: Session) -> bool:
    """Whether the database connection under `session` is inside a transaction."""
    dbapi = session.connection().connection.dbapi_connection
    if session.get_bind().dialect.name == "sqlite":
        return dbapi.in_transaction
    return dbapi.info.transaction_status != psycopg.pq.TransactionStatus.IDLE


def _factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def _table_locked_by_another(engine: Engine) -> bool:
    """Whether a transaction elsewhere still holds a lock on the departments table."""
    with engine.connect() as other:
        other.execute(text("SET lock_timeout = '100ms'"))
        try:
            other.execute(text("LOCK TABLE departments IN ACCESS EXCLUSIVE MODE"))
        except DBAPIError:  # lock_timeout: the lock is held elsewhere
            return True
        finally:
            other.rollback()
    return False


@pytest.mark.postgres
def test_a_read_holds_no_transaction_while_its_work_goes_on(engine: Engine) -> None:
    def read(session: Session) -> tuple[str | None, bool]:
        name = session.scalar(select(Department.name))
        # In a transaction, the read would keep its lock on the table until the commit.
        return name, _table_locked_by_another(engine)

    assert read_mostly(_factory(engine), read) == ("道路維持課", False)
    # The check itself sees a lock held by a transaction (it would fail the other way).
    with unit_of_work(_factory(engine)) as session:
        session.scalar(select(Department.name))
        assert _table_locked_by_another(engine)


def test_a_sqlite_read_begins_no_transaction(tmp_path: Path) -> None:
    engine = _engine(f"sqlite:///{tmp_path / 'reads.db'}")
    sent: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: sent.append(a[2].split()[0]))

    def read(session: Session) -> tuple[str | None, bool]:
        name = session.scalar(select(Department.name))
        return name, _in_transaction(session)

    assert read_mostly(_factory(engine), read) == ("道路維持課", False)
    assert sent == ["SELECT"]  # no BEGIN DEFERRED
    engine.dispose()


def test_work_that_writes_runs_again_in_a_transaction_and_writes_once(either: Engine) -> None:
    engine = either
    sent: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: sent.append(a[2].split()[0]))
    tries: list[str] = []

    def rename(session: Session) -> str:
        department = session.get(Department, "roads")
        assert department is not None
        tries.append(department.name)
        department.name += "（改称）"
        session.flush()
        return department.name

    assert read_mostly(_factory(engine), rename) == "道路維持課（改称）"
    assert tries == ["道路維持課", "道路維持課"]  # the first try stopped at its write
    assert sent.count("UPDATE") == 1  # the refused one was never sent
    with unit_of_work(_factory(engine), write=False) as session:
        assert session.scalar(select(Department.name)) == "道路維持課（改称）"


@pytest.mark.postgres
def test_a_locking_read_runs_in_a_transaction(engine: Engine) -> None:
    tries: list[bool] = []

    def lock(session: Session) -> str | None:
        tries.append(True)
        return session.scalar(select(Department.name).with_for_update())

    assert read_mostly(_factory(engine), lock) == "道路維持課"
    assert len(tries) == 2  # FOR UPDATE means nothing outside a transaction


def test_other_errors_are_not_retried(either: Engine) -> None:
    engine = either
    calls: list[int] = []

    def broken(session: Session) -> None:
        calls.append(1)
        session.execute(text("SELECT * FROM no_such_table"))

    with pytest.raises(DBAPIError):
        read_mostly(_factory(engine), broken)
    assert calls == [1]
    # The connection went back to the pool usable, in a transaction again for the next one.
    with unit_of_work(_factory(engine)) as session:
        session.scalar(select(Department.name))
        assert _in_transaction(session)


@pytest.mark.parametrize(
    ("statement", "reads"),
    [
        ("SELECT 1", True),
        ("  select a from b", True),
        ("WITH x AS (INSERT INTO t VALUES (1) RETURNING a) SELECT * FROM x", False),
        ("INSERT INTO t VALUES (1)", False),
        ("UPDATE t SET a = 1", False),
        ("DELETE FROM t", False),
        ("SELECT a FROM t FOR UPDATE", False),
        ("SELECT a FROM t FOR NO KEY UPDATE SKIP LOCKED", False),
        ("SELECT a FROM t FOR SHARE", False),
    ],
)
def test_which_statements_may_run_outside_a_transaction(statement: str, reads: bool) -> None:
    assert _reads_only(statement) is reads


def _backend(session: Session) -> int:
    return session.scalar(text("SELECT pg_backend_pid()"))


def _terminate(engine: Engine, pid: int) -> None:
    """Ends backend `pid` from another connection, as a restart or an operator would; returns
    once it is gone. (Not from `engine`'s pool, whose next connection is `pid`'s.)"""
    with create_engine(engine.url, poolclass=NullPool).connect() as admin:
        admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        for _ in range(100):
            gone = admin.scalar(
                text("SELECT count(*) = 0 FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
            )
            if gone:
                return
            time.sleep(0.05)
    raise AssertionError(f"backend {pid} did not end")


@pytest.mark.postgres
def test_a_pooled_connection_the_server_ended_is_replaced_before_use(engine: Engine) -> None:
    factory = _factory(engine)
    with unit_of_work(factory, write=False) as session:
        ended = _backend(session)
    _terminate(engine, ended)
    # The pool hands out its most recent connection first: the ended one, replaced unseen.
    with unit_of_work(factory) as session:
        assert _backend(session) != ended
    assert read_mostly(factory, _backend) != ended
