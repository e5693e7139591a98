"""The language a citizen writes in, from one short chat message.

Lingua (its models ship inside the wheel: nothing is downloaded) decides among Latin-script
languages; the scripts decide first, because a chat message is often two or three words and
a statistical model guesses poorly on those:

- any kana: Japanese (Japanese is the only language written with kana);
- any hangul: Korean;
- Han characters without kana: Japanese, unless the text has characters Japanese does not use
  (simplified forms such as 这 们 吗 垃圾, traditional ones such as 這 們 嗎 麼): a Japanese
  city hears 住民票 or 市役所 far more often than a Chinese sentence without those;
- Latin letters mixed with Han characters: the Latin part decides when it is the larger part
  ("Where do I get 住民票?" is English).

`detect` returns None when a message says nothing about its language (digits, emoji, "ok"):
the conversation then keeps the language it had.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

# The languages a Japanese city hears most from its residents, and the ones procurement asks
# for; more can be added here (the detector costs memory per language).
LANGUAGES = (
    Language.JAPANESE,
    Language.ENGLISH,
    Language.CHINESE,
    Language.KOREAN,
    Language.VIETNAMESE,
    Language.PORTUGUESE,
    Language.SPANISH,
    Language.TAGALOG,
    Language.INDONESIAN,
    Language.THAI,
)
LATIN_LANGUAGES = tuple(
    language
    for language in LANGUAGES
    if language not in (Language.JAPANESE, Language.CHINESE, Language.KOREAN, Language.THAI)
)

_KANA = re.compile(r"[\u3041-\u309f\u30a1-\u30fa\u30fc-\u30ff\uff66-\uff9d]")
_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
_THAI = re.compile(r"[\u0e00-\u0e7f]")
# Letters only Vietnamese uses among the languages above (ơ ư ă đ and the dot-below / hook-above
# vowels): one of them settles it, even in a two-word message.
_VIETNAMESE = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯ\u1ea0-\u1ef9]")

# Characters Chinese writes and Japanese does not (simplified and traditional forms and
# Chinese function words): one is enough to call a Han-only message Chinese. Characters both
# languages use (电话 is Chinese but 電話 is Japanese; 请 is Chinese but 請 is Japanese) are
# deliberately absent.
_CHINESE_ONLY = frozenset(
    "这们吗么说还对给让从请谢问题办处应该电话码证扔垃圾你她吧呢几时间门车东买卖开关长书页业务费"
    "发报户护险续乡边过进运动为个样哪坏员园钱图结缴单丢儿补贴网线亲见觉际认识读写习"
    "這們嗎麼說對讓從裡應號碼證辦處與關發險續鄉邊"
)
# What the sets above must not contain (Japanese writes these): guards against a future edit.
_SHARED_HAN = frozenset("号了是我他在有能可以会国学医区市税的里没為個時間東車門開長書頁業務費報")
_CHINESE_MARKERS = _CHINESE_ONLY - _SHARED_HAN

# Acronyms (ATM, PDF, NPO, LINE) are written the same in every language: they tell nothing.
_ACRONYM = re.compile(r"\b[A-Z]{2,5}\b")
# Below this many Latin letters (and no other script), a message is too short to tell ("ok").
_MIN_LATIN_LETTERS = 3


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    # Built once per process; the models load on first use of each language.
    return LanguageDetectorBuilder.from_languages(*LANGUAGES).build()


@lru_cache(maxsize=1)
def _latin_detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*LATIN_LANGUAGES).build()


def _code(language: Language) -> str:
    return language.iso_code_639_1.name.lower()


def raw_detect(text: str) -> str | None:
    """Lingua's own answer over the same languages, without the rules: the benchmark baseline."""
    found = _detector().detect_language_of(text)
    return None if found is None else _code(found)


def _latin(text: str) -> str:
    if _VIETNAMESE.search(text):
        return "vi"
    found = _latin_detector().detect_language_of(text)
    if found is None:
        return "en"
    if not text.isascii():
        return _code(found)
    # Plain ASCII: English unless Lingua is fairly sure of another language (Tagalog and
    # Indonesian share many short words with English and with each other).
    confidence = _latin_detector().compute_language_confidence(text, found)
    return _code(found) if found is Language.ENGLISH or confidence >= 0.6 else "en"


def _han(text: str) -> str:
    return "zh" if any(char in _CHINESE_MARKERS for char in text) else "ja"


def detect(text: str) -> str | None:
    """ISO 639-1 code of the message's language ('ja', 'en', 'zh', 'ko', 'vi', …), or None when
    the message has nothing to tell it by."""
    text = unicodedata.normalize("NFKC", text)
    kana = len(_KANA.findall(text))
    hangul = len(_HANGUL.findall(text))
    han = len(_HAN.findall(text))
    latin = len(_LATIN.findall(_ACRONYM.sub(" ", text)))
    if latin >= 6 and latin > 2 * (kana + hangul + han):
        return _latin(text)  # "How to throw 粗大ごみ": an English sentence around a city word
    if kana or hangul:
        return "ja" if kana >= hangul else "ko"
    if _THAI.search(text):
        return "th"
    if han and (latin < _MIN_LATIN_LETTERS or latin < 2 * han):
        return _han(text)
    if latin >= _MIN_LATIN_LETTERS or (latin and _VIETNAMESE.search(text)):
        return _latin(text)
    return None
