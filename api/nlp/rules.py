"""Deterministic rules for personal data that has a format.

Phone numbers, e-mail addresses, My Number, postal codes and Japanese street addresses are
found with regular expressions over the ORIGINAL text (character classes accept both ASCII and
full-width forms, so offsets never need re-mapping after normalisation). No spaCy here: the
logging filter runs these rules on every record.
"""

from __future__ import annotations

import re
import unicodedata

from api.nlp.english_personal import english_personal_spans
from api.nlp.spans import (
    ADDRESS,
    EMAIL,
    MY_NUMBER,
    PHONE,
    POSTAL_CODE,
    Span,
    make_span,
    resolve_rule_overlaps,
)

_D = "[0-9０-９]"  # one digit, ASCII or full-width
_NOT_AFTER_DIGIT = "(?<![0-9０-９])"
_NOT_BEFORE_DIGIT = "(?![0-9０-９])"
# Hyphen look-alikes people type between digit groups: ASCII, Unicode dashes, minus, the
# katakana long vowel mark (IMEs produce it for "-") and their full/half-width forms.
_HY = "[-‐‑‒–—―−ーｰ－]"
# A number glued to another by a hyphen is part of a longer identifier (2026-000123).
_NOT_AFTER_NUMBER = rf"{_NOT_AFTER_DIGIT}(?<![0-9０-９]{_HY})"
_NOT_BEFORE_NUMBER = rf"{_NOT_BEFORE_DIGIT}(?!{_HY}[0-9０-９])"
_SEP = rf"(?:{_HY}|[.．]|[ \u3000])"  # between phone digit groups
_GSEP = rf"(?:{_SEP}|[ \u3000]?[()（）][ \u3000]?)?"  # or a parenthesis: 03(1234)5678

# fmt: off
PREFECTURES = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県",
    "栃木県", "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県",
    "石川県", "福井県", "山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県",
    "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県",
    "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県",
    "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
)
# fmt: on
_PREFECTURE = "(?:" + "|".join(PREFECTURES) + ")"

# Domestic numbers: 0 + area/mobile code, 10 or 11 digits in all; the grouping is free because
# people write 03-1234-5678, 0312345678, 03(1234)5678 and (03)1234-5678 alike.
_DOMESTIC_PHONE = re.compile(
    rf"{_NOT_AFTER_NUMBER}(?:[(（][ \u3000]?)?[0０][1-9１-９]{_D}{{0,3}}{_GSEP}"
    rf"{_D}{{1,4}}{_GSEP}{_D}{{3,4}}{_NOT_BEFORE_NUMBER}"
)
# +81 90-1234-5678, +81 (0)3 1234 5678, ＋８１９０１２３４５６７８
_INTERNATIONAL_PHONE = re.compile(
    rf"[+＋][ \u3000]?(?:81|８１){_GSEP}(?:[(（][0０][)）][ \u3000]?)?"
    rf"{_D}{{1,4}}{_GSEP}{_D}{{1,4}}{_GSEP}{_D}{{3,4}}{_NOT_BEFORE_NUMBER}"
)
# A local number without area code (1234-5678) only counts right after a phone keyword.
_CONTEXT_PHONE = re.compile(
    r"(?:電話|ＴＥＬ|TEL|Tel|tel|℡|携帯)(?:番号)?[はがを:：\s]{0,3}"
    rf"(?P<number>{_NOT_AFTER_NUMBER}{_D}{{2,4}}{_HY}{_D}{{4}}{_NOT_BEFORE_NUMBER})"
)
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9Ａ-Ｚａ-ｚ０-９._%+\-．＿－＋])"
    r"[A-Za-z0-9Ａ-Ｚａ-ｚ０-９._%+\-．＿－＋]+[@＠]"
    r"[A-Za-z0-9Ａ-Ｚａ-ｚ０-９\-－]+(?:[.．][A-Za-z0-9Ａ-Ｚａ-ｚ０-９\-－]+)+"
)
# My Number: 12 digits, as 123456789012 or in 4-4-4 groups separated by spaces or hyphens.
_MY_SEP = rf"(?:{_HY}|[ \u3000])?"
_MY_NUMBER = re.compile(
    rf"{_NOT_AFTER_NUMBER}(?<![+＋]){_D}{{4}}{_MY_SEP}{_D}{{4}}{_MY_SEP}{_D}{{4}}{_NOT_BEFORE_NUMBER}"
)
_POSTAL_MARKED = re.compile(
    rf"(?:〒[ \u3000]?|郵便番号[はが:：\s]{{0,3}})"
    rf"(?P<code>{_NOT_AFTER_NUMBER}{_D}{{3}}{_HY}?{_D}{{4}}){_NOT_BEFORE_NUMBER}"
)
# Without 〒, 123-4567 is a postal code only when an address (a prefecture) follows.
_POSTAL_BARE = re.compile(
    rf"{_NOT_AFTER_NUMBER}{_D}{{3}}{_HY}{_D}{{4}}{_NOT_BEFORE_NUMBER}(?=[ \u3000]?{_PREFECTURE})"
)

