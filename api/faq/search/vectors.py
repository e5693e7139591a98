"""Word vectors for the dense part of FAQ search: the word2vec table that ja_ginza ships.

Only the vocabulary's vector table is read (``ja_ginza/<version>/vocab``: 20,000 rows × 300
dimensions, ~480,000 words mapped onto them); the spaCy pipeline itself is not loaded. A
text's vector is the IDF-weighted sum of its content words' vectors, with the corpus'
common direction removed (the "SIF" recipe of Arora et al., 2017), L2-normalized; entries
and queries are compared by cosine.

If ja_ginza is not installed the search simply runs without the dense part.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)


class WordVectors:
    def __init__(self, table: np.ndarray, rows: dict[str, int]) -> None:
        self.table = table  # (rows, dim) float32
        self.rows = rows  # word → row
        self.dim = int(table.shape[1])

    def row(self, *keys: str) -> int | None:
        for key in keys:
            r = self.rows.get(key)
            if r is not None:
                return r
        return None

    @classmethod
    def from_ja_ginza(cls) -> WordVectors | None:
        try:
            import ja_ginza
            from spacy.vocab import Vocab
        except ImportError:  # pragma: no cover - depends on the environment
            return None
        base = Path(ja_ginza.__file__).parent
        candidates = sorted(base.glob("ja_ginza-*/vocab"))
        if not candidates:  # pragma: no cover
            return None
        vocab = Vocab().from_disk(candidates[-1])
        vectors = vocab.vectors
        if vectors.shape[0] == 0:  # pragma: no cover
            return None
        rows: dict[str, int] = {}
        strings = vocab.strings
        for key, row in vectors.key2row.items():
            try:
                rows[strings[key]] = int(row)
            except KeyError:  # hash without a string
                continue
        return cls(np.asarray(vectors.data, dtype=np.float32), rows)


@lru_cache(maxsize=1)
def default_vectors() -> WordVectors | None:
    try:
        return WordVectors.from_ja_ginza()
    except Exception:  # pragma: no cover - a broken model must not break search
        logger.exception("could not load the ja_ginza word vectors; dense search disabled")
        return None


def normalize_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


class DenseSpace:
    """Text vectors: IDF-weighted word vectors, common component removed, unit length."""

    def __init__(self, vectors: WordVectors, idf: dict[str, float], default_idf: float) -> None:
        self.vectors = vectors
        self.idf = idf
        self.default_idf = default_idf
        self.common = np.zeros((0, vectors.dim), dtype=np.float32)

    def raw(self, words: list[tuple[str, str]]) -> np.ndarray:
        """Sum of vectors of (surface, lemma) pairs, each weighted by the lemma's IDF."""
        acc = np.zeros(self.vectors.dim, dtype=np.float32)
        for surface, lemma in words:
            row = self.vectors.row(surface, lemma)
            if row is not None:
                acc += self.idf.get(lemma, self.default_idf) * self.vectors.table[row]
        return acc

    def fit_common(self, matrix: np.ndarray, components: int = 1) -> None:
        unit = normalize_rows(matrix)
        if len(unit) > components:
            self.common = np.linalg.svd(unit, full_matrices=False)[2][:components]

    def finish(self, matrix: np.ndarray) -> np.ndarray:
        unit = normalize_rows(np.atleast_2d(matrix))
        if len(self.common):
            unit = unit - (unit @ self.common.T) @ self.common
        return normalize_rows(unit).astype(np.float32)
