"""Colloquial and Kansai Japanese folded into the standard forms the FAQ is written in, and the
spaces people type between words removed, so that search sees the same words however a
citizen writes them (「ごみの ひ は いつ ですか」, 「ほかしたいねんけど」, 「なくしてもうた」).

Only forms that cannot mean anything else in a question to a city are rewritten; each rule
is a regular expression on normalized text (jatext.normalize: NFKC, lower case).
"""

from __future__ import annotations

import re

_JA = r"\u3005\u3040-\u30ff\u4e00-\u9fff"
# a space between two Japanese characters separates nothing a tokenizer needs
_SPACE_IN_JAPANESE = re.compile(f"(?<=[{_JA}])\\s+(?=[{_JA}])")

_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        # 〜てもうた / 〜でもうた (Kansai 〜てしまった)
        (r"([てで])もう(た|て)", r"\1しまっ\2"),
        # verbs: せえへん/せん → しない, けえへん/こおへん → こない, でけへん → できない
        (r"せえへん", "しない"),
        (r"(?:けえ|こお|こー)へん", "こない"),
        (r"でけへん", "できない"),
        # 〜へん / 〜ひん (negation) after a verb's stem: 取られへん, わからへん, 出えへん
        (r"(?<=[\u3040-\u309f])[へひ]ん(?=かった|の|で|[、。?？!！]|$|けど|から)", "ない"),
        (r"ほか(?:し(?=たい|て|ます|た)|す(?=[のにとか、。?？]|$)|さ(?=れ|な))", "捨て"),
        (r"あかん", "だめ"),
        (r"なんぼ", "いくら"),
        (r"おおきに", "ありがとう"),
        (r"ちゃう(?=[のんか?？]|$)", "違う"),
        # copula and sentence ends: 〜なんやけど, 〜やねん, 〜なん？ → plain forms
        (r"なんや(?:けど|けれど)", "なのだけど"),
        (r"(?<=[\u4e00-\u9fff\u30a0-\u30ff])や(?:けど|けれど)", "だけど"),
        (r"(?:ん|の)や(?:ねん|けど|けれど)?(?=[、。?？!！]|$)", "のだ"),
        (r"ねん(?:けど|けれど)", "のだけど"),
        (r"ねん(?=[、。?？!！]|$)", "のだ"),
    )
)


def standardize(normalized: str) -> str:
    """``normalized`` (the output of jatext.normalize) with spaces between Japanese words
    removed and colloquial or Kansai forms replaced by standard ones."""
    text = _SPACE_IN_JAPANESE.sub("", normalized)
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text
