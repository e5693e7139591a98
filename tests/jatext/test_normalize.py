import random

import pytest

from jatext import normalize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ""),
        ("   \t\n\u3000", ""),
        ("ＡＢＣ１２３", "abc123"),  # full-width ASCII
        ("HELLO World", "hello world"),
        ("ｶﾞｽ漏れ", "ガス漏れ"),  # half-width katakana with a voiced mark
        ("ｷﾞｮｳｻﾞ", "ギョウザ"),
        ("㍿", "株式会社"),
        ("①番", "1番"),
        ("  住民票\u3000\u3000の\t写し\n", "住民票 の 写し"),  # ideographic spaces too
        ("粗大ごみ", "粗大ごみ"),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


_POOL = "あいうごみアイウガスｶﾞｽｱｲｳ住民票漢字ＡＢＣａｂｃ１２３ABCabc123 \u3000\n\t！？。、😱👍🏽"


def test_normalize_is_idempotent_and_has_no_stray_whitespace() -> None:
    rng = random.Random(20261127)
    for _ in range(500):
        text = "".join(rng.choice(_POOL) for _ in range(rng.randint(0, 40)))
        once = normalize(text)
        assert normalize(once) == once
        assert once == once.strip()
        assert "  " not in once
        assert not any(ch.isspace() and ch != " " for ch in once)
