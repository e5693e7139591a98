"""What the search index needs from an FAQ entry, and what it returns."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class FaqDocument:
    """What the index needs from an FAQ entry."""

    faq_id: str
    question: str
    answer: str
    department: str | None  # department code
    alternatives: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    # Citizens' phrasings confirmed as meaning this entry (learned from their choices); the
    # search treats them like listed alternatives.
    learned: tuple[str, ...] = ()
    # The entry's English text, when the city wrote one (api/faq/english.py searches it).
    question_en: str | None = None
    answer_en: str | None = None
    # The answer in やさしい日本語, for an easy-Japanese conversation (ja-x-easy).
    answer_easy: str | None = None

    @property
    def wordings(self) -> tuple[str, ...]:
        """Every way the entry is asked: its question, listed alternatives, learned phrasings."""
        return (self.question, *self.alternatives, *self.learned)


@dataclass(frozen=True)
class SearchHit:
    faq_id: str
    score: float


# Headings that open the contact block of a Japanese municipal FAQ answer
# (【お問い合わせ】, 【問い合わせ先】, 【問合せ】, 〔お問合せ先〕 …).
_CONTACT_HEADING = re.compile(r"[【［\[〔（(]\s*(?:お)?問(?:い)?合(?:わ)?せ(?:先)?\s*[】］\]〕）)]")
# Boilerplate that is not about the topic: "related FAQ" pointers and revision marks.
_RELATED_HEADING = re.compile(r"[【［\[]\s*関連(?:する)?(?:ＦＡＱ|FAQ|よくある質問)\s*[】］\]]")
_MARKS = re.compile(r"＜改＞|<改>|［ＵＲＬ］|\[URL\]")


def split_contact(answer: str) -> tuple[str, str]:
    """Split an answer into (body, contact section). The contact section starts at the
    first contact heading and is "" when there is none."""
    match = _CONTACT_HEADING.search(answer)
    if match is None:
        return answer, ""
    return answer[: match.start()], answer[match.start() :]


def answer_body(answer: str) -> str:
    """The part of an answer worth indexing: without the contact block (departments,
    addresses, phone numbers), "related FAQ" pointers and revision marks."""
    body, _ = split_contact(answer)
    related = _RELATED_HEADING.search(body)
    if related is not None:
        body = body[: related.start()]
    return _MARKS.sub(" ", body)
