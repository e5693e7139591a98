"""Load test: the product path (POST /api/v1/chat) side by side with Rasa's REST channel alone.

    python -m bench.loadtest [--profile embedded] [--profile prod] [--conversations 50]
                             [--closed-seconds 120] [--closed-rounds 12]
                             [--rate 10] [--duration 60] [--output bench-results/loadtest.json]

Starts the stack of each profile it is given (default: the embedded one), on free ports:

- embedded: one Rasa server and one API process (uvicorn) on the embedded defaults, with a
  scratch SQLite database and tracker store under var/loadtest/ (migrated with
  `madoguchi db upgrade`, seeded with the demo city), an in-memory lock store;
- prod: the production profile as `make run-prod` starts it (bench.prod_stack): scratch
  PostgreSQL databases for the API and Rasa's tracker store, created and dropped by the run,
  Redis as the lock store under a key prefix of the run's own, two Rasa replicas, two API
  workers, migrated by `madoguchi db upgrade` before the workers start;

or measures a running stack (--api-url, --rasa-url). Then, in one run and for both paths:

- single: one conversation at a time (what one citizen waits on an idle server);
- closed loop: N citizens at once, each sending a message when the previous one was answered
  and starting a new conversation when a script ends, for a fixed time (the throughput the
  machine serves at N concurrent conversations); the two paths take turns in rounds, so that
  neither gets a quieter moment of the machine;
- open loop: messages arrive at a fixed rate whatever the answers' pace (latency at a load the
  city expects); a message's time counts from when it was due, so a late sender cannot hide a
  slow server (no coordinated omission).

Conversations follow realistic scripts: FAQ questions, reports that go through the form with
place and contact up to a case number, status lookups, small talk. Straight to Rasa, the same
messages are sent with a sender id of the same shape; Rasa still calls the API's action server,
as in production. Prints throughput, p50/p95/p99, errors, and the API's share of the time.

aiohttp's asyncio client, not locust: one process drives both loops with exact control of the
arrival schedule, the API environment already has aiohttp, and the figures land in JSON for the
comparison without a web UI or gevent's monkey-patching. Not httpx: the load generator shares
the machine's two cores with what it measures, and httpx cost 2.9–4.7 ms of CPU per message
(aiohttp 0.8), most of a core in the first second of each turn through the API (0.85 CPU-s;
aiohttp 0.04): time taken from the servers, more from the API path's than from Rasa's.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from api.conversation.rasa_client import replica_order
from bench.loadtest_stats import (
    HEADER,
    Sample,
    Summary,
    api_share,
    format_row,
    settled,
    summarize,
    throughput_ratio,
)
from bench.processes import free_port, wait_healthy
from bench.prod_stack import StackStartError, prod_stack

REPO_ROOT = Path(__file__).resolve().parents[1]
MODEL = REPO_ROOT / "models" / "madoguchi.tar.gz"
STARTUP_SECONDS = 240
REQUEST_TIMEOUT = 60.0
# The start of each closed-loop turn left out of the settled figure: in the first seconds every
# citizen sends at once, then the messages spread out (measured: the API path's first 3 s of a
# 10 s turn served less than half what Rasa's did, its later seconds ~86 %).
SETTLE_SECONDS = 3.0
CASE_NUMBER = re.compile(r"\d{4}-\d{6}")
LAST_CASE = "{last_case}"  # replaced by the case number the conversation was given
# Replaced by the conversation's own place and phone number: every report is another text, so
# its entities are found afresh, as a city's would be (a repeated text always hits the memos).
PLACE, PHONE = "{place}", "{phone}"

# Five messages each; conversation i follows SCRIPTS[i % len(SCRIPTS)].
SCRIPTS: tuple[tuple[str, ...], ...] = (
    (
        "こんにちは",
        "粗大ごみの出し方を教えてください",
        "ごみの収集日を知りたい",
        "住民票の写しはどこで取れますか",
        "ありがとうございました",
    ),
    (
        f"緑町{PLACE}の交差点の道路に大きな穴があいています",
        PHONE,
        "はい",
        f"受付番号 {LAST_CASE} の状況は？",
        "ありがとう",
    ),
    (
        "マイナンバーカードの受け取りに必要なものは？",
        "犬の登録はどこでできますか",
        "あなたはロボットですか",
        "受付番号 2026-000001 の状況は？",
        "さようなら",
    ),
    (
        "公園の街灯が切れています",
        f"中央公園の南口、{PLACE}の角です",
        "不要です",
        "はい",
        "ありがとうございました",
    ),
)


@dataclass(frozen=True)
class Load:
    conversations: int  # closed loop: citizens at once
    closed_seconds: float  # closed loop: time per path, in rounds taking turns
    closed_rounds: int
    rate: float  # open loop: messages per second
    duration: float  # open loop: seconds


@dataclass
class Conversation:
    sender: str
    script: tuple[str, ...]
    headers: dict[str, str] = field(default_factory=dict)
    sent: int = 0
    last_case: str = "2026-000001"
    number: int = 0  # the conversation's place in the run: its own place and phone number

    def next_message(self) -> str:
        block, house = self.number % 9 + 1, self.number // 9 + 1
        return (
            self.script[self.sent]
            .replace(LAST_CASE, self.last_case)
            .replace(PLACE, f"{block}丁目{house}番")
            .replace(PHONE, f"090-{self.number % 10000:04d}-{self.number * 7919 % 10000:04d}")
        )

    @property
    def done(self) -> bool:
        return self.sent >= len(self.script)


class ChatPath:
    """How one path sends a message: through the API (the product) or straight to Rasa."""

    def __init__(
        self,
        name: str,
        client: aiohttp.ClientSession,
        api_url: str,
        rasa_url: str,
        places: Iterator[int],
    ) -> None:
        self.name = name
        self._client = client
        # Shared by the paths of a run: no conversation, of either path or any turn, reports
        # another's place or phone number, so neither path finds a report's entities already
        # known from the other's turn (the second path of a turn would otherwise be favoured).
        self._places = places
        self._api_url = api_url
        # Several replicas (comma-separated): each conversation to its own, as the API does.
        self._rasa_urls = [u.strip().rstrip("/") for u in rasa_url.split(",") if u.strip()]

    async def open(self, number: int) -> Conversation:
        """A new conversation following script `number` (modulo their count)."""
        script, place = SCRIPTS[number % len(SCRIPTS)], next(self._places)
        if self.name == "rasa":
            return Conversation(f"web:{secrets.token_hex(16)}", script, number=place)
        async with self._client.post(f"{self._api_url}/api/v1/chat/sessions") as response:
            response.raise_for_status()
            body = await response.json()
        headers = {"Authorization": f"Bearer {body['token']}"}
        return Conversation(body["sender"], script, headers, number=place)

    async def send(self, conversation: Conversation) -> bool:
        message = conversation.next_message()
        conversation.sent += 1
        if self.name == "rasa":
            replica = self._rasa_urls[replica_order(conversation.sender, len(self._rasa_urls))[0]]
            url, payload = f"{replica}/webhooks/rest/webhook", {"message": message}
        else:
            url, payload = f"{self._api_url}/api/v1/chat", {"message": message}
        body = {"sender": conversation.sender, **payload}
        try:
            async with self._client.post(url, json=body, headers=conversation.headers) as response:
                if response.status != 200:
                    return False
                answer = await response.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
            return False
        texts = " ".join(str(m.get("text") or "") for m in answer)
        if found := CASE_NUMBER.search(texts):
            conversation.last_case = found.group(0)
        return True


async def _timed(path: ChatPath, conversation: Conversation, started: float) -> Sample:
    ok = await path.send(conversation)
    return Sample(time.perf_counter() - started, ok)


async def single(path: ChatPath, messages: int) -> tuple[list[Sample], float]:
    conversation = await path.open(0)
    samples: list[Sample] = []
    began = time.perf_counter()
    for _ in range(messages):
        if conversation.done:
            conversation = await path.open(len(samples))
        samples.append(await _timed(path, conversation, time.perf_counter()))
    return samples, time.perf_counter() - began


@dataclass
class Citizens:
    """The citizens of one path's closed loop, kept from one of its turns to the next: each goes
    on with its conversation where the last turn left it. Restarting every conversation at each
    turn would send mostly first messages (the questions and reports that cost the most), and
    the more so for the slower path, which gets less far into its conversations in a turn."""

    count: int
    talking: list[Conversation | None] = field(init=False)
    next_script: list[int] = field(init=False)  # the script of each citizen's next conversation

    def __post_init__(self) -> None:
        self.talking = [None] * self.count
        self.next_script = list(range(self.count))


async def closed_loop(
    path: ChatPath, citizens: Citizens | int, seconds: float
) -> tuple[list[Sample], float]:
    """`citizens` (or that many new ones) for `seconds`: each sends its next message when the
    previous one was answered, and opens a new conversation (as the widget does) when its script
    ends. Counts the messages answered within the window: the throughput at that concurrency,
    without the drain of a fixed batch, where fewer citizens are left and the slowest sets the
    time. What is still in flight at the end is awaited (the next round starts on a quiet
    server), not counted; the citizen's next turn goes on after it.
    """
    if isinstance(citizens, int):
        citizens = Citizens(citizens)
    samples: list[Sample] = []
    began = time.perf_counter()
    deadline = began + seconds

    async def citizen(i: int) -> None:
        while time.perf_counter() < deadline:
            conversation = citizens.talking[i]
            if conversation is None or conversation.done:
                conversation = await path.open(citizens.next_script[i])
                citizens.next_script[i] += citizens.count
                citizens.talking[i] = conversation
            while not conversation.done and time.perf_counter() < deadline:
                started = time.perf_counter()
                ok = await path.send(conversation)
                if (answered := time.perf_counter()) <= deadline:
                    samples.append(Sample(answered - started, ok, answered - began))

    await asyncio.gather(*(citizen(i) for i in range(citizens.count)))
    return samples, seconds


async def closed_rounds(
    paths: dict[str, ChatPath], conversations: int, seconds: float, rounds: int
) -> dict[str, tuple[list[Sample], float]]:
    """The closed loop of every path, `rounds` turns each of seconds/rounds, taking turns; each
    path's citizens go on with their conversations from one of its turns to the next."""
    measured: dict[str, tuple[list[Sample], float]] = {name: ([], 0.0) for name in paths}
    citizens = {name: Citizens(conversations) for name in paths}
    for _ in range(rounds):
        for name, path in paths.items():
            samples, wall = await closed_loop(path, citizens[name], seconds / rounds)
            measured[name] = (measured[name][0] + samples, measured[name][1] + wall)
    return measured


