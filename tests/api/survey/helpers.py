"""Small helpers shared by the survey tests."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.audit.models import AuditEntry
from api.channels.web.models import WebOutboxMessage
from api.survey import payload
from api.survey.models import CaseSurvey
from tests.conftest import ADMIN_TOKEN

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
RESOLUTION = "道路の穴を補修しました。ご連絡ありがとうございました。"


def resolve(client: TestClient, number: str, **extra: Any) -> httpx.Response:
    body = {"status": "resolved", "message": RESOLUTION, **extra}
    return client.post(f"/api/v1/cases/{number}/status", json=body, headers=AUTH)


def set_status(client: TestClient, number: str, status: str) -> httpx.Response:
    return client.post(f"/api/v1/cases/{number}/status", json={"status": status}, headers=AUTH)


def chat(
    client: TestClient, sender: str, message: str, headers: dict[str, str]
) -> list[dict[str, Any]]:
    """A message through the chat API, with the conversation's token (tests.chat_session)."""
    body = {"sender": sender, "message": message}
    response = client.post("/api/v1/chat", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def surveys(factory: sessionmaker[Session], case_id: int) -> list[CaseSurvey]:
    with factory() as session:
        return list(session.scalars(select(CaseSurvey).where(CaseSurvey.case_id == case_id)))


def outbox(factory: sessionmaker[Session], sender: str) -> list[WebOutboxMessage]:
    with factory() as session:
        statement = (
            select(WebOutboxMessage)
            .where(WebOutboxMessage.sender_id == sender)
            .order_by(WebOutboxMessage.id)
        )
        return list(session.scalars(statement))


def audit_of(factory: sessionmaker[Session], number: str) -> list[AuditEntry]:
    with factory() as session:
        statement = (
            select(AuditEntry)
            .where(AuditEntry.target_type == "case", AuditEntry.target_id == number)
            .order_by(AuditEntry.id)
        )
        return list(session.scalars(statement))


def events(client: TestClient, number: str) -> list[tuple[str, str, dict[str, Any]]]:
    detail = client.get(f"/api/v1/cases/{number}", headers=AUTH).json()
    return [(e["kind"], e["actor"], e["data"]) for e in detail["events"]]


def rate(number: str, target: payload.RatedStep, score: int) -> str:
    return payload.rating(number, target, score)
