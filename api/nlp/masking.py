"""Masking of personal data before text is written anywhere (logs above all).

`mask()` uses the full pipeline (names need NER); `mask_fast()` only the format rules and is
cheap enough for every log record. Importing this module does not import spaCy (~1 s), so the
logging setup can use `PersonalDataFilter` in every process.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from api.nlp.rules import find_rule_spans
from api.nlp.spans import (
    ADDRESS,
    EMAIL,
    MY_NUMBER,
    PERSON,
    PERSONAL_LABELS,
    PHONE,
    POSTAL_CODE,
    Span,
)

PLACEHOLDERS: dict[str, str] = {
    PERSON: "［氏名］",
    PHONE: "［電話番号］",
    EMAIL: "［メール］",
    MY_NUMBER: "［個人番号］",
    ADDRESS: "［住所］",
    POSTAL_CODE: "［郵便番号］",
}

# Every rule needs a digit, an @, 丁目/番地/番…号 (一丁目 has no digit), or the words that
# introduce a name in English: text without any of them — most log lines — is returned
# without running the rules.
_MAY_CONTAIN_RULE_MATCH = re.compile(
    r"[0-9０-９@＠]|丁目|番|[Nn]ame|\bI am|\bI'm|\b[Tt]his is|\b[Cc]all me|"
    r"\b(?:Mr|Mrs|Ms|Miss|Dr)\b"
)


def _replace(text: str, spans: Iterable[Span]) -> str:
    pieces: list[str] = []
    position = 0
    for span in sorted(spans, key=lambda s: s.start):
        if span.label not in PERSONAL_LABELS:
            continue
        pieces.append(text[position : span.start])
        pieces.append(PLACEHOLDERS[span.label])
        position = span.end
    pieces.append(text[position:])
    return "".join(pieces)


def mask_fast(text: str) -> str:
    """Phone numbers, e-mail addresses, My Number, postal codes and addresses replaced.

    Names are NOT masked (they need NER): use `mask()` for citizen text.
    """
    if not _MAY_CONTAIN_RULE_MATCH.search(text):
        return text
    return _replace(text, find_rule_spans(text))


def mask(text: str) -> str:
    """All personal data (names included) replaced by ［氏名］［電話番号］… placeholders.

    The entities are memoised (`extract`): a chat message masked for the log line and again by
    the action that records it, or read by the form for its place, runs the pipeline once."""
    from api.nlp.entities import extract  # deferred: loads spaCy and the model on first use

    return _replace(text, extract(text))


def mask_with(text: str, entities: Iterable[Span]) -> str:
    """`text` with its personal data replaced, given its entities (`extract(text)`)."""
    return _replace(text, entities)


# A record whose caller masked its personal data with `mask()` or `mask_with()` says so with
# `extra={MASKED_ALREADY: True}`: the filter's rules (a subset of what masked it) are not run
# again over it (a chat message's log line: about 0.5 ms of each message).
MASKED_ALREADY = "personal_data_masked"


class PersonalDataFilter(logging.Filter):
    """Safety net: applies `mask_fast()` to each record's formatted message.

    Attach it to handlers: a filter on a logger only sees records logged on that very logger,
    not those propagated from its children. It never drops a record.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, MASKED_ALREADY, False):
            return True  # masked with the full pipeline by its caller: the rules found nothing more
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must still not leak its arguments
            message = f"{record.msg} {record.args!r}"
        record.msg = mask_fast(message)
        record.args = None
        # Exception text often quotes the input that failed (ValueError: invalid '090-…').
        # Formatters reuse a cached exc_text, so the masked rendering is what gets written.
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_fast(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_fast(record.stack_info)
        return True
