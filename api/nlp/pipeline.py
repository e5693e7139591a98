"""The spaCy pipeline: ja_ginza's NER plus our format rules, loaded once per process.

Only `tok2vec` and `ner` of ja_ginza are kept: NER listens to tok2vec alone, and the parser,
morphologizer, compound splitter and bunsetu recognizer do not feed it (same entities with and
without them). They cost ~10% of the time per message (the parser most); tok2vec ~40% and the
NER ~50–70% are what remains. Our `madoguchi_rules` component then adds the rule spans and
relabels the NER entities, so `doc.ents` only carries madoguchi labels.
"""

from __future__ import annotations

import re
import threading

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from api.nlp.rules import find_rule_spans, kana_name_start
from api.nlp.spans import (
    DATE,
    FACILITY,
    PERSON,
    PLACE,
    RULE_LABELS,
    Span,
    make_span,
    merge,
)

MODEL = "ja_ginza"
UNUSED_COMPONENTS = (
    "parser",
    "attribute_ruler",
    "morphologizer",
    "compound_splitter",
    "bunsetu_recognizer",
)
RULES_COMPONENT = "madoguchi_rules"

# ja_ginza costs ~0.5 ms of CPU per character on a small 2-vCPU machine (linear: ~1.2 s for
# 2,000 characters, ~7 s for 10,000), and SudachiPy refuses input over 49,149 bytes. NER therefore
# only sees the first MAX_NER_CHARS characters (a citizen states who and where early on);
# the rules, which are cheap, always cover the whole text.
MAX_NER_CHARS = 1000
# The cut is moved back to the end of a sentence when one is this close, so that a name or a
# place is not cut in half.
_CUT_LOOKBACK = 200
_SENTENCE_END = re.compile(r"[。．.！!？?\n]")
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")

# ENE (Extended Named Entity) labels of ja_ginza → our labels; everything else is dropped
# (Money, Speed, Ordinal_Number … carry nothing the triage or the masking needs). DATE is a
# point in time (11月27日, 月曜日, 午後3時); durations (Period_Day: 3日間) are left out.
ENE_TO_LABEL: dict[str, str] = {
    "Person": PERSON,
    **dict.fromkeys(
        (
            "Province",
            "City",
            "County",
            "GPE_Other",
            "Location_Other",
            "Region_Other",
            "Domestic_Region",
            "Geological_Region_Other",
            "Mountain",
            "River",
            "Lake",
            "Island",
            "Bay",
            "Sea",
            "Spa",
        ),
        PLACE,
    ),
    **dict.fromkeys(
        (
            "Facility_Other",
            "Facility_Part",
            "GOE_Other",
            "Public_Institution",
            "School",
            "Research_Institute",
            "Park",
            "Sports_Facility",
            "Museum",
            "Theater",
            "Zoo",
            "Amusement_Park",
            "Worship_Place",
            "Archaeological_Place_Other",
            "Tumulus",
            "Station",
            "Car_Stop",
            "Airport",
            "Port",
            "Railroad",
            "Line_Other",
            "Road",
            "Bridge",
            "Tunnel",
            "Canal",
            "Water_Route",
        ),
        FACILITY,
    ),
    **dict.fromkeys(
        (
            "Date",
            "Day_Of_Week",
            "Time",
            "Timex_Other",
            "Time_Top_Other",
        ),
        DATE,
    ),
}

# The NER calls "マイナンバー" a Date: a DATE must at least contain a number or a time word.
_DATE_EVIDENCE = re.compile(
    r"[0-9０-９一二三四五六七八九十百元年月日火水木金土曜週時分秒午朝昼晩夜明今昨先来毎春夏秋冬旬末初頃半]"
)
_ERA_BEFORE = re.compile(r"(?:令和|平成|昭和)$")  # the NER leaves 令和 out of 令和8年4月1日


def _plausible(label: str, text: str) -> bool:
    if label == DATE:
        return _DATE_EVIDENCE.search(text) is not None
    # A name or a place is made of letters; "090-1234" tagged Person is a broken phone number.
    return any(ch.isalpha() for ch in text)


