"""Several Rasa replicas: each conversation goes to the replica its sender hashes to, and to
the next one when that replica refuses connections (the real Rasa server answers)."""

from __future__ import annotations

import asyncio
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from api.conversation.rasa_client import RasaClient, replica_order
from bench.processes import free_port
from tests.e2e.conftest import Stack


def _closed_port() -> int:
    return free_port()  # nobody listens once the port is given back


def test_conversations_are_spread_over_replicas_stably() -> None:
    senders = [f"web:{i:032x}" for i in range(1000)]
    first = Counter(replica_order(sender, 2)[0] for sender in senders)
    assert 400 < first[0] < 600 and first[0] + first[1] == 1000
    assert all(replica_order(s, 3) == replica_order(s, 3) for s in senders[:50])
    assert sorted(replica_order(senders[0], 3)) == [0, 1, 2]


def test_a_conversation_fails_over_to_a_replica_that_is_up(stack: Stack) -> None:
    client = RasaClient(f"http://127.0.0.1:{_closed_port()},{stack.rasa_url}", 30.0)
    sender = next(
        s for s in (f"web:failover{i:024x}" for i in range(100)) if replica_order(s, 2)[0] == 0
    )

    async def converse() -> list[dict]:
        try:
            return await client.send(sender, "こんにちは")
        finally:
            await client.close()

    # The browser tests' Playwright runs an event loop in this thread: a thread of its own.
    with ThreadPoolExecutor(1) as pool:
        replies = pool.submit(asyncio.run, converse()).result()
    assert any("みどり野市" in (reply.get("text") or "") for reply in replies)
