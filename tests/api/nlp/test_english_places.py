"""The place an English report names, read by the shape of its phrase: the most precise
phrase of the first clause that says where, as the citizen wrote it; nothing when the words
name nowhere a member of staff could find."""

from __future__ import annotations

import pytest

from api.nlp.english_places import first_english_place


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("There is a big hole in the road near Midori-cho 3-chome", "near Midori-cho 3-chome"),
        ("The streetlight in front of Chuo Park is broken", "in front of Chuo Park"),
        ("Garbage was dumped at the corner of 2-chome, please help", "at the corner of 2-chome"),
        ("The light near the station is out", "near the station"),
        ("There is a pothole on Route 2", "on Route 2"),
        ("Water is leaking on Chuo Street near the library", "on Chuo Street near the library"),
        ("In the park by the river there is a broken light", "In the park by the river"),
        (
            "Big hole near Midori-cho 3-chome. It is dangerous, near the school.",
            "near Midori-cho 3-chome",
        ),
    ],
)
def test_a_place_phrase_is_found(text: str, place: str) -> None:
    assert first_english_place(text) == place


@pytest.mark.parametrize(
    "text",
    [
        "A tree fell on the road and is blocking it",
        "Dead cat in the street",
        "A tree fell on the road near my house",
        "The streetlight is broken",
        "I want to talk to a person",
        "道路に穴があいています",
        "",
    ],
)
def test_words_that_name_nowhere_are_no_place(text: str) -> None:
    assert first_english_place(text) is None
