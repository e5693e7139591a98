import random
import unicodedata
from concurrent.futures import ThreadPoolExecutor

import pytest

from jatext import Morpheme, tokenize


def _surfaces_and_offsets(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    morphemes = tokenize(text)
    return [m.surface for m in morphemes], [(m.start, m.end) for m in morphemes]


@pytest.mark.parametrize(
    ("text", "expected_tokens", "expected_offsets"),
    [
        (
            "粗大ごみの出し方を教えてください",
            ["粗大", "ごみ", "の", "出し", "方", "を", "教え", "て", "ください"],
            [(0, 2), (2, 4), (4, 5), (5, 7), (7, 8), (8, 9), (9, 11), (11, 12), (12, 16)],
        ),
        # Half-width katakana: MeCab reads ガス, the offsets still count ｶ ﾞ ｽ as three.
        (
            "ｶﾞｽ漏れ😱です",
            ["ｶﾞｽ", "漏れ", "😱", "です"],
            [(0, 3), (3, 5), (5, 6), (6, 8)],
        ),
        # A decomposed ガ (カ + combining voiced mark) is one character for MeCab too.
        ("カ\u3099ス漏れ", ["カ\u3099ス", "漏れ"], [(0, 3), (3, 5)]),
        ("ＡＢＣ１２３の件", ["ＡＢＣ", "１２３", "の", "件"], [(0, 3), (3, 6), (6, 7), (7, 8)]),
        (
            "iPhone15でマイナンバーカードを申請",
            ["iPhone", "15", "で", "マイ", "ナンバー", "カード", "を", "申請"],
            [(0, 6), (6, 8), (8, 9), (9, 11), (11, 15), (15, 18), (18, 19), (19, 21)],
        ),
        ("Hello World", ["Hello", "World"], [(0, 5), (6, 11)]),
        # Skin tone and ZWJ family stay whole; MeCab alone returns 👍🏽👨 as one unknown word.
        (
            "👍🏽👨\u200d👩\u200d👧テスト",
            ["👍🏽", "👨\u200d👩\u200d👧", "テスト"],
            [(0, 2), (2, 7), (7, 10)],
        ),
        ("🇯🇵🇯🇵", ["🇯🇵", "🇯🇵"], [(0, 2), (2, 4)]),
        ("😱😱😱", ["😱", "😱", "😱"], [(0, 1), (1, 2), (2, 3)]),
        ("1\ufe0f\u20e3番", ["1\ufe0f\u20e3", "番"], [(0, 3), (3, 4)]),
        # NFKC expands ㍿ to 株式会社 (two words for MeCab); it is still one original character.
        ("㍿に電話", ["㍿", "に", "電話"], [(0, 1), (1, 2), (2, 4)]),
        # Repeated words: offsets move forward, never back to an earlier occurrence.
        ("住民票住民票", ["住民", "票", "住民", "票"], [(0, 2), (2, 3), (3, 5), (5, 6)]),
        (
            "ごみ、ごみ、ごみ",
            ["ごみ", "、", "ごみ", "、", "ごみ"],
            [(0, 2), (2, 3), (3, 5), (5, 6), (6, 8)],
        ),
        # Newlines, tabs, ideographic spaces and NUL are skipped, never tokens.
        ("ごみ\n\tの\u3000日", ["ごみ", "の", "日"], [(0, 2), (4, 5), (6, 7)]),
        ("ごみ\x00の日", ["ごみ", "の", "日"], [(0, 2), (3, 4), (4, 5)]),
        ("\u200bこんにちは\ufeff", ["こんにちは"], [(1, 6)]),
        # MeCab groups unknown punctuation (",「」『』"); we keep one token per mark.
        ("a,「b」", ["a", ",", "「", "b", "」"], [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5)]),
        ("", [], []),
        ("   \n\t\u3000\r\n", [], []),
    ],
)
def test_tokens_and_offsets(
    text: str, expected_tokens: list[str], expected_offsets: list[tuple[int, int]]
) -> None:
    assert _surfaces_and_offsets(text) == (expected_tokens, expected_offsets)


@pytest.mark.parametrize(
    ("text", "surface", "lemma"),
    [
        ("ゴミ", "ゴミ", "塵"),  # UniDic's lemma unifies ごみ / ゴミ / 塵
        ("ごみ", "ごみ", "塵"),
        ("子ども", "子ども", "子供"),
        ("子供", "子供", "子供"),
        ("ガス", "ガス", "ガス"),  # UniDic: ガス-gas
        ("ｶﾞｽ", "ｶﾞｽ", "ガス"),
        ("500円", "円", "円"),  # UniDic: 円-助数詞
        ("教えてください", "ください", "下さる"),
        ("ｺﾝﾋﾟｭｰﾀ", "ｺﾝﾋﾟｭｰﾀ", "コンピューター"),  # UniDic: コンピューター-computer
        ("ＡＢＣ", "ＡＢＣ", "abc"),  # unknown word: the normalized surface
        ("iPhone", "iPhone", "iphone"),
        ("㍿", "㍿", "株式会社"),
        ("10時～12時", "～", "~"),  # symbols: normalized surface, not UniDic's ￣
        ("👍🏽", "👍🏽", "👍🏽"),
    ],
)
def test_lemma(text: str, surface: str, lemma: str) -> None:
    by_surface = {m.surface: m for m in tokenize(text)}
    assert by_surface[surface].lemma == lemma


