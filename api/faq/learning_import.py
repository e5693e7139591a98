"""Importing historical (question → FAQ id) pairs, e.g. the logs of a city's previous chatbot,
as learned phrasings. Staff-trusted: active at once, but masked like every citizen text. A bad
row is counted and skipped, never fatal; a file that is not a JSON object is an error."""

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
        raise PairsFileError(f"{path}: expected an object {{question: faq_id}}")
    return data


def import_pairs(
    session: Session,
    index: FaqIndex,
    pairs: dict[str, object],
    progress: Callable[[int, int], None] | None = None,
) -> LearnReport:
    """Learns each pair; `progress(done, total)` after each (masking takes a while per row)."""
    report = LearnReport()
    known_ids = set(session.scalars(select(FaqEntry.id)))
    for done, (question, faq_id) in enumerate(pairs.items(), start=1):
        if progress is not None:
            progress(done, len(pairs))
        if not isinstance(faq_id, str) or faq_id not in known_ids:
            report.unknown_faq += 1
            continue
        if not question.strip():
            report.empty += 1
            continue
        result = learning.import_phrasing(session, index, faq_id=faq_id, question=mask(question))
        if result is None:
            report.known += 1
        elif result is Rejection.empty:
            report.empty += 1
        elif isinstance(result, Rejection):
            report.not_learned[result.value] = report.not_learned.get(result.value, 0) + 1
        else:
            report.added += 1
    return report