# --- Addresses -------------------------------------------------------------------------------
# Found in two steps: a block number (丁目 / 番地 / 番・号 / 1-2-3) is the anchor, then the town
# name is taken by scanning left over kanji and katakana. Regexes alone would need nested
# quantifiers over the same characters (backtracking on long text); the scan is linear.
_N = "(?:[0-9０-９]{1,4}|[一二三四五六七八九十百〇]{1,4})"
_UNIT = (
    rf"(?:{_HY}{_D}{{1,4}}(?:号(?!室))?"  # -2, -3号
    rf"|{_D}{{1,4}}(?={_HY}[0-9０-９])"  # the 2 of 1丁目2-3
    # 2番, 3号, の3号; a kanji numeral only before 番地/号 (一番 also means "most"), and
    # 201号室 is left to _ROOM
    rf"|の?[ \u3000]?(?:{_N}(?:番地|号(?!室))|{_D}{{1,4}}番)"
    rf"|の{_D}{{1,4}}(?![0-9０-９台人個回件本枚日月年時分階歳才円]))"  # 12番地の3
)
_ROOM = rf"(?:[ \u3000]?{_D}{{1,4}}号室)?"
_BLOCK = re.compile(
    rf"{_NOT_AFTER_DIGIT}(?:"
    rf"(?P<chome>{_N}丁目(?:{_UNIT}){{0,3}})"
    rf"|(?P<banchi>{_N}番地(?:{_UNIT}){{0,2}})"
    rf"|(?P<bango>{_N}番[ \u3000]?{_N}号(?:{_UNIT})?)"
    rf"|(?P<hyphen>(?<![0-9０-９]{_HY})[1-9１-９]{_D}{{0,3}}(?:{_HY}{_D}{{1,4}}){{1,3}}"
    rf"{_NOT_BEFORE_NUMBER})"
    rf"){_ROOM}"
)
_DATE_LIKE = re.compile(rf"^(?:19|20|１９|２０){_D}{{2}}{_HY}{_D}{{1,2}}(?:{_HY}{_D}{{1,2}})?$")
_ADMIN_SUFFIX = "都道府県市区郡"
_TOWN_SUFFIXES = "町村丁条通字"
_MAX_TOWN_CHARS = 30
# Kana in place names (みどり野市, さいたま市, 自由が丘) come right before one of these.
_KANA_NAME_FOLLOWERS = "市区町村郡野丘台谷浜崎原森関岡尾島坂峰"
_PARTICLE_START = "はがをにでとのもへやかよ"
_MAX_KANA_IN_NAME = 5
# Words that end up in front of a town name when the text has no particle between them.
_LEADING_NOISE = (
    "現住所",
    "住所",
    "所在地",
    "自宅",
    "場所",
    "本日",
    "今日",
    "昨日",
    "先日",
    "今朝",
    "昨夜",
    "毎日",
    "至急",
)
_PREFECTURE_RE = re.compile(_PREFECTURE)


def _is_kanji(ch: str) -> bool:
    return (
        "\u4e00" <= ch <= "\u9fff"  # CJK unified ideographs
        or "\u3400" <= ch <= "\u4dbf"  # extension A
        or "\U00020000" <= ch <= "\U0003134f"  # extensions B–G (𠮷)
        or ch in "々〆"
    )


def _is_town_char(ch: str) -> bool:
    """Kanji or katakana (incl. ー and ヶ): what place names are written with."""
    return _is_kanji(ch) or "\u30a1" <= ch <= "\u30ff"


def _is_hiragana(ch: str) -> bool:
    return "ぁ" <= ch <= "ゖ"


def kana_name_start(text: str, start: int) -> int:
    """Start of the kana part of a place name whose kanji part begins at `start`
    (みどり|野市 → the み), or `start` when the kana before it are not part of the name
    (公園の|緑町: a particle)."""
    if start >= len(text) or text[start] not in _KANA_NAME_FOLLOWERS:
        return start
    i = start
    while i > 0 and _is_hiragana(text[i - 1]) and start - i < _MAX_KANA_IN_NAME:
        i -= 1
    kana = text[i:start]
    if not kana or (i > 0 and _is_hiragana(text[i - 1])):
        return start  # no kana, or a longer kana run: ordinary words, not a name
    if kana[0] in _PARTICLE_START and kana not in ("が", "ガ"):
        return start  # "ではみどり野市": a particle begins the run (が丘 is a name)
    return i


