"""The database schema: `madoguchi db upgrade` applies the Alembic migrations, serialised so
that two upgrades never race; the API only checks, at start-up, that the schema is at head
(several workers start at once: none of them migrates)."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url

from api.core.config import REPO_ROOT

# pg_advisory_lock key of schema upgrades (any constant; "madoguchi" in ASCII, truncated).
_PG_LOCK_KEY = 0x6D61646F6775


class SchemaNotAtHeadError(RuntimeError):
    """The database is not at the schema this code needs."""


def alembic_config(database_url: str) -> Config:
    config = Config(str(REPO_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(REPO_ROOT / "api" / "migrations"))
    # ConfigParser treats % as interpolation; URLs may contain %-escapes.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def head_revision(database_url: str) -> str:
    head = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
    assert head is not None, "no migrations"
    return head


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at (None: an empty database)."""
    return MigrationContext.configure(connection).get_current_revision()


@contextmanager
def _sqlite_lock(database: str) -> Iterator[None]:
    """An exclusive lock on a file next to the database, held for the whole upgrade."""
    path = Path(database).with_name(Path(database).name + ".upgrade-lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def upgrade_database(database_url: str) -> None:
    """Brings the database to head; safe to run from several processes at once (the second
    waits for the first, then finds nothing to do) and again and again."""
    from api.core.db import build_engine

    url = make_url(database_url)
    config = alembic_config(database_url)
    if url.get_backend_name() == "postgresql":
        engine = build_engine(database_url)
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_LOCK_KEY})
                connection.commit()
                try:
                    config.attributes["connection"] = connection
                    command.upgrade(config, "head")
                    connection.commit()
                finally:
                    connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK_KEY})
                    connection.commit()
        finally:
            engine.dispose()
        return
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        with _sqlite_lock(url.database):
            command.upgrade(config, "head")
        return
    command.upgrade(config, "head")


def check_schema(connection: Connection, database_url: str) -> None:
    """Raises SchemaNotAtHeadError, saying what to run, unless the schema is at head."""
    current, head = current_revision(connection), head_revision(database_url)
    if current != head:
        where = "empty" if current is None else f"at revision {current}"
        raise SchemaNotAtHeadError(
            f"the database is {where}; this version of madoguchi needs revision {head}: "
            f"run `madoguchi db upgrade` (with the same DATABASE_URL) before starting the API"
        )
