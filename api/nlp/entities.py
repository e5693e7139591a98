"""Entities of a citizen's message: what triage reads and what masking hides."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict

from api.nlp.pipeline import parse
from api.nlp.rules import find_rule_spans, kana_name_start
from api.nlp.spans import (
    ADDRESS,
    FACILITY,
    NER_LABELS,
    PERSON,
    PLACE,
    Span,
    make_span,
    merge,
    overlaps,
)

__all__ = ["Span", "extract", "first_place", "forget_all", "remember"]

# Names shorter than this are not searched for again: a one-character surname (林) would also
# hit ordinary words.
_MIN_REPEATED_NAME = 2


# Recent texts whose entities are kept: a chat message is read by the actions (place, triage)
# within seconds of the API finding its entities; the pipeline (about 10 ms) runs once.
_KEPT = 2048


class _RecentEntities:
    """The entities of the most recently used texts (least recently used dropped first),
    thread-safe: the API's threads and the actions' read and fill it at once."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[str, tuple[Span, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str) -> tuple[Span, ...] | None:
        with self._lock:
            spans = self._items.get(text)
            if spans is not None:
                self._items.move_to_end(text)
            return spans

    def put(self, text: str, spans: tuple[Span, ...]) -> None:
        with self._lock:
            self._items[text] = spans
            self._items.move_to_end(text)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_recent = _RecentEntities(_KEPT)


def extract(text: str) -> list[Span]:
    """Entities of `text`: sorted, non-overlapping, offsets into `text` itself.

    NER sees only the first `pipeline.MAX_NER_CHARS` characters; the rules see everything, and
    a name found by NER is also marked where it appears again (possibly past that window).
    Memoised per text (spans are immutable), and filled by `remember`.
    """
    spans = _recent.get(text)
    if spans is None:
        spans = _find(text)
        _recent.put(text, spans)
    return list(spans)


def remember(text: str, spans: list[Span]) -> None:
    """Keeps `spans` as the entities of `text`, found by another process: the API worker that
    took a chat message found them, and an action that reads the message in another worker
    need not run the pipeline again. The caller vouches for them (`api.nlp.carried`)."""
    _recent.put(text, tuple(spans))


def forget_all() -> None:
    """Drops every kept text's entities (tests count the pipeline's runs)."""
    _recent.clear()


def _find(text: str) -> tuple[Span, ...]:
    if not text.strip():
        return ()
    ner = [
        make_span(text, ent.label_, ent.start_char, ent.end_char)
        for ent in parse(text).ents
        if ent.label_ in NER_LABELS
    ]
    return tuple(_repeat_names(text, merge(text, find_rule_spans(text), ner)))


def _repeat_names(text: str, spans: list[Span]) -> list[Span]:
    names = {s.text for s in spans if s.label == PERSON and len(s.text) >= _MIN_REPEATED_NAME}
    found = list(spans)
    for name in sorted(names, key=len, reverse=True):
        for match in re.finditer(re.escape(name), text):
            candidate = make_span(text, PERSON, match.start(), match.end())
            if not any(overlaps(candidate, s) for s in found):
                found.append(candidate)
    return sorted(found, key=lambda s: s.start)


# --- Location of a report --------------------------------------------------------------------
_LOCATION_PRIORITY = {ADDRESS: 3, FACILITY: 2, PLACE: 1}
# Words that make a mention more precise: 緑町3丁目の交差点, 中央公園前, みどり駅の南口付近.
_TAIL_WORD = (
    r"(?:交差点|付近|近く|周辺|辺り|あたり|向かい|手前|沿い|[東西南北]側|[東西南北]口"
    r"|入口|入り口|出入口|出口|(?<=[東西南北])口|駅前|バス停|踏切|歩道橋|歩道|駐車場|駐輪場|敷地内"
    # one-kanji words only when no kanji follows: 前の道路 yes, 横断歩道 / 側溝 no
    r"|[前横裏脇角側内駅](?![一-龥々]))"
)
_TAIL = re.compile(rf"(?:の?{_TAIL_WORD})+")
# What may sit between two mentions of one location: 千代田区の中央公園, みどり駅の南口.
_JOINER = re.compile(rf"(?:の|[ \u3000]|{_TAIL_WORD})*")
# A name followed by the kind of public place reports are about, for what the NER misses
# (北公園 is a Corporation to it, けやき通り nothing). Names are 1–10 kanji/katakana, or 2–6
# hiragana standing on their own: after a particle or a non-letter, not after a kanji (大きな),
# not a demonstrative (この), not ending like a particle or a verb (近くの, にある).
_PLACE_KIND = (
    "(?:公園|広場|通り|橋|駅|団地|公民館|図書館|体育館|小学校|中学校|保育園|幼稚園|郵便局|神社)"
)
_NAMED_PLACE = re.compile(
    rf"(?:(?<![一-龥々ァ-ヴー])[一-龥々ァ-ヴー]{{1,10}}"
    rf"|(?:(?<=[のはがをにでともへや])|(?<![ぁ-ゖ一-龥々]))(?!この|その|あの|どの)[ぁ-ゖ]{{2,6}}"
    rf"(?<![のがをにではともへやるたうくなてだ]))"
    rf"{_PLACE_KIND}"
)
# The writer's own address is where they live, not where the problem is.
_RESIDENCE_BEFORE = re.compile(r"(?:住所|自宅|現住所|住まい|在住)[はがを:：\s]*$")
_RESIDENCE_AFTER = re.compile(r"^(?:在住|に住|に在住|の自宅|の者)")


def _priority(text: str, span: Span) -> int:
    priority = _LOCATION_PRIORITY[span.label]
    if span.label == ADDRESS and (
        _RESIDENCE_BEFORE.search(text, max(0, span.start - 8), span.start)
        or _RESIDENCE_AFTER.match(text[span.end : span.end + 4])
    ):
        return 0
    return priority


def _named_places(text: str, known: list[Span]) -> list[Span]:
    found = []
    for match in _NAMED_PLACE.finditer(text):
        span = make_span(text, FACILITY, kana_name_start(text, match.start()), match.end())
        if not any(overlaps(span, k) for k in known):
            found.append(span)
    return found


def first_place(text: str) -> str | None:
    """The best location mention for a report, or None (then the bot has to ask).

    Address > facility > place, earliest first; the writer's own address ranks last. Named
    places the NER misses (北公園) count as facilities; adjacent mentions are joined
    (みどり野市の中央公園) and a short tail is kept: "緑町3丁目の交差点", "中央公園の前".
    """
    spans = [s for s in extract(text) if s.label in _LOCATION_PRIORITY]
    spans = sorted(spans + _named_places(text, spans), key=lambda s: s.start)
    chains: list[tuple[int, int, int]] = []  # start, end, best priority
    for span in spans:
        if chains and _JOINER.fullmatch(text, chains[-1][1], span.start):
            start, _, priority = chains[-1]
            chains[-1] = (start, span.end, max(priority, _priority(text, span)))
        else:
            chains.append((span.start, span.end, _priority(text, span)))
    if not chains:
        return None
    start, end, _ = max(chains, key=lambda c: (c[2], -c[0]))
    tail = _TAIL.match(text, end)
    return text[start : tail.end() if tail else end]