async def open_loop(path: ChatPath, rate: float, duration: float) -> tuple[list[Sample], float]:
    """A message every 1/rate seconds: the next message of a conversation that is not waiting
    for an answer, else of a new conversation (opened beforehand, outside the clock)."""
    total = int(rate * duration)
    per_conversation = len(SCRIPTS[0])
    spare = await asyncio.gather(
        *(path.open(i) for i in range(total // per_conversation + int(rate * 4) + 1))
    )
    ready: list[Conversation] = []
    samples: list[Sample] = []
    tasks: list[asyncio.Task[None]] = []

    async def one(conversation: Conversation, due: float) -> None:
        samples.append(await _timed(path, conversation, due))
        if not conversation.done:
            ready.append(conversation)

    began = time.perf_counter()
    for k in range(total):
        due = began + k / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        conversation = ready.pop(0) if ready else spare.pop() if spare else await path.open(k)
        tasks.append(asyncio.create_task(one(conversation, due)))
    await asyncio.gather(*tasks)
    return samples, time.perf_counter() - began


# --- the stack under test ---------------------------------------------------------------------


@contextmanager
def stack(work: Path) -> Iterator[tuple[str, str]]:
    """Rasa and the API as `make run` starts them, on free ports and a scratch database."""
    if not MODEL.exists():
        raise SystemExit("train the model first: make train")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    api_port, rasa_port = free_port(), free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{work / 'madoguchi.db'}",
        "MADOGUCHI_ADMIN_TOKEN": secrets.token_urlsafe(24),
        "MADOGUCHI_SEED_DEMO_CITY": "true",
        "RASA_URL": f"http://127.0.0.1:{rasa_port}",
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{api_port}/webhook",
        "ACTION_ENDPOINT_TOKEN": secrets.token_urlsafe(24),
        "RASA_AUTH_TOKEN": secrets.token_urlsafe(24),
        # The API waits for Rasa as long as this client waits on either path: otherwise an
        # overloaded run counts the API's 503 (after 20 s) as errors where Rasa alone answers.
        "RASA_TIMEOUT_SECONDS": str(REQUEST_TIMEOUT),
        "TRACKER_STORE_DIALECT": "sqlite",
        "TRACKER_STORE_URL": f"sqlite:///{work / 'rasa-tracker.db'}",
        "LOCK_STORE_TYPE": "in_memory",
        "LOCK_STORE_HOST": "127.0.0.1",
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }
    venv = REPO_ROOT / ".venv"
    subprocess.run(
        [str(venv / "api" / "bin" / "madoguchi"), "db", "upgrade"],
        env=env,
        check=True,
        cwd=REPO_ROOT,
    )
    api_log, rasa_log = work / "api.log", work / "rasa.log"
    processes = [
        subprocess.Popen(
            [str(venv / "api" / "bin" / "uvicorn"), "--factory", "api.main:app",
             "--host", "127.0.0.1", "--port", str(api_port), "--no-access-log"],
            cwd=REPO_ROOT, env=env, stdout=api_log.open("w"), stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(
            [str(venv / "bot" / "bin" / "rasa"), "run", "--model", str(MODEL),
             "--endpoints", "bot/endpoints.yml", "--credentials", "bot/credentials.yml",
             "--interface", "127.0.0.1", "--port", str(rasa_port),
             "--enable-api", "--auth-token", env["RASA_AUTH_TOKEN"]],
            cwd=REPO_ROOT, env=env, stdout=rasa_log.open("w"), stderr=subprocess.STDOUT,
        ),
    ]  # fmt: skip
    try:
        api_url = f"http://127.0.0.1:{api_port}"
        try:
            wait_healthy(api_url, processes, [api_log, rasa_log], STARTUP_SECONDS)
        except RuntimeError as error:
            raise SystemExit(str(error)) from None
        yield api_url, f"http://127.0.0.1:{rasa_port}"
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


# The stacks --profile starts; the first is the default.
PROFILES = {
    "embedded": "SQLite, in-memory lock store, 1 Rasa server, 1 API process",
    "prod": "PostgreSQL, Redis lock store, 2 Rasa replicas, 2 API workers",
}


@contextmanager
def profile_stack(profile: str, work: Path) -> Iterator[tuple[str, str]]:
    """(API URL, Rasa URL(s)) of the profile's stack, started under `work`/<profile>."""
    if profile == "embedded":
        with stack(work / profile) as urls:
            yield urls
        return
    shutil.rmtree(work / profile, ignore_errors=True)
    # The API waits for Rasa as long as this client waits (see stack()).
    extra_env = {"RASA_TIMEOUT_SECONDS": str(REQUEST_TIMEOUT)}
    try:
        with prod_stack(work / profile, label="loadtest", extra_env=extra_env) as running:
            yield running.api_url, running.rasa_url
    except StackStartError as error:
        raise SystemExit(str(error)) from None


# --- the run ----------------------------------------------------------------------------------


def load_client(conversations: int) -> aiohttp.ClientSession:
    """The citizens' HTTP client. Idle connections are dropped before uvicorn's (5 s) keep-alive
    ends: a connection reused just as the server closes it would count as its error."""
    connector = aiohttp.TCPConnector(limit=conversations + 200, keepalive_timeout=2)
    return aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    )


async def measure(api_url: str, rasa_url: str, load: Load) -> list[Summary]:
    async with load_client(load.conversations) as client:
        places = itertools.count()
        paths = {
            name: ChatPath(name, client, api_url, rasa_url, places) for name in ("rasa", "api")
        }
        for path in paths.values():  # warm-up: first inferences, connection pools, caches
            await closed_loop(path, 4, 3.0)
        summaries: list[Summary] = []

        def add(phase: str, name: str, samples: list[Sample], wall: float) -> None:
            summaries.append(summarize(phase, name, samples, wall))
            print(format_row(summaries[-1]), flush=True)

        for name, path in paths.items():
            add("single", name, *await single(path, 20))
        closed = f"closed {load.conversations} {load.closed_seconds:g}s"
        measured = await closed_rounds(
            paths, load.conversations, load.closed_seconds, load.closed_rounds
        )
        for name, (samples, wall) in measured.items():
            add(closed, name, samples, wall)
        # The same turns from SETTLE_SECONDS into each: the steady state, without the start of
        # a turn, where all the citizens send their first message at one instant.
        settled_wall = max(load.closed_seconds - load.closed_rounds * SETTLE_SECONDS, 0.0)
        if settled_wall > 0:
            for name, (samples, _) in measured.items():
                add(f"{closed} settled", name, settled(samples, SETTLE_SECONDS), settled_wall)
        for name, path in paths.items():
            add(
                f"open {load.rate:g}/s {load.duration:g}s",
                name,
                *await open_loop(path, load.rate, load.duration),
            )
        return summaries


def report(summaries: list[Summary]) -> dict[str, Any]:
    """Prints the comparison and the target line; returns the figures for the JSON."""
    by = {(s.phase, s.path): s for s in summaries}
    lines, figures = [], {}
    for phase in dict.fromkeys(s.phase for s in summaries):
        api, rasa = by[(phase, "api")], by[(phase, "rasa")]
        share, ratio = api_share(api, rasa), throughput_ratio(api, rasa)
        figures[phase] = {"api_share_of_time": share, "api_throughput_vs_rasa": ratio}
        lines.append(
            f"{phase:<22} API share of the time {share:6.1%}   API msg/s vs Rasa {ratio:6.1%}"
        )
    print("\n".join(lines))
    print(target_line(summaries, figures))
    return {"summaries": [s.as_dict() for s in summaries], "comparison": figures}


def target_line(summaries: list[Summary], figures: dict[str, dict[str, float]]) -> str:
    closed = next(s for s in summaries if s.phase.startswith("closed") and s.path == "api")
    opened = next(s for s in summaries if s.phase.startswith("open") and s.path == "api")
    closed_ratio = figures[closed.phase]["api_throughput_vs_rasa"]
    # judged on the whole turns; the settled figure is shown beside it, not instead of it
    settled_ratio = figures.get(f"{closed.phase} settled", {}).get("api_throughput_vs_rasa")
    beside = f" (settled {settled_ratio:.1%})" if settled_ratio is not None else ""
    return (
        f"targets: closed-loop API msg/s ≥ 90% of Rasa's: {closed_ratio:.1%} "
        f"{'met' if closed_ratio >= 0.9 else 'NOT met'}{beside}; "
        f"open-loop API p95 ≤ 300 ms: {opened.p95_ms:.0f} ms "
        f"{'met' if opened.p95_ms <= 300 else 'NOT met'}"
    )


def title(profile: str) -> str:
    return f"== profile {profile}: {PROFILES.get(profile, 'a running stack')}"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The arguments; `profiles` lists the stacks to start, in order, each once (none with
    --api-url: that stack runs already)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--profile",
        action="append",
        choices=list(PROFILES),
        help="the stack to start and measure; repeat for several, one after the other "
        "(default: embedded)",
    )
    parser.add_argument(
        "--conversations", type=int, default=50, help="closed loop: citizens at once (50)"
    )
    parser.add_argument(
        "--closed-seconds", type=float, default=120.0, help="closed loop: seconds per path (120)"
    )
    parser.add_argument(
        # The machine's pace drifts: 3 turns of 10 s put the ratio of two runs of the same code
        # 4-8 points apart, 6 turns still 2-4 points (a standard deviation of about 1.7 over
        # eight runs); 12 turns halve the variance, for 4 more minutes of `make loadtest`.
        "--closed-rounds",
        type=int,
        default=12,
        help="closed loop: turns of 10 s per path by default (12)",
    )
    parser.add_argument("--rate", type=float, default=10.0, help="open loop msg/s (default 10)")
    parser.add_argument("--duration", type=float, default=60.0, help="open loop seconds")
    parser.add_argument("--work", type=Path, default=REPO_ROOT / "var" / "loadtest")
    parser.add_argument(
        "--api-url", help="measure a running stack (make run-prod) instead of starting one"
    )
    parser.add_argument("--rasa-url", help="its Rasa server(s), comma-separated (with --api-url)")
    parser.add_argument("--output", type=Path, help="write the figures as JSON")
    args = parser.parse_args(argv)
    if bool(args.api_url) != bool(args.rasa_url):
        parser.error("--api-url and --rasa-url go together")
    if args.api_url and args.profile:
        parser.error("--profile starts a stack; --api-url measures a running one: not both")
    args.profiles = [] if args.api_url else list(dict.fromkeys(args.profile or ["embedded"]))
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    load = Load(
        args.conversations, args.closed_seconds, args.closed_rounds, args.rate, args.duration
    )
    measured: dict[str, list[Summary]] = {}
    if args.api_url:
        print(HEADER, flush=True)
        measured["running"] = asyncio.run(measure(args.api_url, args.rasa_url, load))
    for profile in args.profiles:
        with profile_stack(profile, args.work) as (api_url, rasa_url):
            print(f"{title(profile)}\n{HEADER}", flush=True)
            measured[profile] = asyncio.run(measure(api_url, rasa_url, load))
    results = {}
    for profile, summaries in measured.items():
        if len(measured) > 1:  # every table again, together, at the end
            print(f"\n{title(profile)}\n{HEADER}")
            print("\n".join(format_row(s) for s in summaries))
        results[profile] = report(summaries)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        # keyed by profile ("running" for --api-url)
        args.output.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
