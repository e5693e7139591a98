"""Rasa's action-server protocol: the JSON Rasa POSTs to /webhook and the JSON it expects back.
https://rasa.com/docs/rasa/action-server/http-api-spec"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ActionCall(BaseModel):
    model_config = ConfigDict(extra="allow")

    next_action: str = Field(min_length=1)
    sender_id: str = Field(min_length=1)
    tracker: dict[str, Any]
    domain: dict[str, Any] | None = None
    version: str | None = None


class ActionResult(BaseModel):
    events: list[dict[str, Any]] = Field(default_factory=list)
    responses: list[dict[str, Any]] = Field(default_factory=list)


def slot_set(name: str, value: Any) -> dict[str, Any]:
    return {"event": "slot", "name": name, "value": value}


def text(message: str, buttons: list[dict[str, str]] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {"text": message}
    if buttons:
        response["buttons"] = buttons
    return response


def button(title: str, payload: str) -> dict[str, str]:
    return {"title": title, "payload": payload}
