"""Text normalization used for lemmas, search keys and comparisons."""

import re
import unicodedata

_NOT_LETTERS = re.compile(r"[\W_]+")


def normalize(text: str) -> str:
    """NFKC, lower case, whitespace runs collapsed to one space, stripped.

    NFKC folds full-width ASCII (ＡＢＣ１２３), half-width katakana (ｶﾞｽ) and compatibility
    characters (㍿, ①) into their usual forms; ``str.split()`` treats every Unicode space
    (including the ideographic space U+3000) as whitespace.
    """
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def letters(text: str) -> str:
    """The normalized text without spaces, punctuation or symbols: two wordings compare equal
    whatever their width, case and punctuation (「市役所は何時まで？」, "市役所は 何時まで")."""
    return _NOT_LETTERS.sub("", normalize(text))
