"""The outbox's retry policy is the city's setting: attempts, backoff, lease and poll come from
the environment, reach every dispatcher the product builds, and a lease that could end while a
send still waits on LINE is refused at start-up."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from api.cases.models import Case
from api.channels.base import Outgoing
from api.channels.registry import ChannelRegistry
from api.core.config import Settings
from api.core.db import unit_of_work
from api.outbox import service as outbox
from api.outbox.deps import get_dispatcher
from api.outbox.dispatcher import Dispatcher, OutboxPolicy
from api.outbox.models import OutboxDelivery
from tests.api.channels.line_stub import LineStub
from tests.api.outbox.conftest import Clock
from tests.conftest import ADMIN_TOKEN

PUSH = "/v2/bot/message/push"


def _settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> Settings:
    monkeypatch.setenv("MADOGUCHI_ADMIN_TOKEN", ADMIN_TOKEN)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings()  # type: ignore[call-arg]


def test_the_defaults_are_those_the_readme_documents(monkeypatch: pytest.MonkeyPatch) -> None:
    policy = OutboxPolicy.from_settings(_settings(monkeypatch))
    assert policy == OutboxPolicy()
    assert (policy.max_attempts, policy.backoff, policy.lease, policy.poll_seconds) == (
        8,
        timedelta(seconds=10),
        timedelta(seconds=60),
        5.0,
    )


def test_the_policy_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = _settings(
        monkeypatch,
        MADOGUCHI_OUTBOX_MAX_ATTEMPTS="3",
        MADOGUCHI_OUTBOX_BACKOFF_SECONDS="30",
        MADOGUCHI_OUTBOX_LEASE_SECONDS="45",
        MADOGUCHI_OUTBOX_POLL_SECONDS="2.5",
    )
    assert OutboxPolicy.from_settings(settings) == OutboxPolicy(
        max_attempts=3,
        backoff=timedelta(seconds=30),
        lease=timedelta(seconds=45),
        poll_seconds=2.5,
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"MADOGUCHI_OUTBOX_LEASE_SECONDS": "10"}, "MADOGUCHI_OUTBOX_LEASE_SECONDS"),
        (
            {"MADOGUCHI_OUTBOX_LEASE_SECONDS": "60", "LINE_TIMEOUT_SECONDS": "90"},
            "LINE_TIMEOUT_SECONDS",
        ),
        ({"MADOGUCHI_OUTBOX_MAX_ATTEMPTS": "0"}, "MADOGUCHI_OUTBOX_MAX_ATTEMPTS"),
        ({"MADOGUCHI_OUTBOX_BACKOFF_SECONDS": "-1"}, "MADOGUCHI_OUTBOX_BACKOFF_SECONDS"),
    ],
)
def test_a_policy_that_could_send_twice_or_never_is_refused(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], named: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        _settings(monkeypatch, **env)
    assert named in str(refused.value)


def test_the_routes_dispatcher_follows_the_settings(
    monkeypatch: pytest.MonkeyPatch,
    session_factory: sessionmaker[Session],
    open_report: Callable[..., Case],
    channels: ChannelRegistry,
    clock: Clock,
    line_api: LineStub,
) -> None:
    """A city that allows one attempt and waits 30 s: the route's dispatcher gives up on the
    first 5xx, and a dispatcher with three attempts retries 30 s later."""

    class _App:
        class state:  # noqa: N801  (stands in for FastAPI's app.state)
            settings = _settings(
                monkeypatch,
                MADOGUCHI_OUTBOX_MAX_ATTEMPTS="1",
                MADOGUCHI_OUTBOX_BACKOFF_SECONDS="30",
            )

    class _Request:
        app = _App

    one_try = get_dispatcher(_Request, session_factory, channels)  # type: ignore[arg-type]
    one_try.clock = clock
    case = open_report()

    def enqueue() -> int:
        with unit_of_work(session_factory) as session:
            row = outbox.enqueue(
                session, session.get(Case, case.id), [Outgoing("修理しました。")], channels=channels
            )
            session.flush()
            return row.id

    first = enqueue()
    line_api.scripted.append((PUSH, 503, {"message": "down"}))
    assert asyncio.run(one_try.deliver([first])).failed == [first]

    patient = Dispatcher(
        session_factory,
        channels,
        clock=clock,
        policy=OutboxPolicy(max_attempts=3, backoff=timedelta(seconds=30)),
    )
    second = enqueue()
    line_api.scripted.append((PUSH, 503, {"message": "down"}))
    assert asyncio.run(patient.deliver([second])).retrying == [second]
    with session_factory() as session:
        row = session.get(OutboxDelivery, second)
        assert row is not None and row.next_attempt_at == clock.now + timedelta(seconds=30)
    clock.advance(29)
    assert asyncio.run(patient.deliver()).handled == 0
    clock.advance(1)
    assert asyncio.run(patient.deliver()).delivered == [second]
