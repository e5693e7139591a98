"""Faults under load on the production profile, with nothing lost: a Rasa replica killed, an
API worker killed, the database's connections dropped, LINE slow and failing. Every citizen
message gets the bot's answer or a clear retry answer (a 503 that says what is unavailable, or
the bot's polite 「もう一度お送りください」), never a 500; every case number a citizen was told
exists exactly once; a staff reply reaches LINE once.

The tests share one stack and run in order: after the first, one Rasa replica is left (the API
fails over to it, as it must)."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
import uuid
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text, update
from sqlalchemy.orm import sessionmaker

from api.cases.models import Case
from api.conversation.rasa_client import replica_order
from api.core.types import utcnow
from api.outbox.dispatcher import OutboxPolicy
from api.outbox.models import OutboxDelivery
from bench.processes import child_pids, kill_group
from tests.api.channels.conftest import open_road_report
from tests.api.channels.line_stub import Recorded
from tests.conftest import POSTGRES_URL
from tests.prod import citizens
from tests.prod.conftest import ProdStack

pytestmark = [pytest.mark.postgres, pytest.mark.e2e, pytest.mark.prod]

CONVERSATIONS = 8  # two of each script: four go through the report form to a case number
PUSH = "/v2/bot/message/push"


def _until(condition: Callable[[], Any], seconds: float, what: str, prod: ProdStack) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.2)
    raise AssertionError(f"{what}: not within {seconds} s\n{prod.tails()}")


def _under_load(
    prod: ProdStack,
    fault: Callable[[list[tuple[int, str]]], Coroutine[Any, Any, None]],
    *,
    after: int,
) -> list[citizens.Outcome]:
    """CONVERSATIONS citizens at once; `fault(senders)` runs once `after` of their messages were
    answered (the report conversations are then in the middle of the form)."""

    async def run() -> list[citizens.Outcome]:
        async with citizens.client(CONVERSATIONS) as client:
            progress = citizens.Progress()
            tasks = [
                asyncio.create_task(citizens.citizen(client, prod.api_url, i, progress))
                for i in range(CONVERSATIONS)
            ]
            try:
                await asyncio.wait_for(progress.reached(after), timeout=240)
            except asyncio.TimeoutError:  # not TimeoutError itself before Python 3.11
                raise AssertionError(
                    f"only {progress.answered} answers before the fault\n{prod.tails()}"
                ) from None
            await fault(progress.senders)
            return await asyncio.wait_for(asyncio.gather(*tasks), timeout=400)

    # A thread of its own: the browser tests' Playwright may keep an event loop running in
    # this one, and asyncio.run refuses to start inside it.
    with ThreadPoolExecutor(max_workers=1) as pool:
        outcomes = pool.submit(asyncio.run, run()).result()
    for outcome in outcomes:  # shown with -rP: what the fault did to each conversation
        print(
            f"{outcome.sender} script {outcome.script}: {outcome.answered} answered, "
            f"retries {outcome.retries}, dropped {outcome.dropped}, told {outcome.told}"
        )
    return outcomes


def test_a_rasa_replica_killed_mid_report(prod: ProdStack) -> None:
    killed: list[int] = []

    async def kill_busiest_replica(senders: list[tuple[int, str]]) -> None:
        # the replica most report conversations are on
        reports = [sender for script, sender in senders if script in citizens.REPORTS]
        firsts = [replica_order(s, len(prod.replicas))[0] for s in reports]
        index = max(range(len(prod.replicas)), key=firsts.count)
        kill_group(prod.replicas[index].process)
        killed.append(index)

    outcomes = _under_load(prod, kill_busiest_replica, after=CONVERSATIONS)
    assert prod.replicas[killed[0]].process.poll() is not None
    citizens.check_nothing_lost(outcomes, prod.database)


def _workers(prod: ProdStack) -> set[int]:
    """uvicorn's worker processes (spawned children running the server, not its helpers)."""
    workers = set()
    for pid in child_pids(prod.api.pid):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                if b"spawn_main" in cmdline.read():
                    workers.add(pid)
        except OSError:
            pass
    return workers


