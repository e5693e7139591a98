"""The intent benchmark's held-out messages are really held out: none of them, normalised, is
a training example, so its figures measure generalisation and not memory."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from jatext.normalize import normalize

REPO = Path(__file__).resolve().parents[2]
HELDOUT = REPO / "bench" / "intents" / "heldout.yml"
HELDOUT_EN = REPO / "bench" / "intents" / "heldout_en.yml"
# "[緑町](place)" and '[緑町]{"entity": "place"}' annotate entities in Rasa's training data
ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")
NOISE = re.compile(r"[\s。、，．,.!?！？「」『』・〜~ー-]+")


def _key(text: str) -> str:
    return NOISE.sub("", normalize(ANNOTATION.sub(r"\1", text)))


def _training_texts() -> set[str]:
    texts: set[str] = set()
    for path in (REPO / "nlu_data").rglob("*.yml"):
        for block in (yaml.safe_load(path.read_text("utf-8")) or {}).get("nlu", []) or []:
            for line in str(block.get("examples", "")).splitlines():
                if line.strip().startswith("- "):
                    texts.add(_key(line.strip()[2:]))
    return texts


def test_no_heldout_message_is_a_training_example() -> None:
    heldout = yaml.safe_load(HELDOUT.read_text("utf-8"))
    messages = [m for kind in heldout.values() for ms in kind.values() for m in ms]
    training = _training_texts()
    assert len(messages) > 150 and len(training) > 500  # both files were really read
    assert sorted(m for m in messages if _key(m) in training) == []


def test_no_english_heldout_message_is_a_training_example() -> None:
    heldout = yaml.safe_load(HELDOUT_EN.read_text("utf-8"))
    messages = [m for kind in heldout.values() for ms in kind.values() for m in ms]
    training = _training_texts()
    english = [t for t in training if t.isascii() and any(c.isalpha() for c in t)]
    assert len(messages) > 80 and len(english) > 200  # both sides were really read
    assert sorted(m for m in messages if _key(m) in training) == []
    # every English intent the bot is trained on is measured
    measured = {intent for kind in heldout.values() for intent in kind}
    assert {"report_problem", "faq_question", "ask_case_status", "request_human"} <= measured
