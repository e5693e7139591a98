"""Builds action calls shaped as Rasa 3.6 sends them (RemoteAction._action_call_format)."""

from __future__ import annotations

import itertools
import time
from typing import Any

_ids = itertools.count(1)


def user_event(
    text: str,
    intent: str = "faq_question",
    entities: list[dict[str, Any]] | None = None,
    confidence: float = 0.9,
    metadata: dict[str, Any] | None = None,
) -> dict[str, Any]:
    parse_data = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": entities or [],
        "message_id": f"m{next(_ids)}",
        "metadata": metadata or {},
    }
    return {
        "event": "user",
        "timestamp": time.time(),
        "text": text,
        "parse_data": parse_data,
        "input_channel": "rest",
        "message_id": parse_data["message_id"],
        "metadata": metadata or {},
    }


def action_call(
    action: str,
    sender: str = "web:test",
    *,
    events: list[dict[str, Any]],
    slots: dict[str, Any] | None = None,
    active_loop: str | None = None,
) -> dict[str, Any]:
    latest = next((e["parse_data"] for e in reversed(events) if e["event"] == "user"), None)
    return {
        "next_action": action,
        "sender_id": sender,
        "version": "3.6.21",
        "domain": {},
        "tracker": {
            "sender_id": sender,
            "slots": slots or {},
            "latest_message": latest,
            "latest_event_time": time.time(),
            "followup_action": None,
            "paused": False,
            "events": events,
            "latest_input_channel": "rest",
            "active_loop": {"name": active_loop} if active_loop else {},
            "latest_action": {"action_name": "action_listen"},
            "latest_action_name": "action_listen",
        },
    }


def slot_event(name: str, value: Any) -> dict[str, Any]:
    return {"event": "slot", "timestamp": time.time(), "name": name, "value": value}


def loop_event(name: str | None) -> dict[str, Any]:
    return {"event": "active_loop", "timestamp": time.time(), "name": name}


def slots_in(result: dict[str, Any]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in result["events"] if e["event"] == "slot"}