def test_an_api_worker_killed_under_load(prod: ProdStack) -> None:
    before = _until(lambda: len(_workers(prod)) == 2 and _workers(prod), 30, "2 workers", prod)
    victim: list[int] = []

    async def kill_a_worker(_: list[tuple[int, str]]) -> None:
        victim.append(min(before))
        os.kill(victim[0], signal.SIGKILL)

    outcomes = _under_load(prod, kill_a_worker, after=CONVERSATIONS)
    citizens.check_nothing_lost(outcomes, prod.database)
    # uvicorn replaced the worker, and the replacement comes up (the health check answers)
    after = _until(
        lambda: len(_workers(prod)) == 2 and victim[0] not in _workers(prod) and _workers(prod),
        150,
        "uvicorn did not replace the killed worker",
        prod,
    )
    assert after - before, "no new worker"
    assert prod.api.poll() is None, "the master exited"
    # ... and the replacement finished its startup (two at the start, one more now)
    _until(
        lambda: prod.api_log.read_text().count("Application startup complete") >= 3,
        180,
        "the new worker did not finish its startup",
        prod,
    )


def test_database_connections_dropped_under_load(prod: ProdStack) -> None:
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    terminated: list[int] = []

    def terminate() -> int:
        with admin.connect() as connection:
            return len(
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": prod.database_name},
                ).all()
            )

    async def drop_connections(_: list[tuple[int, str]]) -> None:
        for _round in range(3):  # idle pooled connections, then ones in the middle of work
            terminated.append(await asyncio.to_thread(terminate))
            await asyncio.sleep(1.0)

    try:
        outcomes = _under_load(prod, drop_connections, after=CONVERSATIONS)
    finally:
        admin.dispose()
    assert sum(terminated) > 0, "no connection of the API was terminated"
    citizens.check_nothing_lost(outcomes, prod.database)
    # afterwards: the pools have replaced their connections, the database is never missed again
    outcomes = _under_load(prod, _nothing, after=0)
    citizens.check_nothing_lost(outcomes, prod.database)
    missed = [r for o in outcomes for r in o.retries if "database_unavailable" in r]
    assert missed == [], missed


async def _nothing(_: list[tuple[int, str]]) -> None:
    return None


def _line_case(prod: ProdStack) -> tuple[str, Case]:
    """A LINE user of the test's own and a road report of theirs."""
    user = f"U{uuid.uuid4().hex}"
    factory = sessionmaker(bind=prod.database, expire_on_commit=False)
    with factory() as session:
        return user, open_road_report(session, channel="line", sender=f"line:{user}")


def _reply(prod: ProdStack, case: Case, body: str) -> None:
    """A staff reply to the case's citizen, which the route answers at once."""
    response = httpx.post(
        f"{prod.api_url}/api/v1/cases/{case.case_number}/replies",
        json={"body": body},
        headers=prod.admin_headers,
        timeout=30,
    )
    assert response.status_code == 200, response.text


