"""Importing historical (question → FAQ id) pairs, e.g. the logs of a city's previous chatbot,
as learned phrasings. Staff-trusted: active at once, but masked like every citizen text. A
question may name several entries (``{question: [faq_id, …]}``): one question often has more
than one right answer, and a JSON object cannot repeat a key. A bad row is counted and skipped,
never fatal; a file that is not a JSON object is an error."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.faq import learning
from api.faq.learning_text import Rejection
from api.faq.models import FaqEntry
from api.faq.search import FaqIndex
from api.nlp import mask


class PairsFileError(ValueError):
    """The file cannot be read as `{question: faq_id}`."""


@dataclass
class LearnReport:
    added: int = 0  # new active phrasings (or pending ones made active)
    known: int = 0  # active already, or removed by staff (not revived)
    unknown_faq: int = 0  # the FAQ id names no entry
    empty: int = 0  # no question, or a question without content words
    not_learned: dict[str, int] = field(default_factory=dict)  # reason → rows (too long …)

    def summary(self) -> str:
        text = (
            f"{self.added} added, {self.known} already known, {self.unknown_faq} unknown FAQ id, "
            f"{self.empty} empty"
        )
        for reason, count in sorted(self.not_learned.items()):
            text += f", {count} not learned ({reason})"
        return text


def read_pairs(path: Path) -> dict[str, object]:
    """The file's object. Values are checked per row by `import_pairs`."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise PairsFileError(f"cannot read {path}: {error}") from error
    except json.JSONDecodeError as error:
        raise PairsFileError(f"{path} is not valid JSON: {error}") from error
    if not isinstance(data, dict):
        raise PairsFileError(f"{path}: expected an object {{question: faq_id or [faq_id, …]}}")
    return data


def _faq_ids(value: object) -> list[object]:
    """The entries a row names, each once: one id or a list of them (an empty list names
    nothing, and counts as one unknown id). Other values are counted as unknown ids."""
    named = value if isinstance(value, list) else [value]
    unique = [v for i, v in enumerate(named) if v not in named[:i]]
    return unique or [None]


def import_pairs(
    session: Session,
    index: FaqIndex,
    pairs: dict[str, object],
    progress: Callable[[int, int], None] | None = None,
) -> LearnReport:
    """Learns each (question, entry) pair and counts each; `progress(done, total)` after each
    question (masking takes a while per question, so it runs once per question)."""
    report = LearnReport()
    known_ids = set(session.scalars(select(FaqEntry.id)))
    for done, (question, value) in enumerate(pairs.items(), start=1):
        if progress is not None:
            progress(done, len(pairs))
        faq_ids = _faq_ids(value)
        named = [f for f in faq_ids if isinstance(f, str) and f in known_ids]
        report.unknown_faq += len(faq_ids) - len(named)
        if not named:
            continue
        if not question.strip():
            report.empty += len(named)
            continue
        masked = mask(question)
        for faq_id in named:
            _count(report, learning.import_phrasing(session, index, faq_id=faq_id, question=masked))
    return report


def _count(report: LearnReport, result: object) -> None:
    if result is None:
        report.known += 1
    elif result is Rejection.empty:
        report.empty += 1
    elif isinstance(result, Rejection):
        report.not_learned[result.value] = report.not_learned.get(result.value, 0) + 1
    else:
        report.added += 1
