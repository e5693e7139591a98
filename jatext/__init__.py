"""Japanese text normalization and tokenization with offsets into the original text.

Shared by the Rasa bot (``bot.nlu.FugashiTokenizer``) and the API's FAQ search, so both
see the same words. Depends only on fugashi, unidic-lite and the standard library.
"""

from jatext.colloquial import standardize
from jatext.naming import names_only
from jatext.normalize import letters, normalize
from jatext.tokenize import Morpheme, tokenize

__all__ = ["Morpheme", "letters", "names_only", "normalize", "standardize", "tokenize"]
