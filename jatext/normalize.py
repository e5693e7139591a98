"""Text normalization used for lemmas, search keys and comparisons."""

import unicodedata


def normalize(text: str) -> str:
    """NFKC, lower case, whitespace runs collapsed to one space, stripped.

    NFKC folds full-width ASCII (ＡＢＣ１２３), half-width katakana (ｶﾞｽ) and compatibility
    characters (㍿, ①) into their usual forms; ``str.split()`` treats every Unicode space
    (including the ideographic space U+3000) as whitespace.
    """
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())
