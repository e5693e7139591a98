"""The closed loop of the load test, on an in-process stand-in of a chat path: N citizens at
once, each waiting for its answer, new conversations when a script ends, only the messages
answered within the window counted, and the two paths taking turns."""

from __future__ import annotations

import asyncio
import itertools
import re

import pytest

from bench.loadtest import (
    LAST_CASE,
    SCRIPTS,
    ChatPath,
    Conversation,
    closed_loop,
    closed_rounds,
)


class FakePath:
    """Answers after `delay` seconds; records how many messages were in flight at once."""

    def __init__(self, name: str, delay: float, log: list[str] | None = None) -> None:
        self.name = name
        self.delay = delay
        self.opened = 0
        self.in_flight = 0
        self.most_in_flight = 0
        self.log = log if log is not None else []
        self.positions: list[int] = []  # each message's place in its conversation

    async def open(self, number: int) -> Conversation:
        self.opened += 1
        return Conversation(f"web:{number:032x}", SCRIPTS[number % len(SCRIPTS)])

    async def send(self, conversation: Conversation) -> bool:
        self.positions.append(conversation.sent)
        conversation.sent += 1
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        self.log.append(self.name)
        await asyncio.sleep(self.delay)
        self.in_flight -= 1
        return True


def test_citizens_keep_talking_in_new_conversations_until_the_window_ends() -> None:
    path = FakePath("api", delay=0.005)
    samples, wall = asyncio.run(closed_loop(path, 3, 0.4))  # type: ignore[arg-type]
    assert wall == 0.4
    assert path.most_in_flight == 3  # never more than one message per citizen
    # Scripts have 5 messages: the citizens went on in new conversations.
    assert path.opened > 3
    assert len(samples) > 3 * len(SCRIPTS[0])
    assert all(s.ok for s in samples)


def test_a_message_answered_after_the_window_is_not_counted() -> None:
    path = FakePath("api", delay=0.3)
    # Each citizen's first message is answered at 0.3 s, inside; the second, due at 0.3 s and
    # answered at 0.6 s, is awaited but falls outside the 0.45 s window.
    samples, _ = asyncio.run(closed_loop(path, 2, 0.45))  # type: ignore[arg-type]
    assert len(samples) == 2
    assert sum(1 for name in path.log if name == "api") == 4


def test_the_paths_take_turns_and_add_up_their_rounds() -> None:
    log: list[str] = []
    paths = {"rasa": FakePath("rasa", 0.01, log), "api": FakePath("api", 0.01, log)}
    measured = asyncio.run(closed_rounds(paths, 2, 0.3, rounds=3))  # type: ignore[arg-type]
    for samples, wall in measured.values():
        assert wall == pytest.approx(0.3)  # three rounds of 0.1 s
        assert samples
    turns = [name for i, name in enumerate(log) if i == 0 or log[i - 1] != name]
    assert turns == ["rasa", "api"] * 3


def test_citizens_go_on_with_their_conversations_in_the_next_turn() -> None:
    """A turn does not restart the conversations: each citizen's first message of the second
    turn follows the messages of its first (not a conversation's first message again)."""
    path = FakePath("api", delay=0.06)  # two messages a turn of 0.1 s: sent at 0 and 0.06 s
    asyncio.run(closed_rounds({"api": path}, 2, 0.2, rounds=2))  # type: ignore[arg-type]
    assert path.opened == 2  # one conversation per citizen: four messages of its five
    assert sorted(path.positions) == [0, 0, 1, 1, 2, 2, 3, 3]


def test_each_message_knows_when_in_its_turn_it_was_answered() -> None:
    """The settled figure counts from a few seconds into each turn: the times must be the
    turn's own, not the run's."""
    path = FakePath("api", delay=0.1)
    measured = asyncio.run(closed_rounds({"api": path}, 2, 0.5, rounds=2))  # type: ignore[arg-type]
    samples, _ = measured["api"]
    times = [s.answered_at for s in samples]
    assert min(times) == pytest.approx(0.1, abs=0.05)  # a first answer in each turn
    assert sum(1 for t in times if t < 0.15) == 4  # 2 citizens × 2 turns
    assert max(times) <= 0.25


def test_every_conversation_reports_its_own_place_and_phone() -> None:
    """Reports are other texts in each conversation (their entities are found afresh); the
    case number the bot gave is asked about."""
    report = next(script for script in SCRIPTS if LAST_CASE in " ".join(script))

    def messages(number: int) -> list[str]:
        conversation = Conversation("web:x", report, number=number, last_case="2026-000042")
        said = []
        while not conversation.done:
            said.append(conversation.next_message())
            conversation.sent += 1
        return said

    first, second = messages(1), messages(2)
    assert first[0] != second[0] and first[1] != second[1]  # place, phone
    assert re.fullmatch(r"0\d0-\d{4}-\d{4}", first[1])
    assert "2026-000042" in first[3]
    assert not any("{" in text for number in range(500) for text in messages(number))
    assert len({messages(number)[0] for number in range(3000)}) == 3000


def test_no_two_conversations_of_a_run_report_the_same_place() -> None:
    """Both paths draw their conversations' places from one sequence: the second path of a
    turn never meets a report whose entities the first one's turn already found."""
    places = itertools.count()
    client = None  # a Rasa path opens its conversations without the network
    paths = [ChatPath("rasa", client, "", "http://rasa", places) for _ in range(2)]  # type: ignore[arg-type]

    async def open_all() -> list[Conversation]:
        return [
            await path.open(citizen) for _ in range(3) for path in paths for citizen in range(4)
        ]

    numbers = [conversation.number for conversation in asyncio.run(open_all())]
    assert len(set(numbers)) == len(numbers) == 24
