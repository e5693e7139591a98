"""Fixtures of the survey tests: the LINE channel's app and stubs (from the channel tests), but
with the real ConversationService in front of a scripted Rasa, so the survey's intercept is
what is tested; and cases opened on the web, LINE or phone."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from api.cases.models import Case, CaseKind
from api.cases.schemas import NewCase
from api.cases.service import open_case
from api.conversation.service import ConversationService
from tests.api.channels.conftest import (  # noqa: F401  (fixtures used by name)
    SENDER,
    line_api,
    line_app,
    line_client,
    line_data,
    line_settings,
    post_events,
)

WEB_SENDER = "web:5c0ffee0a1b2"


class FakeRasa:
    """Rasa's REST channel: records what it is sent and answers with an echo."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    async def send(self, sender: str, message: str) -> list[dict[str, Any]]:
        self.calls.append((sender, message))
        return [{"recipient_id": sender, "text": f"ボット: {message}"}]


@pytest.fixture
def rasa() -> FakeRasa:
    return FakeRasa()


@pytest.fixture
def conversation(rasa: FakeRasa, session_factory: sessionmaker[Session]) -> ConversationService:
    """Replaces the channel tests' scripted conversation: the real service, a fake Rasa."""
    return ConversationService(rasa, 2000, lambda: session_factory)  # type: ignore[arg-type]


OpenCase = Callable[..., Case]


@pytest.fixture
def open_for(seeded: Session) -> OpenCase:
    """Opens a report case on `channel` for `sender`, as the bot (or the call centre) would."""

    def make(channel: str = "web", sender: str | None = WEB_SENDER) -> Case:
        case, _ = open_case(
            seeded,
            NewCase(
                kind=CaseKind.report,
                channel=channel,
                sender_id=sender,
                description="緑町3丁目の交差点の道路に穴があいています",
                contact_declined=True,
                department="roads",
                idempotency_key=f"test:{uuid.uuid4().hex}",
            ),
            route=lambda _: (_ for _ in ()).throw(AssertionError("no routing expected")),
            actor="bot",
        )
        seeded.commit()
        return case

    return make


__all__ = ["SENDER", "WEB_SENDER", "FakeRasa", "OpenCase"]
