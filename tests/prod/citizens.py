"""Citizens under load: the load test's conversation scripts (bench/loadtest.py) through
POST /api/v1/chat, each with its own chat session, the way the widget behaves when the API
cannot answer: the same message again after a pause (bounded)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import Engine, text

from api.i18n import translate
from bench.loadtest import CASE_NUMBER, SCRIPTS, Conversation

# What the API may answer instead of the bot, and only these: a 503 whose code says what is
# unavailable, or the bot's polite 「もう一度お送りください」 when the bot said nothing.
RETRY_CODES = {"rasa_unavailable", "database_unavailable"}
NO_REPLY = translate("ja", "no_reply")
REPORTS = (1, 3)  # the scripts that go through the report form to a case number
ATTEMPTS = 8
PAUSE_SECONDS = 2.0


@dataclass
class Outcome:
    sender: str
    script: int
    answered: int = 0  # messages the bot answered (200 with bot messages)
    retries: list[str] = field(default_factory=list)  # "503 rasa_unavailable", "no_reply" …
    dropped: list[str] = field(default_factory=list)  # connection lost (a killed worker)
    wrong: list[str] = field(default_factory=list)  # anything else: a failure of the product
    told: list[str] = field(default_factory=list)  # case numbers the bot said
    unanswered: list[str] = field(default_factory=list)  # messages given up on


class Progress:
    """What the citizens have done so far: their senders (in order) and the answers they got."""

    def __init__(self) -> None:
        self.senders: list[tuple[int, str]] = []  # (script, sender)
        self.answered = 0
        self._changed = asyncio.Event()

    def answer(self) -> None:
        self.answered += 1
        self._changed.set()

    async def reached(self, answers: int) -> None:
        while self.answered < answers:
            self._changed.clear()
            await self._changed.wait()


async def open_conversation(client: httpx.AsyncClient, api_url: str, number: int) -> Conversation:
    for _ in range(ATTEMPTS):
        try:
            response = await client.post(f"{api_url}/api/v1/chat/sessions")
        except httpx.TransportError:
            await asyncio.sleep(PAUSE_SECONDS)
            continue
        if response.status_code == 201:
            body = response.json()
            return Conversation(
                body["sender"],
                SCRIPTS[number % len(SCRIPTS)],
                {"Authorization": f"Bearer {body['token']}"},
            )
        await asyncio.sleep(PAUSE_SECONDS)
    raise AssertionError(f"no chat session opened in {ATTEMPTS} attempts")


def _error_code(response: httpx.Response) -> str:
    try:
        body: Any = response.json()
        return str(body["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return "unreadable"


async def send(
    client: httpx.AsyncClient,
    api_url: str,
    conversation: Conversation,
    outcome: Outcome,
    progress: Progress,
) -> None:
    """One message of the script, again after each retry answer, up to ATTEMPTS times."""
    message = conversation.next_message()
    conversation.sent += 1
    for _ in range(ATTEMPTS):
        try:
            response = await client.post(
                f"{api_url}/api/v1/chat",
                json={"sender": conversation.sender, "message": message},
                headers=conversation.headers,
            )
        except httpx.TransportError as exc:
            outcome.dropped.append(f"{message}: {type(exc).__name__}")
            await asyncio.sleep(PAUSE_SECONDS)
            continue
        if response.status_code == 503 and _error_code(response) in RETRY_CODES:
            outcome.retries.append(f"503 {_error_code(response)}")
            await asyncio.sleep(PAUSE_SECONDS)
            continue
        if response.status_code != 200:
            outcome.wrong.append(f"{message}: HTTP {response.status_code} {response.text[:300]}")
            return
        texts = [str(m.get("text") or "") for m in response.json()]
        if not any(texts) and not response.json():
            outcome.wrong.append(f"{message}: an empty answer")
            return
        if texts == [NO_REPLY]:
            outcome.retries.append("no_reply")
            await asyncio.sleep(PAUSE_SECONDS)
            continue
        outcome.answered += 1
        progress.answer()
        said = " ".join(texts)
        if "状況" not in message:  # a status lookup repeats a number, it gives none
            for number in CASE_NUMBER.findall(said):
                if number not in outcome.told:
                    outcome.told.append(number)
        if found := CASE_NUMBER.search(said):
            conversation.last_case = found.group(0)
        return
    outcome.unanswered.append(message)


async def citizen(
    client: httpx.AsyncClient, api_url: str, number: int, progress: Progress
) -> Outcome:
    conversation = await open_conversation(client, api_url, number)
    progress.senders.append((number % len(SCRIPTS), conversation.sender))
    outcome = Outcome(conversation.sender, number % len(SCRIPTS))
    while not conversation.done:
        await send(client, api_url, conversation, outcome, progress)
    return outcome


def client(conversations: int) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=conversations + 10, max_keepalive_connections=0)
    return httpx.AsyncClient(timeout=90.0, limits=limits)


def cases_of(database: Engine, senders: list[str]) -> list[tuple[str, str]]:
    """(case number, sender) of every case the given conversations opened."""
    with database.connect() as connection:
        rows = connection.execute(
            text("SELECT case_number, sender_id FROM cases WHERE sender_id = ANY(:senders)"),
            {"senders": senders},
        )
        return [(row[0], row[1]) for row in rows]


def check_nothing_lost(outcomes: list[Outcome], database: Engine) -> None:
    """Every message answered (by the bot or with a retry answer), never anything else; every
    case number a citizen was told exists exactly once, as that citizen's; no conversation has
    two cases; every report that was answered to the end has its case."""
    problems = [f"{o.sender}: {w}" for o in outcomes for w in o.wrong]
    problems += [f"{o.sender}: never answered {m!r}" for o in outcomes for m in o.unanswered]
    assert problems == [], "\n".join(problems)
    rows = cases_of(database, [o.sender for o in outcomes])
    by_number: dict[str, list[str]] = {}
    by_sender: dict[str, list[str]] = {}
    for number, sender in rows:
        by_number.setdefault(number, []).append(sender)
        by_sender.setdefault(sender, []).append(number)
    for outcome in outcomes:
        for number in outcome.told:
            assert by_number.get(number) == [outcome.sender], (
                f"{outcome.sender} was told {number}; the database has {by_number.get(number)}"
            )
        assert len(by_sender.get(outcome.sender, [])) <= 1, (
            f"{outcome.sender} has cases {by_sender[outcome.sender]} (told {outcome.told})"
        )
    told = [o for o in outcomes if o.told]
    assert told, "no citizen was told a case number: the scripts did not reach the end"
