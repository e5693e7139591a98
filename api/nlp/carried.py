"""A message's entities, carried with it to the bot so that the pipeline runs once per message.

The API worker that takes a citizen's message finds its entities (for the masked log line) and
sends them with the message in Rasa's metadata; Rasa hands them back to the action server in
the tracker. With several API workers the action usually runs in another process than the
chat did, and without this it ran the NER pipeline (about 10 ms) again.

Only offsets and labels travel (no personal text is added to the tracker), sealed with an HMAC
keyed by a server secret: a message posted to Rasa by anyone else than the API cannot make an
action take its word for what is (not) personal data. Anything that does not check out is
ignored, and the action finds the entities itself.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from api.nlp.spans import NER_LABELS, RULE_LABELS, Span, make_span

# The key of the entities in a message's metadata.
METADATA_KEY = "madoguchi_entities"
# A message has far fewer entities; more is not the API's doing.
_MAX_SPANS = 200
_LABELS = RULE_LABELS | NER_LABELS


def _key(secret: str) -> bytes:
    # A key of its own, derived from the server secret: a seal is never a token.
    return hashlib.sha256(b"madoguchi carried entities\0" + secret.encode()).digest()


def _seal(secret: str, text: str, spans: list[list[Any]]) -> str:
    payload = json.dumps([text, spans], ensure_ascii=False, separators=(",", ":"))
    return hmac.new(_key(secret), payload.encode(), hashlib.sha256).hexdigest()


def carry(secret: str, text: str, spans: list[Span]) -> dict[str, Any]:
    """The metadata that carries `spans`, the entities of `text`."""
    rows: list[list[Any]] = [[s.label, s.start, s.end] for s in spans]
    return {METADATA_KEY: {"spans": rows, "seal": _seal(secret, text, rows)}}


def carried(secret: str, text: str, metadata: Any) -> list[Span] | None:
    """The entities of `text` carried in `metadata`, or None when there are none, or when they
    are not sealed for exactly this text by this server, or are not well formed."""
    if not isinstance(metadata, dict):
        return None
    entry = metadata.get(METADATA_KEY)
    if not isinstance(entry, dict):
        return None
    rows, seal = entry.get("spans"), entry.get("seal")
    if not isinstance(rows, list) or not isinstance(seal, str) or len(rows) > _MAX_SPANS:
        return None
    if not hmac.compare_digest(seal, _seal(secret, text, rows)):
        return None
    spans: list[Span] = []
    end_of_previous = 0
    for row in rows:
        if not _well_formed(row, len(text)) or row[1] < end_of_previous:
            return None  # sorted and apart, as `extract` gives them
        spans.append(make_span(text, row[0], row[1], row[2]))
        end_of_previous = row[2]
    return spans


def _well_formed(row: Any, length: int) -> bool:
    return (
        isinstance(row, list)
        and len(row) == 3
        and row[0] in _LABELS
        and all(type(offset) is int for offset in row[1:])
        and 0 <= row[1] < row[2] <= length
    )
