"""Does a report signal immediate danger? Fire, gas, injury, an accident — call 119/110 now —
or a hazard on a road, a river bank or in a park (陥没, 倒木, 冠水, 崩れそう, 危ない) — keep away,
and the city's 24-hour line takes it even at night.

The report is read as morphemes (jatext): lemmas fold kana and kanji (けが = 怪我, あぶない =
危ない, キケン = 危険), and a signal followed in its clause by a negation (危なくない, けがは
していません, 燃えてない) does not count. Deterministic and explainable: staff can see why a
case was flagged, and a city can extend the lexicon.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import jatext
from api.triage.danger_en import assess_english, has_english


class Danger(str, enum.Enum):
    fire = "fire"  # 119
    gas = "gas"  # the gas company or 119; no flames, no switches
    injury = "injury"  # 119 (someone is hurt, collapsed, drowning, trapped)
    accident = "accident"  # 110 (a traffic accident)
    hazard = "hazard"  # keep away; the 24-hour line (a hole, a fallen tree, a flood …)

    @property
    def emergency(self) -> bool:
        """Call 119/110 first; the city comes second."""
        return self is not Danger.hazard


# lemma → the danger it signals on its own
_LEMMAS: dict[str, Danger] = {
    **dict.fromkeys(
        ["火事", "火災", "炎", "煙", "燃える", "焦げ臭い", "出火", "発火", "火の手", "ぼや"],
        Danger.fire,
    ),
    **dict.fromkeys(["ガス漏れ"], Danger.gas),
    **dict.fromkeys(
        ["怪我", "負傷", "出血", "骨折", "救急", "溺れる", "怪我人", "重傷", "けが人"],
        Danger.injury,
    ),
    **dict.fromkeys(["事故", "衝突", "ひき逃げ", "轢き逃げ", "当て逃げ"], Danger.accident),
    **dict.fromkeys(
        [
            "陥没", "冠水", "浸水", "倒木", "土砂", "崩落", "崖崩れ", "決壊", "氾濫", "破裂",
            "噴き出す", "噴出", "垂れ下がる", "落下", "危ない", "危険", "危うい", "嵌まる",
            "崩れる", "崩れ", "傾く", "倒壊", "倒れる",
        ],
        Danger.hazard,
    ),
}  # fmt: skip
# (lemma, lemma) within one clause → danger: ガスの臭い, 火が出る, 人が倒れる, 落ちそう
_PAIRS: dict[tuple[str, str], Danger] = {
    **{("ガス", word): Danger.gas for word in ("匂い", "臭い", "臭う", "匂う", "漏れ", "漏れる")},
    ("火", "出る"): Danger.fire,
    ("火", "付く"): Danger.fire,
    **{
        (person, "倒れる"): Danger.injury
        for person in ("人", "男性", "女性", "老人", "お年寄り", "子供", "高齢者", "方")
    },
    **{(person, "挟まる"): Danger.injury for person in ("人", "子供", "足", "手")},
    **{(person, "閉じ込める"): Danger.injury for person in ("人", "子供")},
    ("意識", "無い"): Danger.injury,
    ("倒れる", "そう"): Danger.hazard,
    ("落ちる", "そう"): Danger.hazard,
    ("落ちる", "掛ける"): Danger.hazard,
    ("切れる", "電線"): Danger.hazard,
    ("電線", "切れる"): Danger.hazard,
    ("木", "倒れる"): Danger.hazard,
    ("溢れる", "そう"): Danger.hazard,
}
# A signal that the next word turns into something else: 燃えるごみ is a kind of garbage.
_NOT_BEFORE: dict[str, frozenset[str]] = {"燃える": frozenset({"塵", "物"})}
# Lemmas that negate the word before them (危なく|ない, 燃え|て|ない, けが|は|し|て|い|ませ|ん) …
_NEGATIONS = frozenset({"無い", "ない", "ず", "ぬ", "無し", "なし"})
# … when nothing but particles, auxiliaries and these light verbs stands between: in 倒木で
# 通れない the negation belongs to 通れる, and the fallen tree stands.
_LIGHT_VERBS = frozenset({"為る", "居る", "有る", "在る", "成る", "出る", "付く", "御座る"})
_FUNCTION_POS = frozenset({"助詞", "助動詞", "接尾辞"})
# Kana spellings (じこ, かんぼつ, ガスくさい): the lexicon's readings, matched on the clause's
# readings; only readings this long, so that short ones (カジ, ヒ) cannot match inside words.
_MIN_READING = 3
# Where a clause ends: punctuation, and the conjunctive particles that join two statements.
_CLAUSE_BREAK_LEMMAS = frozenset({"が", "けど", "けれど", "けれども", "し", "から", "ので"})


@dataclass(frozen=True)
class DangerAssessment:
    dangers: tuple[Danger, ...]  # distinct, in the order of the first signal
    signals: tuple[str, ...]  # the words that gave them (for the case history)

    @property
    def urgent(self) -> bool:
        return bool(self.dangers)

    @property
    def emergency(self) -> bool:
        return any(d.emergency for d in self.dangers)


def _clauses(morphemes: Sequence[jatext.Morpheme]) -> list[list[jatext.Morpheme]]:
    clauses: list[list[jatext.Morpheme]] = [[]]
    for m in morphemes:
        breaks = m.pos == "補助記号" or (m.pos == "助詞" and m.lemma in _CLAUSE_BREAK_LEMMAS)
        if breaks and m.pos2 != "格助詞":  # が as a case particle (火が出る) keeps the clause
            clauses.append([])
        else:
            clauses[-1].append(m)
    return [c for c in clauses if c]


def _negated(clause: list[jatext.Morpheme], index: int) -> bool:
    for m in clause[index + 1 :]:
        if m.lemma in _NEGATIONS:
            return True
        if m.pos not in _FUNCTION_POS and m.lemma not in _LIGHT_VERBS:
            return False
    return False


_HIRAGANA_TO_KATAKANA = {code: code + 0x60 for code in range(0x3041, 0x3097)}


def _kana(m: jatext.Morpheme) -> str:
    """The morpheme as katakana: kana as written (a word typed in kana may be cut oddly, so
    its own reading is not to be trusted), else UniDic's reading."""
    surface = m.surface.translate(_HIRAGANA_TO_KATAKANA)
    if all("\u30a1" <= ch <= "\u30fc" for ch in surface):
        return surface
    return m.reading or surface