def _town_start(text: str, end: int) -> int:
    """Start of the place name that ends at `end` (== end when there is none)."""
    i = end
    limit = max(0, end - _MAX_TOWN_CHARS)
    while i > limit:
        ch = text[i - 1]
        follower = text[i] if i < end else ""
        if _is_town_char(ch):
            i -= 1
        elif _is_hiragana(ch) and follower and (kana := kana_name_start(text, i)) < i:
            i = kana
        elif ch.isdigit() and follower == "条":
            # 札幌: 北1条西2丁目 — digits belong to the name only in front of 条.
            while i > limit and text[i - 1].isdigit():
                i -= 1
        elif ch in " \u3000" and i - 1 > limit and text[i - 2] in _ADMIN_SUFFIX and follower:
            i -= 1  # 東京都 千代田区 緑町1-2-3
        else:
            break
    while i < end and text[i] in " \u3000":
        i += 1
    return i


def _trim_town(text: str, start: int, end: int) -> int:
    """Drop words glued in front of the town name: from a prefecture on, or known noise."""
    name = text[start:end]
    prefecture = _PREFECTURE_RE.search(name)
    if prefecture:
        return start + prefecture.start()
    for word in _LEADING_NOISE:
        if name.startswith(word) and len(name) > len(word):
            return start + len(word)
    return start


def _plausible_hyphen_address(town: str, numbers: str) -> bool:
    """A bare 1-2-3 could be anything (図1-2, 第3-2会議室, 2026-11-27): it needs a town name."""
    if len(town) < 2 or town.endswith("第") or _DATE_LIKE.match(numbers):
        return False
    if not any(_is_kanji(ch) for ch in town):
        return False  # katakana only: ステップ1-2, バージョン2-1
    if len(re.findall(_HY, numbers)) >= 2:
        return True  # 1-2-3 after a name is an address
    # Two groups (銀座4-5, 資料1-2) only after a town suffix or an administrative unit.
    return town[-1] in _TOWN_SUFFIXES or any(ch in _ADMIN_SUFFIX for ch in town)


def _addresses(text: str) -> list[Span]:
    spans = []
    for match in _BLOCK.finditer(text):
        town_start = _trim_town(text, _town_start(text, match.start()), match.start())
        town = text[town_start : match.start()]
        hyphen = match.group("hyphen")
        if hyphen is not None and not _plausible_hyphen_address(town, hyphen):
            continue
        spans.append(make_span(text, ADDRESS, town_start, match.end()))
    return spans


def _digits(s: str) -> str:
    return "".join(str(unicodedata.digit(ch)) for ch in s if ch.isdigit())


def _phones(text: str) -> list[Span]:
    spans = []
    for match in _DOMESTIC_PHONE.finditer(text):
        if len(_digits(match.group())) in (10, 11):
            spans.append(make_span(text, PHONE, match.start(), match.end()))
    for match in _INTERNATIONAL_PHONE.finditer(text):
        national = _digits(match.group())[2:]  # without the country code 81
        if national.startswith("0"):
            national = national[1:]  # the trunk prefix: +81 (0)3 …, or written by mistake
        if len(national) in (9, 10):
            spans.append(make_span(text, PHONE, match.start(), match.end()))
    for match in _CONTEXT_PHONE.finditer(text):
        spans.append(make_span(text, PHONE, match.start("number"), match.end("number")))
    return spans


def find_rule_spans(text: str) -> list[Span]:
    """All rule matches in `text`, non-overlapping (see RULE_PRIORITY), sorted by offset."""
    candidates: list[Span] = []
    candidates += [make_span(text, EMAIL, m.start(), m.end()) for m in _EMAIL.finditer(text)]
    candidates += [
        make_span(text, MY_NUMBER, m.start(), m.end()) for m in _MY_NUMBER.finditer(text)
    ]
    candidates += _phones(text)
    # Only the code itself: "〒［郵便番号］" still reads naturally once masked.
    candidates += [
        make_span(text, POSTAL_CODE, m.start("code"), m.end("code"))
        for m in _POSTAL_MARKED.finditer(text)
    ]
    candidates += [
        make_span(text, POSTAL_CODE, m.start(), m.end()) for m in _POSTAL_BARE.finditer(text)
    ]
    candidates += _addresses(text)
    candidates += english_personal_spans(text)
    return resolve_rule_overlaps(candidates)
