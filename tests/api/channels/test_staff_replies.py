"""POST /api/v1/cases/{n}/replies: a staff reply leaves through the case's own channel."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.cases.models import Case
from api.channels.web import outbox
from tests.api.channels.conftest import USER_ID
from tests.api.channels.line_stub import LineStub
from tests.conftest import ADMIN_TOKEN

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def test_reply_to_a_web_case_waits_in_the_widget_outbox(
    line_client: TestClient, open_report: Callable[..., Case], seeded: Session
) -> None:
    case = open_report(sender="web:0a1b2c3d")
    case.channel = "web"
    seeded.commit()
    response = line_client.post(
        f"/api/v1/cases/{case.case_number}/replies",
        json={"body": "本日、職員が現地を確認しました。"},
        headers=AUTH,
    )
    assert response.status_code == 200, response.text
    event = response.json()["events"][-1]
    assert event["kind"] == "replied"
    assert event["data"] == {"body": "本日、職員が現地を確認しました。", "channel": "web"}
    [waiting] = outbox.after(seeded, "web:0a1b2c3d", 0)
    assert waiting.body == "本日、職員が現地を確認しました。" and waiting.case_id == case.id
    assert outbox.after(seeded, "web:someone-else", 0) == []


def test_reply_to_a_line_case_is_pushed(
    line_client: TestClient, open_report: Callable[..., Case], line_api: LineStub
) -> None:
    case = open_report()
    response = line_client.post(
        f"/api/v1/cases/{case.case_number}/replies", json={"body": "補修しました。"}, headers=AUTH
    )
    assert response.status_code == 200, response.text
    assert response.json()["events"][-1]["data"]["channel"] == "line"
    assert line_api.errors == []
    [push] = line_api.pushes
    assert push.json["to"] == USER_ID
    assert push.json["messages"] == [{"type": "text", "text": "補修しました。"}]


def test_reply_needs_a_channel_that_carries_replies(
    line_client: TestClient, open_report: Callable[..., Case], seeded: Session
) -> None:
    case = open_report(sender=None)
    case.channel = "phone"
    seeded.commit()
    response = line_client.post(
        f"/api/v1/cases/{case.case_number}/replies", json={"body": "折り返します"}, headers=AUTH
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "channel_not_supported"
    assert [
        e["kind"]
        for e in line_client.get(f"/api/v1/cases/{case.case_number}", headers=AUTH).json()["events"]
    ] == ["created"]


def test_reply_body_is_required(line_client: TestClient, open_report: Callable[..., Case]) -> None:
    case = open_report()
    response = line_client.post(
        f"/api/v1/cases/{case.case_number}/replies", json={"body": "   "}, headers=AUTH
    )
    assert response.status_code == 422
    assert (
        line_client.post(
            f"/api/v1/cases/{case.case_number}/replies", json={"body": "x"}
        ).status_code
        == 401
    )
