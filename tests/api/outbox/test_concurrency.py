"""Several API workers dispatching one outbox: every delivery is sent exactly once. Real
commits, on SQLite and on PostgreSQL (FOR UPDATE SKIP LOCKED)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import ClassVar

from sqlalchemy import func, select

from api.cases.models import Case
from api.cases.service import open_case
from api.channels.base import Outgoing
from api.channels.registry import ChannelRegistry
from api.core.db import unit_of_work
from api.outbox import service as outbox
from api.outbox.dispatcher import Dispatcher
from api.outbox.models import DeliveryState, OutboxDelivery
from tests.api.cases.test_concurrency import _prepare
from tests.api.cases.test_service import new_case, route_to_roads

DELIVERIES = 40
DISPATCHERS = 2


class CountingChannel:
    """A channel that takes its time and counts what it is asked to send."""

    name: ClassVar[str] = "line"
    not_configured: ClassVar[str] = ""

    def __init__(self) -> None:
        self.sent: Counter[str] = Counter()
        self._lock = threading.Lock()

    @staticmethod
    def parse_sender(sender_id: str | None) -> str | None:
        return sender_id

    def reachable(self, case: Case) -> bool:
        return True

    def recipient(self, case: Case) -> str:
        return case.sender_id or ""

    async def send(self, recipient: str, messages: Sequence[Outgoing], *, retry_key: str) -> None:
        await asyncio.sleep(0.005)
        with self._lock:
            self.sent[retry_key] += 1


def test_two_dispatchers_never_deliver_one_row_twice(fresh_database_url: str) -> None:
    factory = _prepare(fresh_database_url)
    channel = CountingChannel()
    channels = ChannelRegistry({"line": channel})
    with unit_of_work(factory) as session:
        case, _ = open_case(
            session,
            new_case(channel="line", sender_id="line:U0123", idempotency_key="k"),
            route=route_to_roads,
            actor="bot",
        )
        for i in range(DELIVERIES):
            outbox.enqueue(session, case, [Outgoing(f"お知らせ {i}")], channels=channels)

    def work(_: int) -> int:
        dispatcher = Dispatcher(factory, channels)
        handled = 0
        while (report := asyncio.run(dispatcher.deliver())).handled:
            handled += report.handled
            time.sleep(0.001)
        return handled

    with ThreadPoolExecutor(DISPATCHERS) as pool:
        handled = list(pool.map(work, range(DISPATCHERS)))
    assert sum(handled) == DELIVERIES
    assert len(channel.sent) == DELIVERIES and set(channel.sent.values()) == {1}
    with unit_of_work(factory, write=False) as session:
        states = session.execute(
            select(OutboxDelivery.state, func.count()).group_by(OutboxDelivery.state)
        ).all()
    assert dict(states) == {DeliveryState.delivered.value: DELIVERIES}
