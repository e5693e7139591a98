"""A read-only view of the tracker state that Rasa sends with each action call."""

from __future__ import annotations

from typing import Any


class Tracker:
    def __init__(self, sender_id: str, state: dict[str, Any]) -> None:
        self.sender_id = sender_id
        self._state = state

    @property
    def slots(self) -> dict[str, Any]:
        return self._state.get("slots") or {}

    def slot(self, name: str) -> Any:
        return self.slots.get(name)

    @property
    def events(self) -> list[dict[str, Any]]:
        return self._state.get("events") or []

    @property
    def latest_message(self) -> dict[str, Any]:
        return self._state.get("latest_message") or {}

    @property
    def latest_text(self) -> str:
        return (self.latest_message.get("text") or "").strip()

    @property
    def latest_intent(self) -> str | None:
        return (self.latest_message.get("intent") or {}).get("name")

    @property
    def latest_intent_confidence(self) -> float:
        return float((self.latest_message.get("intent") or {}).get("confidence") or 0.0)

    def latest_entity(self, name: str) -> str | None:
        for entity in self.latest_message.get("entities") or []:
            if entity.get("entity") == name and entity.get("value"):
                return str(entity["value"])
        return None

    @property
    def active_loop(self) -> str | None:
        return (self._state.get("active_loop") or {}).get("name")

    def latest_user_event(self) -> dict[str, Any] | None:
        for event in reversed(self.events):
            if event.get("event") == "user":
                return event
        return None

    def latest_user_message_id(self) -> str | None:
        event = self.latest_user_event()
        return event.get("message_id") if event else None

    def slots_set_since_user_message(self) -> dict[str, Any]:
        """Slots filled from the latest user message: what a form's validation must check."""
        values: dict[str, Any] = {}
        for event in reversed(self.events):
            if event.get("event") == "user":
                break
            if event.get("event") == "slot" and event.get("name") != "requested_slot":
                values.setdefault(event["name"], event.get("value"))
        return values

    @property
    def channel(self) -> str:
        """The channel is the sender id's prefix (web:…, line:…); plain ids count as api."""
        prefix, sep, _ = self.sender_id.partition(":")
        return prefix if sep and prefix else "api"
