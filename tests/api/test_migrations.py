"""The Alembic migrations create exactly the tables the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from api.core.db import Base, build_engine
from api.core.migrate import upgrade_database
from api.core.models import import_all_models


def test_migrations_match_models(fresh_database_url: str) -> None:
    upgrade_database(fresh_database_url)
    import_all_models()
    engine = build_engine(fresh_database_url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []


def test_upgrade_twice_is_harmless(fresh_database_url: str) -> None:
    upgrade_database(fresh_database_url)
    upgrade_database(fresh_database_url)
