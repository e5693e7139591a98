"""The bot's messages turned into Messaging API message objects, within LINE's limits:
at most five messages per request, 5,000 characters per text, 13 quick-reply items, 20
characters per label, 300 per postback data and displayText."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from api.conversation.schemas import ChatButton, ChatMessage
from api.i18n import SOURCE_LOCALE, translate

logger = logging.getLogger(__name__)

MAX_MESSAGES = 5
MAX_TEXT_CHARS = 5000
MAX_QUICK_REPLY_ITEMS = 13
MAX_LABEL_CHARS = 20
MAX_POSTBACK_DATA_CHARS = 300
MAX_DISPLAY_TEXT_CHARS = 300


def _units(text: str) -> int:
    """Length as LINE may count it: UTF-16 code units (an emoji outside the BMP counts two)."""
    return len(text.encode("utf-16-le")) // 2


def _prefix_within(text: str, limit: int) -> int:
    """The largest index i such that text[:i] fits in `limit` UTF-16 units."""
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return index
    return len(text)


def split_text(text: str, limit: int = MAX_TEXT_CHARS) -> list[str]:
    """Pieces of at most `limit` units, cut after a line break or 。 when one is near the end."""
    pieces: list[str] = []
    rest = text
    while _units(rest) > limit:
        cut = _prefix_within(rest, limit)
        for boundary in ("\n", "。"):
            at = rest.rfind(boundary, 0, cut)
            if at >= cut // 2:
                cut = at + 1
                break
        pieces.append(rest[:cut].rstrip("\n"))
        rest = rest[cut:].lstrip("\n")
    if rest or not pieces:
        pieces.append(rest)
    return [p for p in pieces if p] or [""]


def fit_texts(
    texts: Iterable[str], max_messages: int = MAX_MESSAGES, language: str = SOURCE_LOCALE
) -> list[str]:
    """Texts split to LINE's size, then merged (and, as a last resort, truncated) to fit in
    `max_messages` bubbles. Short answers keep one bubble per bot message."""
    pieces = [piece for text in texts if text for piece in split_text(text)]
    if len(pieces) <= max_messages:
        return pieces
    merged: list[str] = []
    for piece in pieces:
        if merged and _units(merged[-1]) + 2 + _units(piece) <= MAX_TEXT_CHARS:
            merged[-1] = f"{merged[-1]}\n\n{piece}"
        else:
            merged.append(piece)
    if len(merged) <= max_messages:
        return merged
    kept = merged[: max_messages - 1]
    last = merged[max_messages - 1]
    notice = "\n" + translate(language, "line.truncated")
    room = MAX_TEXT_CHARS - _units(notice)
    kept.append(last[: _prefix_within(last, room)] + notice)
    return kept


def _label(title: str) -> str:
    return title if len(title) <= MAX_LABEL_CHARS else title[: MAX_LABEL_CHARS - 1] + "…"


def quick_reply(buttons: Iterable[ChatButton]) -> dict[str, Any] | None:
    """The bot's buttons as postback quick-reply items (the payload is the postback data)."""
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    for button in buttons:
        if button.payload in seen:
            continue
        if len(button.payload) > MAX_POSTBACK_DATA_CHARS:
            logger.warning("button payload longer than LINE allows; button left out")
            continue
        seen.add(button.payload)
        items.append(
            {
                "type": "action",
                "action": {
                    "type": "postback",
                    "label": _label(button.title),
                    "data": button.payload,
                    "displayText": button.title[:MAX_DISPLAY_TEXT_CHARS],
                },
            }
        )
        if len(items) == MAX_QUICK_REPLY_ITEMS:
            break
    return {"items": items} if items else None


def text_messages(
    texts: Iterable[str], buttons: Iterable[ChatButton] = (), language: str = SOURCE_LOCALE
) -> list[dict[str, Any]]:
    """Text message objects; the buttons go on the last one (LINE shows only its quick reply)."""
    fitted = fit_texts(texts, language=language)
    quick = quick_reply(buttons)
    if quick and not fitted:
        fitted = [translate(language, "line.choose")]
    messages: list[dict[str, Any]] = [{"type": "text", "text": text} for text in fitted]
    if quick:
        messages[-1]["quickReply"] = quick
    return messages


def from_chat_messages(
    chat: list[ChatMessage], language: str = SOURCE_LOCALE
) -> list[dict[str, Any]]:
    return text_messages(
        (m.text for m in chat if m.text), [b for m in chat for b in m.buttons], language
    )