# Pairs as they are typed in kana (がすくさい, がすもれ).
_KANA_PAIRS: dict[str, Danger] = {
    "ガスクサ": Danger.gas,
    "ガスモレ": Danger.gas,
    "ガスノニオ": Danger.gas,
    "ガスノクサ": Danger.gas,
}


@lru_cache(maxsize=1)
def _reading_lexicon() -> dict[str, tuple[Danger, str | None]]:
    """katakana → (danger, the lexicon lemma it spells, None for a pair)."""
    readings: dict[str, tuple[Danger, str | None]] = {
        kana: (danger, None) for kana, danger in _KANA_PAIRS.items()
    }
    for lemma, danger in _LEMMAS.items():
        kana = "".join(_kana(m) for m in jatext.tokenize(lemma))
        if len(kana) >= _MIN_READING:
            readings.setdefault(kana, (danger, lemma))
    return readings


def _by_reading(clause: list[jatext.Morpheme]) -> list[tuple[Danger, int, int]]:
    """(danger, first, last morpheme) for lexicon readings found in the clause's kana."""
    kana = ""
    owner: list[int] = []  # the morpheme of each kana character
    for index, m in enumerate(clause):
        piece = _kana(m)
        kana += piece
        owner.extend([index] * len(piece))
    found = []
    for reading, (danger, lemma) in _reading_lexicon().items():
        start = kana.find(reading)
        if start < 0:
            continue
        last = owner[start + len(reading) - 1]
        following = clause[last + 1].lemma if last + 1 < len(clause) else None
        if following not in _NOT_BEFORE.get(lemma or "", ()):
            found.append((danger, owner[start], last))
    return found


def assess(text: str) -> DangerAssessment:
    dangers: dict[Danger, None] = {}
    signals: dict[str, None] = {}
    for clause in _clauses(jatext.tokenize(text or "")):
        lemmas = [m.lemma for m in clause]
        for i, lemma in enumerate(lemmas):
            danger = _LEMMAS.get(lemma)
            following = lemmas[i + 1] if i + 1 < len(lemmas) else None
            if following in _NOT_BEFORE.get(lemma, ()):
                continue
            if danger is not None and not _negated(clause, i):
                dangers.setdefault(danger)
                signals.setdefault(clause[i].surface)
            for j in range(i + 1, len(lemmas)):
                pair = _PAIRS.get((lemma, lemmas[j]))
                if pair is not None and not _negated(clause, j):
                    dangers.setdefault(pair)
                    signals.setdefault("".join(m.surface for m in clause[i : j + 1]))
        for danger, first, last in _by_reading(clause):
            if not _negated(clause, last):
                dangers.setdefault(danger)
                signals.setdefault("".join(m.surface for m in clause[first : last + 1]))
    if has_english(text):  # an English report, or English words in a Japanese one
        for value, signal in assess_english(text):
            dangers.setdefault(Danger(value))
            signals.setdefault(signal)
    return DangerAssessment(tuple(dangers), tuple(signals))
