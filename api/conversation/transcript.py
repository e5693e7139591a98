"""A conversation as staff read it: who said what, when, from Rasa's tracker events."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Literal

from pydantic import BaseModel


class TranscriptLine(BaseModel):
    speaker: Literal["citizen", "bot"]
    text: str
    at: datetime
    buttons: list[str] = []  # the choices the bot offered (titles)


def transcript_from_events(events: list[dict[str, Any]]) -> list[TranscriptLine]:
    lines: list[TranscriptLine] = []
    for event in events:
        kind = event.get("event")
        if kind not in {"user", "bot"}:
            continue
        at = datetime.fromtimestamp(float(event.get("timestamp") or 0), tz=timezone.utc)
        if kind == "user":
            lines.append(TranscriptLine(speaker="citizen", text=event.get("text") or "", at=at))
            continue
        data = event.get("data") or {}
        buttons = [str(b.get("title", "")) for b in data.get("buttons") or []]
        if event.get("text") or buttons:
            lines.append(
                TranscriptLine(speaker="bot", text=event.get("text") or "", at=at, buttons=buttons)
            )
    return lines
