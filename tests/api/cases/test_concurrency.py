"""Concurrent API workers: case numbers stay unique and gap-free, and a retried action never
creates a second case. Real commits, on SQLite and on PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from api.cases.models import Case
from api.cases.service import open_case
from api.core.db import build_engine, unit_of_work
from api.core.migrate import upgrade_database
from api.departments.service import upsert_departments
from tests.api.cases.test_service import new_case, route_to_roads
from tests.api.conftest import demo_departments

WORKERS = 8
CASES_PER_WORKER = 10
NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)


def _prepare(url: str) -> sessionmaker:
    upgrade_database(url)
    factory = sessionmaker(bind=build_engine(url), expire_on_commit=False)
    with unit_of_work(factory) as session:
        upsert_departments(session, demo_departments())
    return factory


def test_concurrent_cases_get_unique_consecutive_numbers(fresh_database_url: str) -> None:
    factory = _prepare(fresh_database_url)

    def worker(worker_id: int) -> list[str]:
        numbers = []
        for i in range(CASES_PER_WORKER):
            with unit_of_work(factory) as session:
                case, _ = open_case(
                    session,
                    new_case(idempotency_key=f"k-{worker_id}-{i}"),
                    route=route_to_roads,
                    actor="bot",
                    now=NOW,
                )
                numbers.append(case.case_number)
        return numbers

    with ThreadPoolExecutor(WORKERS) as pool:
        numbers = [n for batch in pool.map(worker, range(WORKERS)) for n in batch]
    total = WORKERS * CASES_PER_WORKER
    assert sorted(numbers) == [f"2026-{i:06d}" for i in range(1, total + 1)]


def test_concurrent_retries_of_one_action_create_one_case(fresh_database_url: str) -> None:
    factory = _prepare(fresh_database_url)

    def attempt(_: int) -> str:
        with unit_of_work(factory) as session:
            case, _ = open_case(
                session,
                new_case(idempotency_key="rasa:web:abc:same-message"),
                route=route_to_roads,
                actor="bot",
                now=NOW,
            )
            return case.case_number

    with ThreadPoolExecutor(WORKERS) as pool:
        numbers = set(pool.map(attempt, range(WORKERS * 2)))
    assert len(numbers) == 1
    with unit_of_work(factory) as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 1
