"""Text analysis for FAQ search: normalization, content-word lemmas, synonyms, character n-grams.

Both the indexed entries and the queries go through the same `Analyzer`, so that spelling
variants (表記ゆれ: ごみ/ゴミ, 子ども/子供/こども) meet: UniDic lemmas fold most of them, and the
municipal dictionary `synonyms.yml` folds the rest (国保 → 国民健康保険, 保育園 → 保育所 …).

Query noise (知りたい, 教えてください, について, ですか …) goes away through the part-of-speech
filter (particles, auxiliaries) and a small stop list of lemmas (知る, 教える, する …).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

import jatext

SYNONYMS_PATH = Path(__file__).with_name("synonyms.yml")

# Parts of speech (UniDic pos1) that carry content.
CONTENT_POS = frozenset({"名詞", "動詞", "形容詞", "形状詞", "副詞", "接頭辞", "記号"})
# Nouns of these kinds are numbers or dependent nouns (こと, もの, ため …): noise.
NOISE_POS2 = frozenset({"数詞", "助動詞語幹"})

# Words (as written; folded to lemmas at start-up) that say how a citizen asks, not what
# about: requests, politeness, question words and the most generic verbs and nouns.
STOP_WORDS = (
    "する ある いる なる できる 出来る れる られる せる させる 思う 考える 存じる "
    "知る 教える 聞く 伺う 尋ねる 分かる わかる 言う いう 見る 申す 致す いたす "
    "下さる くださる 頂く いただく もらう 貰う くれる 欲しい ほしい 良い よい いい 無い ない "
    "おる 居る つく 付く 宜しく よろしく お願い 参る 来る 行く 済む 困る 願う 宜しい "
    "構う 大丈夫 "
    "こと 事 もの 物 ため 為 方 ほう よう 様 件 点 所 ところ 場合 際 時 とき 中 上 的 等 など "
    "何 なに なん 何か どう どの どれ どこ いつ だれ 誰 どちら どんな 如何 いかが いくつ "
    "これ それ あれ この その あの ここ そこ 今 現在 今回 先日 "
    "お 御 ご 市 市内 本市 当市 について における に関して "
    "確認 詳細 詳しい 内容 情報 方法 必要 "
    "しまう 仕舞う ちゃう めっちゃ とても すごく ちょっと ちょい 結構 なんか 一寸"
)

_CONTENT_CHAR = r"0-9a-z\u3005\u30a1-\u30fa\u30fc\u4e00-\u9fff"
_CONTENT_RUN = re.compile(f"[{_CONTENT_CHAR}]+")


@dataclass(frozen=True)
class Synonyms:
    """The folded spellings (variant → canonical) and query expansions (lemma → lemmas)."""

    equivalents: dict[str, str] = field(default_factory=dict)
    related: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path = SYNONYMS_PATH) -> Synonyms:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        equivalents: dict[str, str] = {}
        for group in data.get("equivalents") or []:
            words = [jatext.normalize(str(w)) for w in group]
            canonical = words[0]
            for word in words:
                equivalents[word] = canonical
        related = {
            jatext.normalize(str(k)): tuple(jatext.normalize(str(w)) for w in v)
            for k, v in (data.get("related") or {}).items()
        }
        return cls(equivalents=equivalents, related=related)


class Analyzer:
    """Turns text into index terms. Deterministic and cheap (one fugashi pass per text)."""

    def __init__(self, synonyms: Synonyms | None = None) -> None:
        self.synonyms = synonyms if synonyms is not None else Synonyms.load()
        forms = sorted(self.synonyms.equivalents, key=len, reverse=True)
        self._fold = re.compile("|".join(re.escape(f) for f in forms if f)) if forms else None
        self.stop_lemmas = frozenset(self._lemmas_of(STOP_WORDS.split()))
        self._related: dict[str, tuple[str, ...]] = {}
        for key, words in self.synonyms.related.items():
            lemmas = [lemma for w in words for lemma in self.words(w)]
            for key_lemma in self._lemmas_of([key]):
                self._related[key_lemma] = tuple(dict.fromkeys(lemmas))

    def _lemmas_of(self, words: Iterable[str]) -> set[str]:
        lemmas: set[str] = set()
        for word in words:
            norm = self.fold(jatext.normalize(word))
            lemmas.add(norm)
            morphemes = jatext.tokenize(norm)
            if len(morphemes) == 1:
                lemmas.add(morphemes[0].lemma)
        return lemmas

    def fold(self, normalized: str) -> str:
        """Replace every spelling variant of the synonym dictionary by its canonical form."""
        if self._fold is None:
            return normalized
        equivalents = self.synonyms.equivalents
        return self._fold.sub(lambda m: equivalents[m.group(0)], normalized)

    def prepare(self, text: str) -> str:
        """Normalized text, colloquial and dialect forms standardized, synonyms folded: the
        input of `words` and `chars`."""
        return self.fold(jatext.standardize(jatext.normalize(text)))

    def content(self, text: str, *, prepared: bool = False) -> list[jatext.Morpheme]:
        """Content morphemes, in order, with stop words and noise removed."""
        norm = text if prepared else self.prepare(text)
        out: list[jatext.Morpheme] = []
        for m in _tokenize(norm):
            if m.pos not in CONTENT_POS or (m.pos2 in NOISE_POS2 and not _kana_noun(m)):
                continue
            if m.lemma in self.stop_lemmas or m.surface in self.stop_lemmas:
                continue
            if m.pos == "記号" and not re.search(f"[{_CONTENT_CHAR}]", m.lemma):
                continue
            out.append(m)
        return out

    def words(self, text: str, *, prepared: bool = False) -> list[str]:
        """Content-word lemmas, in order, with stop words and noise removed."""
        return [m.lemma for m in self.content(text, prepared=prepared)]

    def narrowings(
        self, text: str, *, prepared: bool = False
    ) -> list[tuple[jatext.Morpheme, jatext.Morpheme]]:
        """(modifier, head): each content noun joined to the next by の, the modifier saying
        which of several things the head means (ガスの開栓 → (ガス, 開栓))."""
        norm = text if prepared else self.prepare(text)
        content = {m.start for m in self.content(norm, prepared=True) if m.pos == "名詞"}
        tokens = _tokenize(norm)
        return [
            (modifier, head)
            for modifier, particle, head in zip(tokens, tokens[1:], tokens[2:], strict=False)
            if modifier.start in content
            and head.start in content
            and particle.pos == "助詞"
            and particle.surface == "の"
        ]

    def readings(self, text: str, *, prepared: bool = False, n: int = 2) -> list[str]:
        """Kana n-grams of the readings of the content words, voicing marks dropped, so that
        kanji and kana spellings and compounds meet (スズメバチ ⊃ ハチ = 蜂)."""
        return self.readings_of(self.content(text, prepared=prepared), n=n)

    @staticmethod
    def readings_of(morphemes: Iterable[jatext.Morpheme], n: int = 2) -> list[str]:
        grams: list[str] = []
        for m in morphemes:
            kana = _plain_kana(m.reading or m.surface)
            if len(kana) < n:
                grams.append(kana)
            else:
                grams.extend(kana[i : i + n] for i in range(len(kana) - n + 1))
        return grams

    def chars(self, text: str, *, prepared: bool = False, n: int = 2) -> list[str]:
        """Character n-grams of the content runs (kanji, katakana, latin, digits) of the text."""
        norm = text if prepared else self.prepare(text)
        grams: list[str] = []
        for run in _CONTENT_RUN.findall(norm):
            if len(run) < n:
                grams.append(run)
            else:
                grams.extend(run[i : i + n] for i in range(len(run) - n + 1))
        return grams

    def expansions(self, lemmas: Iterable[str]) -> list[str]:
        """Related lemmas for a query (from the `related` part of the dictionary)."""
        seen = set(lemmas)
        out: list[str] = []
        for lemma in list(seen):
            for extra in self._related.get(lemma, ()):
                if extra not in seen:
                    seen.add(extra)
                    out.append(extra)
        return out


def _kana_noun(m: jatext.Morpheme) -> bool:
    """A numeral written in hiragana (ひ, ふ, み) is, in a citizen's question, almost always a
    noun typed without its kanji (ごみのひ = ごみの日): kept, and found through its reading."""
    return m.pos2 == "数詞" and all("\u3041" <= c <= "\u3096" for c in m.surface)


_VOICING = str.maketrans("", "", "\u3099\u309a")
_HIRAGANA_TO_KATAKANA = {c: c + 0x60 for c in range(0x3041, 0x3097)}


def _plain_kana(text: str) -> str:
    """Katakana without voicing marks (バ → ハ, パ → ハ), for reading n-grams."""
    decomposed = unicodedata.normalize("NFD", text.translate(_HIRAGANA_TO_KATAKANA))
    return unicodedata.normalize("NFC", decomposed.translate(_VOICING))


@lru_cache(maxsize=4096)
def _tokenize_cached(text: str) -> tuple[jatext.Morpheme, ...]:
    return tuple(jatext.tokenize(text))


def _tokenize(text: str) -> tuple[jatext.Morpheme, ...]:
    if len(text) > 200:  # entries are analysed once; only short texts (queries) repeat
        return tuple(jatext.tokenize(text))
    return _tokenize_cached(text)


@lru_cache(maxsize=1)
def default_analyzer() -> Analyzer:
    return Analyzer()
