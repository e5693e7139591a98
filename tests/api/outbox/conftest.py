"""Fixtures of the outbox tests: the LINE channel tests' app, stubs and cases, a registry and a
dispatcher with a clock the test moves."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from api.channels.registry import ChannelRegistry, build_registry
from api.core.types import utcnow
from api.outbox.dispatcher import Dispatcher
from tests.api.channels.conftest import (  # noqa: F401  (fixtures used by name)
    SENDER,
    USER_ID,
    conversation,
    line_api,
    line_app,
    line_client,
    line_data,
    line_settings,
    open_report,
)


class Clock:
    def __init__(self) -> None:
        self.now = utcnow() + timedelta(minutes=1)  # after what the test enqueues

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def channels(
    request: pytest.FixtureRequest, session_factory: sessionmaker[Session]
) -> ChannelRegistry:
    """Web, and LINE pointed at the stub."""
    return build_registry(request.getfixturevalue("line_settings"), session_factory)


@pytest.fixture
def dispatcher(
    session_factory: sessionmaker[Session], channels: ChannelRegistry, clock: Clock
) -> Dispatcher:
    return Dispatcher(session_factory, channels, clock=clock)
