"""A LINE location message (the Messaging API's location message object: id, type, title,
address, latitude, longitude) while a report is being made is the report's place: it goes to
the conversation as /share_location{...}; after a report, it lands on that case as a point."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from api.cases.models import Case
from api.channels.line.models import CaseAttachment
from api.channels.location import share_location_message
from api.conversation.rasa_client import RasaClient
from api.conversation.schemas import ChatMessage
from api.conversation.service import ConversationService
from tests.api.channels.conftest import SENDER, FakeConversation, Poster, message_event
from tests.api.channels.line_stub import LineStub

PIN = {
    "type": "location",
    "title": "緑町交差点",
    "address": "日本、〒100-0001 みどり野市緑町3丁目",
    "latitude": 35.681236,
    "longitude": 139.767125,
}


def test_share_location_message() -> None:
    text = share_location_message(35.681236, 139.767125, "  緑町\n3丁目 ")
    assert text.startswith("/share_location{")
    assert json.loads(text.removeprefix("/share_location")) == {
        "latitude": 35.681236,
        "longitude": 139.767125,
        "address": "緑町 3丁目",
    }
    no_address = share_location_message(35.0, 139.0, None)
    assert json.loads(no_address.removeprefix("/share_location")) == {
        "latitude": 35.0,
        "longitude": 139.0,
    }
    with pytest.raises(ValueError):
        share_location_message(95.0, 139.0, None)
    with pytest.raises(ValueError):
        share_location_message(float("nan"), 139.0, None)


def test_a_location_during_a_report_goes_to_the_conversation(
    post_events: Poster,
    line_api: LineStub,
    conversation: FakeConversation,
    open_report: Callable[..., Case],
    session_factory: sessionmaker[Session],
) -> None:
    earlier = open_report()  # an earlier report stays as it was
    conversation.form = "report_form"
    expected = share_location_message(PIN["latitude"], PIN["longitude"], PIN["address"])
    conversation.script[expected] = [ChatMessage(text="ご連絡先を教えてください。")]
    post_events(message_event(PIN))
    assert conversation.calls == [(SENDER, expected)]
    assert line_api.replies[0].json["messages"][0]["text"] == "ご連絡先を教えてください。"
    assert line_api.errors == []
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(CaseAttachment)) == 0
        assert session.get(Case, earlier.id).latitude is None


def test_a_location_after_a_report_is_its_point(
    post_events: Poster,
    line_api: LineStub,
    conversation: FakeConversation,
    open_report: Callable[..., Case],
    session_factory: sessionmaker[Session],
) -> None:
    case = open_report(location="緑町3丁目")
    post_events(message_event(PIN))
    assert conversation.calls == []
    with session_factory() as session:
        stored = session.get(Case, case.id)
        assert (stored.latitude, stored.longitude) == (PIN["latitude"], PIN["longitude"])
        assert stored.location == "緑町3丁目"  # the report's own words stay
    assert case.case_number in line_api.replies[0].json["messages"][0]["text"]


def test_the_active_form_is_unknown_when_rasa_is_down(
    session_factory: sessionmaker[Session],
) -> None:
    from bench.processes import free_port

    service = ConversationService(
        RasaClient(f"http://127.0.0.1:{free_port()}", 2.0, "token"),
        2000,
        lambda: session_factory,
        seal_secret="test-seal-secret",
    )
    assert asyncio.run(service.active_form(SENDER)) is None
