"""Entities carried with a message to the actions (api/nlp/carried.py): taken only when sealed
by this server for exactly this text, and well formed."""

from __future__ import annotations

from typing import Any

import pytest

from api.nlp.carried import METADATA_KEY, carried, carry
from api.nlp.spans import make_span

SECRET = "server-secret-for-tests-3c9a"
TEXT = "山田です。電話は090-1234-5678です"
SPANS = [make_span(TEXT, "PERSON", 0, 2), make_span(TEXT, "PHONE", 8, 21)]


def _rows(metadata: dict[str, Any]) -> list[list[Any]]:
    return metadata[METADATA_KEY]["spans"]


def test_sealed_entities_come_back_as_they_were_found() -> None:
    assert SPANS[1].text == "090-1234-5678"
    assert carried(SECRET, TEXT, carry(SECRET, TEXT, SPANS)) == SPANS
    assert carried(SECRET, TEXT, carry(SECRET, TEXT, [])) == []


def test_only_offsets_and_labels_travel() -> None:
    """The tracker keeps the metadata: no personal text is added to it."""
    assert _rows(carry(SECRET, TEXT, SPANS)) == [["PERSON", 0, 2], ["PHONE", 8, 21]]


@pytest.mark.parametrize(
    "metadata",
    [None, {}, [], "x", {METADATA_KEY: None}, {METADATA_KEY: {"spans": []}}, {"other": 1}],
)
def test_a_message_without_sealed_entities_carries_none(metadata: Any) -> None:
    assert carried(SECRET, TEXT, metadata) is None


def test_a_seal_of_another_secret_or_text_is_refused() -> None:
    assert carried(SECRET, TEXT, carry("another-secret", TEXT, SPANS)) is None
    # the same spans sealed for another text (another message of the conversation)
    other = "田中です。電話は080-9999-0000です"
    assert carried(SECRET, TEXT, carry(SECRET, other, SPANS)) is None


def test_spans_changed_after_sealing_are_refused() -> None:
    metadata = carry(SECRET, TEXT, SPANS)
    _rows(metadata).pop()  # the phone number no longer masked
    assert carried(SECRET, TEXT, metadata) is None


@pytest.mark.parametrize(
    "rows",
    [
        [["SECRET_LABEL", 0, 2]],  # not one of ours
        [["PERSON", 0, 99]],  # past the text
        [["PERSON", -1, 2]],
        [["PERSON", 2, 2]],  # empty
        [["PERSON", True, 2]],  # a bool is not an offset
        [["PERSON", 0.0, 2]],
        [["PERSON", 0]],
        ["PERSON"],
        [["PHONE", 8, 21], ["PERSON", 0, 2]],  # not sorted
        [["PERSON", 0, 10], ["PHONE", 8, 21]],  # overlapping
        [["PERSON", 0, 1]] * 201,  # more than a message has
    ],
)
def test_malformed_entities_are_refused_even_when_sealed(rows: list[Any]) -> None:
    """A server bug or an old format must not turn into wrong masking: the action finds the
    entities itself then."""
    from api.nlp import carried as module

    metadata = {METADATA_KEY: {"spans": rows, "seal": module._seal(SECRET, TEXT, rows)}}
    assert carried(SECRET, TEXT, metadata) is None
