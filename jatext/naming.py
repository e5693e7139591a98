"""Whether a text only names something: nouns with their prefixes and suffixes, and punctuation
(マイナンバーカード, ピアノ, 児童手当？), nothing said about it (no verb, particle or
interjection). The bot keeps such a message from small talk; the FAQ search treats it as a bare
topic."""

from jatext.tokenize import tokenize

# UniDic pos1 of what a naming text is made of.
NAMING_POS = frozenset({"名詞", "接頭辞", "接尾辞", "補助記号", "記号", "空白"})


def names_only(text: str) -> bool:
    morphemes = tokenize(text)
    return bool(morphemes) and all(m.pos in NAMING_POS for m in morphemes)
