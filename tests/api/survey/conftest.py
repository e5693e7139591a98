"""Fixtures of the survey tests: the LINE channel's app and stubs (from the channel tests), but
with the real ConversationService in front of a scripted Rasa, so the survey's intercept is
what is tested; and cases opened on the web, LINE or phone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from api.cases.models import Case
from api.conversation.service import ConversationService
from tests.api.channels.conftest import (  # noqa: F401  (fixtures used by name)
    SENDER,
    line_api,
    line_app,
    line_client,
    line_data,
    line_settings,
    open_road_report,
    post_events,
)

WEB_SENDER = "web:5c0ffee0a1b2"


class FakeRasa:
    """Rasa's REST channel: records what it is sent and answers with an echo."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    async def send(
        self, sender: str, message: str, *, metadata: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        self.calls.append((sender, message))
        return [{"recipient_id": sender, "text": f"ボット: {message}"}]


@pytest.fixture
def rasa() -> FakeRasa:
    return FakeRasa()


@pytest.fixture
def conversation(rasa: FakeRasa, session_factory: sessionmaker[Session]) -> ConversationService:
    """Replaces the channel tests' scripted conversation: the real service, a fake Rasa."""
    return ConversationService(rasa, 2000, lambda: session_factory, seal_secret="test-seal-secret")  # type: ignore[arg-type]


OpenCase = Callable[..., Case]


@pytest.fixture
def open_for(seeded: Session) -> OpenCase:
    """Opens a report case on `channel` for `sender`, as the bot (or the call centre) would."""

    def make(channel: str = "web", sender: str | None = WEB_SENDER) -> Case:
        return open_road_report(seeded, channel=channel, sender=sender)

    return make


__all__ = ["SENDER", "WEB_SENDER", "FakeRasa", "OpenCase"]