def test_features() -> None:
    morphemes = tokenize("ｶﾞｽ漏れ😱です")
    assert [(m.pos, m.pos2) for m in morphemes] == [
        ("名詞", "普通名詞"),
        ("名詞", "普通名詞"),
        ("補助記号", "一般"),
        ("助動詞", "*"),
    ]
    assert [m.reading for m in morphemes] == ["ガス", "モレ", None, "デス"]
    assert morphemes[0] == Morpheme("ｶﾞｽ", 0, 3, "ガス", "名詞", "普通名詞", "ガス")


def test_reading_is_the_kana_spelling_not_the_pronunciation() -> None:
    (morpheme, *_) = tokenize("住民票")
    assert morpheme.reading == "ジュウミン"  # pron would be ジューミン


def _check_invariants(text: str, morphemes: list[Morpheme]) -> None:
    previous_end = 0
    covered: set[int] = set()
    for m in morphemes:
        assert m.surface == text[m.start : m.end]
        assert previous_end <= m.start < m.end  # increasing, non-overlapping
        assert not any(ch.isspace() for ch in m.surface)
        assert m.lemma
        assert m.pos
        # A token never starts inside a cluster (on a voiced mark, skin tone, combining mark).
        assert m.start == 0 or text[m.start] not in _EXTENDERS or text[m.start - 1].isspace()
        previous_end = m.end
        covered.update(range(m.start, m.end))
    for index, ch in enumerate(text):
        visible = not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf")
        assert index in covered or not visible, (text, index)


_EXTENDERS = "ﾞﾟ\u3099\u309a\U0001f3fd\ufe0f\u0301"
_UNITS = (
    list("あいうえおがぱごみのをてくださいアイウガスパソコンー")
    + list("ｱｲｳｶｷｸﾊﾋﾌｰﾞﾟ")  # half-width katakana, marks as separate characters
    + list("住民票粗大漏街灯切写申請届出")
    + list("ＡＢＣａｂｃ１２３！？（）")  # full-width ASCII
    + list("ABCxyz0129!?-,.@#")
    + ["😱", "👍", "\U0001f3fd", "👨\u200d👩\u200d👧", "🇯🇵", "\u200d", "\ufe0f", "\u0301"]
    + ["\u3099", "㍿", "①", "、", "。", "「", "」", "～"]
    + [" ", " ", "\u3000", "\n", "\t", "\r\n"]
)


def test_random_texts_keep_the_invariants() -> None:
    rng = random.Random(20261127)
    for _ in range(1500):
        text = "".join(rng.choice(_UNITS) for _ in range(rng.randint(0, 60)))
        _check_invariants(text, tokenize(text))


def test_long_text() -> None:
    sentence = "粗大ごみの出し方を教えてください。ｶﾞｽ漏れ😱です！2026年11月27日に街灯が切れた。\n"
    repeats = 10_000 // len(sentence) + 1
    text = sentence * repeats
    morphemes = tokenize(text)
    _check_invariants(text, morphemes)
    # Every repetition is tokenized alike: same surfaces, offsets shifted by the length.
    per_sentence = len(tokenize(sentence))
    assert len(morphemes) == per_sentence * repeats
    for i, m in enumerate(morphemes[per_sentence:], start=per_sentence):
        earlier = morphemes[i - per_sentence]
        assert (m.surface, m.start, m.end) == (
            earlier.surface,
            earlier.start + len(sentence),
            earlier.end + len(sentence),
        )


@pytest.mark.parametrize(
    "text",
    [
        "粗大ごみ" * 1500,  # no space: MeCab reads it in pieces cut anywhere
        "a" * 5001,
        "㍿👨\u200d👩\u200d👧ｶﾞ" * 700,  # cuts may fall inside an expanded or joined cluster
        ("ごみの日 " * 300 + "x" * 2500) * 2,
    ],
)
def test_long_texts_without_spaces(text: str) -> None:
    morphemes = tokenize(text)
    _check_invariants(text, morphemes)
    assert sum(m.end - m.start for m in morphemes) == len(text.replace(" ", ""))


def test_concurrent_calls_match_sequential_ones() -> None:
    rng = random.Random(7)
    texts = ["".join(rng.choice(_UNITS) for _ in range(200)) for _ in range(64)]
    expected = [tokenize(text) for text in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(tokenize, texts)) == expected
