"""Engine, sessions, and the one place where a request's unit of work commits or rolls back."""

from __future__ import annotations

import re
import select
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import Depends
from sqlalchemy import Engine, MetaData, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from api.core.config import get_settings

# Stable constraint names, so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# Execution option of a connection whose transaction writes (see _configure_sqlite).
WRITE_OPTION = "madoguchi_write"
# Execution option of a connection that reads outside a transaction (read_mostly): a statement
# that would write is refused before it is sent.
READ_ONLY_OPTION = "madoguchi_read_only"
# What such a connection may send: a plain SELECT (not a WITH, whose parts may write; no row
# locks, which mean nothing outside a transaction).
_PLAIN_SELECT = re.compile(r"\s*SELECT\b", re.IGNORECASE)
_LOCKING = re.compile(r"\bFOR\s+(?:UPDATE|NO\s+KEY\s+UPDATE|SHARE|KEY\s+SHARE)\b", re.IGNORECASE)

# Connections a worker keeps to a database server, and how many more it may open at a peak.
# A worker runs up to 40 units of work at once (anyio's thread pool: chat messages and Rasa's
# action calls, several per message); with SQLAlchemy's default of 5 kept, every connection
# past the fifth was opened for one unit of work and closed after it, a new PostgreSQL backend
# each time (tens of them a second under load). Connections are opened on demand only.
POOL_SIZE = 20
POOL_MAX_OVERFLOW = 20


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # pysqlite's own transaction handling breaks SAVEPOINTs (a RELEASE would commit);
        # SQLAlchemy takes over, as its SQLite documentation recommends.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")  # readers don't block the writer
        cursor.execute("PRAGMA busy_timeout=10000")  # wait for the writer instead of failing
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:  # type: ignore[no-untyped-def]
        # A read (DEFERRED) takes no lock: in WAL mode it reads the last committed state while
        # a writer works. A write unit of work (IMMEDIATE) takes the write lock up front: one
        # that reads, then writes, would otherwise fail at once with SQLITE_BUSY when another
        # writer committed in between (case numbers, idempotent inserts read before writing).
        options = connection.get_execution_options()
        if options.get(READ_ONLY_OPTION):
            return  # each statement its own transaction (read_mostly): sqlite3 commits none
        write = options.get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN DEFERRED")


class _WriteWantedError(Exception):
    """A unit of work begun as a read outside a transaction reached a statement that writes."""


def _reads_only(statement: str) -> bool:
    return bool(_PLAIN_SELECT.match(statement)) and not _LOCKING.search(statement)