def test_a_staff_reply_reaches_a_slow_then_failing_line_once(prod: ProdStack) -> None:
    """LINE first answers after 10 s (the API's LINE timeout is shorter), then with 503, then
    recovers: the staff route answers at once, the reply is pushed once, every attempt with
    the same X-Line-Retry-Key."""
    user, case = _line_case(prod)
    stub = prod.line
    respond = stub._respond
    attempts: list[str] = []
    accepted: set[str] = set()
    lock = threading.Lock()
    recovered = threading.Event()

    def line(record: Recorded) -> Any:
        if record.path != PUSH or record.json.get("to") != user:
            return respond(record)
        key = record.headers.get("x-line-retry-key", "")
        with lock:
            attempts.append(key)
            number = len(attempts)
        if number == 1:
            time.sleep(10)  # slow, and then an error: LINE did not take it
            return 504, {"message": "gateway timeout"}, "application/json"
        if number == 2 or not recovered.is_set():
            return 503, {"message": "service unavailable"}, "application/json"
        with lock:
            if key in accepted:  # what LINE answers to a retry key it accepted before
                return 409, {"message": "The retry key is already accepted"}, "application/json"
            accepted.add(key)
        return respond(record)

    stub._respond = line  # type: ignore[method-assign]
    try:
        _reply(prod, case, "現地を確認し、補修の手配をしました。")
        assert attempts == [] or len(attempts) == 1  # answered without waiting for LINE
        _until(lambda: len(attempts) >= 2, 120, "the outbox did not retry LINE", prod)
        recovered.set()
        _until(lambda: accepted, 180, "the reply never reached LINE after it recovered", prod)
        state = _until(
            lambda: _delivery_state(prod, case.id) == "delivered" and "delivered",
            60,
            "the delivery is not recorded as delivered",
            prod,
        )
        assert state == "delivered"
    finally:
        stub._respond = respond  # type: ignore[method-assign]
    assert len(accepted) == 1 and set(attempts) == accepted, attempts  # one key, taken once
    pushes = [r for r in stub.pushes if r.json.get("to") == user]
    assert all(p.json["messages"] == pushes[0].json["messages"] for p in pushes)
    history = httpx.get(
        f"{prod.api_url}/api/v1/cases/{case.case_number}", headers=prod.admin_headers, timeout=30
    ).json()
    kinds = [event["kind"] for event in history["events"]]
    assert kinds.count("replied") == 1 and "delivery_failed" not in kinds, kinds


def test_a_staff_reply_line_never_takes_is_shown_as_failed(prod: ProdStack) -> None:
    """LINE answers 503 to every attempt: the reply ends `failed`, and the case's history shows
    `delivery_failed` once. The wait between attempts (about 20 minutes over all of them) is
    skipped: once the first attempt failed, the row is moved to its last attempt, due now."""
    user, case = _line_case(prod)
    factory = sessionmaker(bind=prod.database, expire_on_commit=False)
    stub = prod.line
    respond = stub._respond
    attempts: list[str] = []

    def line(record: Recorded) -> Any:
        if record.path != PUSH or record.json.get("to") != user:
            return respond(record)
        attempts.append(record.headers.get("x-line-retry-key", ""))
        return 503, {"message": "service unavailable"}, "application/json"

    stub._respond = line  # type: ignore[method-assign]
    try:
        _reply(prod, case, "担当課から折り返しご連絡します。")
        _until(
            lambda: attempts and _delivery_state(prod, case.id) == "pending",
            60,
            "the first attempt did not fail into a retry",
            prod,
        )
        with factory() as session:
            moved = session.execute(
                update(OutboxDelivery)
                .where(OutboxDelivery.case_id == case.id, OutboxDelivery.state == "pending")
                .values(attempts=OutboxPolicy().max_attempts - 1, next_attempt_at=utcnow())
            ).rowcount
            session.commit()
        assert moved == 1
        _until(
            lambda: _delivery_state(prod, case.id) == "failed",
            60,
            "the delivery was not given up after its last attempt",
            prod,
        )
    finally:
        stub._respond = respond  # type: ignore[method-assign]
    assert len(set(attempts)) == 1 and len(attempts) >= 2, attempts  # one retry key throughout
    history = httpx.get(
        f"{prod.api_url}/api/v1/cases/{case.case_number}", headers=prod.admin_headers, timeout=30
    ).json()
    kinds = [event["kind"] for event in history["events"]]
    assert kinds.count("delivery_failed") == 1, kinds


def _delivery_state(prod: ProdStack, case_id: int) -> str | None:
    with prod.database.connect() as connection:
        return connection.scalar(
            text("SELECT state FROM outbox_deliveries WHERE case_id = :id"), {"id": case_id}
        )
