"""POST /api/v1/cases/{n}/status with a resolution: who is told, who is asked, and only once."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from api.survey import messages
from tests.api.channels.line_stub import LineStub
from tests.api.survey.conftest import SENDER, WEB_SENDER, OpenCase
from tests.api.survey.helpers import AUTH, RESOLUTION, events, outbox, resolve, set_status, surveys


def test_a_phone_case_is_resolved_without_message_or_survey(
    line_client: TestClient,
    open_for: OpenCase,
    session_factory: sessionmaker[Session],
    line_api: LineStub,
) -> None:
    case = open_for("phone", sender=None)
    response = resolve(line_client, case.case_number)
    assert response.status_code == 200, response.text
    assert response.json()["resolution_message"] == RESOLUTION
    assert [kind for kind, _, _ in events(line_client, case.case_number)] == [
        "created",
        "status_changed",
    ]
    assert surveys(session_factory, case.id) == []
    assert line_api.requests == []


def test_survey_false_sends_only_the_resolution(
    line_client: TestClient, open_for: OpenCase, session_factory: sessionmaker[Session]
) -> None:
    case = open_for("web")
    assert resolve(line_client, case.case_number, survey=False).status_code == 200
    assert [(m.author, m.body) for m in outbox(session_factory, WEB_SENDER)] == [
        ("staff", RESOLUTION)
    ]
    assert surveys(session_factory, case.id) == []
    assert "survey_sent" not in [kind for kind, _, _ in events(line_client, case.case_number)]


def test_survey_is_ignored_unless_resolving(
    line_client: TestClient, open_for: OpenCase, session_factory: sessionmaker[Session]
) -> None:
    case = open_for("web")
    response = line_client.post(
        f"/api/v1/cases/{case.case_number}/status",
        json={"status": "in_progress", "survey": True},
        headers=AUTH,
    )
    assert response.status_code == 200
    assert outbox(session_factory, WEB_SENDER) == [] and surveys(session_factory, case.id) == []
    bad = line_client.post(
        f"/api/v1/cases/{case.case_number}/status",
        json={"status": "resolved", "message": "x", "survey": "maybe"},
        headers=AUTH,
    )
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_request"


def test_reopened_and_resolved_again_is_not_asked_twice(
    line_client: TestClient, open_for: OpenCase, session_factory: sessionmaker[Session]
) -> None:
    case = open_for("web")
    number = case.case_number
    assert resolve(line_client, number).status_code == 200
    assert set_status(line_client, number, "in_progress").status_code == 200
    second = resolve(line_client, number, message="再度補修しました。")
    assert second.status_code == 200
    assert [(m.author, m.body[:12]) for m in outbox(session_factory, WEB_SENDER)] == [
        ("staff", RESOLUTION[:12]),
        ("bot", messages.BOT_QUESTION.format(number=number)[:12]),
        ("staff", "再度補修しました。"),
    ]
    assert len(surveys(session_factory, case.id)) == 1
    kinds = [kind for kind, _, _ in events(line_client, number)]
    assert kinds.count("survey_sent") == 1 and kinds.count("replied") == 2


def test_line_refusing_the_push_after_the_commit_is_on_record(
    line_client: TestClient,
    open_for: OpenCase,
    session_factory: sessionmaker[Session],
    line_api: LineStub,
) -> None:
    """The resolution is committed before the push (no network call inside a transaction):
    the answer says the delivery is pending; when LINE then refuses the push, the case stays
    resolved, its history says the citizen was not told, and its delivery is `failed`."""
    case = open_for("line", sender=SENDER)
    line_api.scripted.append(("/v2/bot/message/push", 400, {"message": "Invalid request"}))
    response = resolve(line_client, case.case_number)
    assert response.status_code == 200, response.text
    assert [d["state"] for d in response.json()["deliveries"]] == ["pending"]
    detail = events(line_client, case.case_number)
    assert [kind for kind, _, _ in detail] == [
        "created",
        "status_changed",
        "replied",
        "survey_sent",
        "delivery_failed",
    ]
    assert len(surveys(session_factory, case.id)) == 1
    assert len(line_api.pushes) == 1
    shown = line_client.get(f"/api/v1/cases/{case.case_number}", headers=AUTH).json()
    assert [(d["state"], d["last_error"]) for d in shown["deliveries"]] == [
        ("failed", "LINE HTTP 400")
    ]

    # Resolving again is refused (it is resolved); staff send the message as a reply.
    assert resolve(line_client, case.case_number).status_code == 409
    again = line_client.post(
        f"/api/v1/cases/{case.case_number}/replies", json={"body": RESOLUTION}, headers=AUTH
    )
    assert again.status_code == 200, again.text
    assert (
        len(line_api.pushes) == 2 and line_api.pushes[1].json["messages"][0]["text"] == RESOLUTION
    )