def _server_spoke(dbapi_connection: Any) -> bool:
    """Whether the server sent something on an idle connection, or closed it: it only does so
    when it ends the connection (restart, failover, a terminated backend: an error message, then
    the end of the stream). A look at the socket, not a round trip."""
    try:
        poll = select.poll()
        poll.register(dbapi_connection.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
        return bool(poll.poll(0))
    except (OSError, ValueError, AttributeError, TypeError):  # closed already
        return True


def _configure_postgresql(engine: Engine) -> None:
    @event.listens_for(engine, "checkout")
    def _replace_if_ended(dbapi_connection, _record, _proxy) -> None:  # type: ignore[no-untyped-def]
        # The pool then discards the connection and checks out another (or opens one).
        if _server_spoke(dbapi_connection):
            raise DisconnectionError("the database server ended this connection")


def _refuse_writes_outside_transactions(engine: Engine) -> None:
    @event.listens_for(engine, "before_cursor_execute")
    def _refuse_writes(conn, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        if conn.get_execution_options().get(READ_ONLY_OPTION) and not _reads_only(statement):
            raise _WriteWantedError(statement.split(None, 1)[0])


def build_engine(database_url: str) -> Engine:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        _configure_sqlite(engine)
    else:
        # The most recently returned connection first (LIFO): a quiet worker keeps using a few
        # warm connections. One the server ended (restart, failover, terminated backend) is
        # replaced at checkout (_replace_if_ended), by a look at its socket: SQLAlchemy's
        # pre-ping would cost a round trip to the server for every unit of work.
        engine = create_engine(
            url, pool_size=POOL_SIZE, max_overflow=POOL_MAX_OVERFLOW, pool_use_lifo=True
        )
        _configure_postgresql(engine)
    _refuse_writes_outside_transactions(engine)
    return engine


@lru_cache
def get_engine() -> Engine:
    return build_engine(get_settings().database_url)


@lru_cache
def get_sessionmaker() -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(), expire_on_commit=False)


def begin_write(session: Session) -> Session:
    """Begins `session`'s transaction as a write: on SQLite it takes the write lock now, so a
    read-then-write cannot fail halfway with SQLITE_BUSY. Call before the first statement."""
    session.connection(execution_options={WRITE_OPTION: True})
    return session


@contextmanager
def unit_of_work(
    factory: sessionmaker[Session] | None = None, *, write: bool = True
) -> Iterator[Session]:
    """Commit once when the block succeeds, roll back when it raises. `write=False` for a block
    that only reads: on SQLite it then never waits for a writer (nor makes one wait). Keep
    blocks short, and never wait on the network inside one."""
    session = (factory or get_sessionmaker())()
    try:
        if write:
            begin_write(session)
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


T = TypeVar("T")


def _write_refused(error: OperationalError) -> bool:
    """SQLite would not turn a read transaction into a write: another writer holds the lock or
    committed since this transaction first read (it does not wait then, to avoid deadlock)."""
    return "database is locked" in str(error.orig)


def insert_for(session: Session) -> Callable[..., postgresql.Insert | sqlite.Insert]:
    """The `insert` of the session's database dialect (PostgreSQL or SQLite), whose statements
    have `on_conflict_do_nothing` / `on_conflict_do_update`: an idempotent insert or an upsert
    in one statement."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def read_mostly(factory: sessionmaker[Session], work: Callable[[Session], T]) -> T:
    """`work` in one unit of work that usually only reads, begun as a read outside a
    transaction: no BEGIN and no COMMIT (on PostgreSQL two round trips), and on SQLite it
    neither waits for writers nor makes them wait. When `work` reaches a statement that writes,
    the statement is refused unsent and `work` runs again from the start as a write unit of
    work. Outside a transaction each statement reads its own snapshot: work whose reads must
    agree with each other belongs in `unit_of_work`. `work` must act on the database only, and
    must let database errors through."""
    bind = factory.kw.get("bind")
    if isinstance(bind, Engine):
        options: dict[str, object] = {READ_ONLY_OPTION: True}
        if bind.dialect.name == "postgresql":  # (sqlite3 connections are in autocommit already)
            options["isolation_level"] = "AUTOCOMMIT"
        with factory() as session:
            try:
                session.connection(execution_options=options)
                return work(session)
            except _WriteWantedError:
                pass  # nothing was written: the statement that would have was refused
    else:  # sessions bound to one connection (tests): a read transaction, upgraded if need be
        try:
            with unit_of_work(factory, write=False) as session:
                return work(session)
        except OperationalError as error:
            if not _write_refused(error):
                raise
    with unit_of_work(factory) as session:
        return work(session)


async def get_session_factory() -> sessionmaker[Session]:
    """FastAPI dependency; tests override it to bind sessions to a rolled-back transaction.
    A coroutine: FastAPI runs a plain function dependency in the thread pool, a hop on every
    request (the chat's, each Rasa action's) for what returns a cached object."""
    return get_sessionmaker()


def get_session(
    factory: Annotated[sessionmaker[Session], Depends(get_session_factory)],
) -> Iterator[Session]:
    """FastAPI dependency: one unit of work per request (a write, in case the route writes)."""
    with unit_of_work(factory) as session:
        yield session


def get_read_session(
    factory: Annotated[sessionmaker[Session], Depends(get_session_factory)],
) -> Iterator[Session]:
    """FastAPI dependency for routes that only read: never waits for a writer on SQLite."""
    with unit_of_work(factory, write=False) as session:
        yield session
