"""What one message already says about a case: what happened, where, how to reach the
citizen, and whether it is dangerous. A form asks only for what is still missing."""

from __future__ import annotations

import re
from dataclasses import dataclass

from api.nlp import first_place
from api.nlp.english_places import first_english_place
from api.nlp.rules import find_rule_spans
from api.nlp.spans import EMAIL, PHONE
from api.triage.danger import DangerAssessment, assess
from jatext import normalize

CONTACT_LABELS = frozenset({PHONE, EMAIL})
# A sentence cut where a citizen would: 。！？ and line breaks.
_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]*")
# What is left of a sentence that only gave a contact: 電話は、です、までお願いします …
_CONTACT_WORDS = re.compile(
    r"(連絡先|連絡|電話番号|電話|携帯|番号|メールアドレス|メール|アドレス|tel|mail|e-mail|"
    r"は|が|を|に|へ|まで|の|で|です|ます|お願い(します|いたします)?|ください|下さい|"
    r"[\s:：、。,.!！?？()（）\-])+",
    re.IGNORECASE,
)
_MIN_REMAINDER = 3
# The words that introduce or close a contact: 「電話番号は」090-… 「までお願いします」
_LEAD_IN = re.compile(
    r"(連絡先|ご連絡|連絡|電話番号|電話|携帯|tel|メールアドレス|メール|e-mail|mail)"
    r"[はがを:：\s]*$",
    re.IGNORECASE,
)
_TAIL = re.compile(r"^[\s]*(です|まで|に|へ)?(お願い(します|いたします)?|ください)?")


@dataclass(frozen=True)
class Intake:
    description: str  # the message without its contact details (they are kept apart)
    location: str | None
    contact: str | None  # phone numbers and e-mail addresses, " / "-joined
    danger: DangerAssessment


def contacts_in(text: str) -> list[str]:
    return [s.text for s in find_rule_spans(text) if s.label in CONTACT_LABELS]


def without_contacts(text: str) -> str:
    """The text with its phone numbers and e-mail addresses taken out; a sentence that said
    nothing else (「電話は090-…です」) goes entirely."""
    spans = [s for s in find_rule_spans(text) if s.label in CONTACT_LABELS]
    if not spans:
        return text.strip()
    kept: list[str] = []
    for match in _SENTENCE.finditer(text):
        start, end = match.span()
        inside = [s for s in spans if start <= s.start and s.end <= end]
        if not inside:
            kept.append(match.group(0))
            continue
        sentence = text[start:end]
        for span in sorted(inside, key=lambda s: s.start, reverse=True):
            before = _LEAD_IN.sub("", sentence[: span.start - start])
            after = sentence[span.end - start :]
            after = after[_TAIL.match(after).end() :]
            sentence = before + after
        if len(_CONTACT_WORDS.sub("", sentence)) >= _MIN_REMAINDER:
            kept.append(re.sub(r"[ \u3000]{2,}", " ", sentence))
    return "".join(kept).strip(" \u3000、,")


def read_message(text: str, *, find_place: bool = True) -> Intake:
    description = without_contacts(text)
    found = contacts_in(text)
    return Intake(
        description=description,
        location=_place(description) if find_place and description else None,
        contact=" / ".join(found) if found else None,
        danger=assess(description),
    )


def _place(description: str) -> str | None:
    """Where the message says the problem is: the Japanese reader first, then the shape of an
    English place phrase (the Japanese reader finds none in English)."""
    return first_place(description) or first_english_place(description)


def normalized(text: str) -> str:
    return normalize(text or "").replace(" ", "")
