"""The language benchmark's data: every language has its ~30 short messages, and the script
rules beat Lingua alone on them (the reason the rules exist)."""

from __future__ import annotations

from bench.lang_bench import load_sets, run


def test_every_language_has_its_messages() -> None:
    sets = load_sets()
    assert set(sets) == {"ja", "en", "zh", "ko", "vi", "mixed"}
    assert all(len(rows) >= 30 for rows in sets.values())
    assert all(len(set(rows)) == len(rows) for rows in sets.values())  # no duplicates


def test_the_rules_beat_the_library_alone() -> None:
    results = run(load_sets())
    ours, lingua = results["overall"]["madoguchi"], results["overall"]["lingua"]
    assert ours["correct"] > lingua["correct"]
    assert results["sets"]["ja"]["madoguchi"]["accuracy"] == 1.0  # kana and Han-only city words