def _widen(text: str, span: Span) -> Span:
    start = span.start
    if span.label == DATE:
        era = _ERA_BEFORE.search(text, max(0, start - 2), start)
        start = era.start() if era else start
    elif span.label in (PLACE, FACILITY):
        # Sudachi splits kana-named towns (みどり|野市) and the NER keeps only the kanji part.
        start = kana_name_start(text, start)
    return span if start == span.start else make_span(text, span.label, start, span.end)


def _ner_spans(doc: Doc) -> list[Span]:
    """ja_ginza's entities of `doc`, relabelled and repaired, implausible ones dropped."""
    text = doc.text
    spans: list[Span] = []
    for ent in doc.ents:
        label = ENE_TO_LABEL.get(ent.label_)
        if label is None or not _plausible(label, ent.text):
            continue
        span = _widen(text, make_span(text, label, ent.start_char, ent.end_char))
        previous = spans[-1] if spans else None
        if (
            previous is not None
            and previous.label == PERSON
            and span.label in (PLACE, FACILITY)
            and previous.end >= span.start
        ):
            # "みどり"(Person) glued to "野市"(City) is one place named like a person.
            spans[-1] = make_span(text, span.label, previous.start, span.end)
        elif previous is not None and previous.end > span.start:  # widening made them overlap
            if span.end - span.start > previous.end - previous.start:
                spans[-1] = span
        else:
            spans.append(span)
    return spans


@Language.component(RULES_COMPONENT)
def add_rule_spans(doc: Doc) -> Doc:
    """Rule spans + NER entities outside them (rules win) become `doc.ents`."""
    merged = merge(doc.text, find_rule_spans(doc.text), _ner_spans(doc))
    # Rule spans first: once widened to token boundaries they must not lose to an NER span.
    ordered = sorted(merged, key=lambda s: s.label not in RULE_LABELS)
    taken: set[int] = set()
    ents: list[SpacySpan] = []
    for span in ordered:
        ent = doc.char_span(span.start, span.end, label=span.label, alignment_mode="expand")
        if ent is None or taken.intersection(range(ent.start, ent.end)):
            continue
        taken.update(range(ent.start, ent.end))
        ents.append(ent)
    doc.ents = sorted(ents, key=lambda e: e.start)
    return doc


_load_lock = threading.Lock()
# SudachiPy's tokenizer is not re-entrant: two threads in one Language at the same time get
# "RuntimeError: Already borrowed". FastAPI runs sync code in a thread pool, so calls are
# serialised (a short message takes ~30 ms, and NER is CPU-bound under the GIL anyway).
_call_lock = threading.Lock()
_nlp: Language | None = None


def get_pipeline() -> Language:
    """The process-wide pipeline, loaded on first use (~1 s).

    Do not run the returned Language from several threads at once: `parse()` does it safely.
    """
    global _nlp
    if _nlp is None:
        with _load_lock:
            if _nlp is None:
                nlp = spacy.load(MODEL, exclude=list(UNUSED_COMPONENTS))
                nlp.add_pipe(RULES_COMPONENT, after="ner")
                _nlp = nlp
    return _nlp


def ner_window(text: str) -> str:
    """The prefix of `text` that NER looks at (all of it when short)."""
    if len(text) <= MAX_NER_CHARS:
        return text
    limit = MAX_NER_CHARS
    cut = limit
    for match in _SENTENCE_END.finditer(text, max(0, limit - _CUT_LOOKBACK), limit):
        cut = match.end()
    return text[:cut]


def parse(text: str) -> Doc:
    """Run the pipeline on `ner_window(text)`; thread-safe.

    The Doc's character offsets are offsets into `text`: lone surrogates (JSON allows "\\ud800",
    SudachiPy cannot encode it) are replaced one for one by U+FFFD.
    """
    nlp = get_pipeline()
    window = _LONE_SURROGATE.sub("\ufffd", ner_window(text))
    with _call_lock:
        return nlp(window)
