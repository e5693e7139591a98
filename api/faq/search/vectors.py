"""Word vectors for the dense part of FAQ search: the word2vec table that ja_ginza ships.

Only the vocabulary's vector table is read (``ja_ginza/<version>/vocab``: 20,000 rows × 300
dimensions, ~480,000 words mapped onto them); the spaCy pipeline itself is not loaded. A
text's vector is the IDF-weighted sum of its content words' vectors, with the corpus'
common direction removed (the "SIF" recipe of Arora et al., 2017), L2-normalized; entries
and queries are compared by cosine.

On a knowledge base of CCA_MIN_ENTRIES entries or more, the space is then adapted to it: a
regularised canonical correlation analysis (CCA) between each entry's question vector and its
answer vector, learned from the knowledge base's own question/answer pairs (no queries, no
judgements), gives two projections onto the directions in which questions and the answers
that go with them agree. Queries and questions go through the question-side projection,
answers through the answer-side one; the first CCA_DIMENSIONS canonical directions, each
scaled by the square root of its correlation, are kept. On the Amagasaki benchmark this raised
nDCG@10 of the fused search from 0.604 to 0.612 (the question cosine alone from 0.502 to
0.541, the answer cosine alone from 0.429 to 0.527); ridge 3e-4…3e-3 and 100…300 dimensions
all give 0.609-0.618 (a plateau; the middle was taken).

If ja_ginza is not installed the search simply runs without the dense part.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
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


# CCA adaptation (see the module docstring): only with enough question/answer pairs to
# estimate 300 × 300 covariances; ridge added to the covariances of unit vectors.
CCA_MIN_ENTRIES = 500
CCA_DIMENSIONS = 200
CCA_RIDGE = 1e-3


@dataclass(frozen=True)
class CcaProjection:
    question_mean: np.ndarray  # (dim,)
    answer_mean: np.ndarray  # (dim,)
    question_map: np.ndarray  # (dim, k)
    answer_map: np.ndarray  # (dim, k)

    @classmethod
    def fit(
        cls,
        questions: np.ndarray,
        answers: np.ndarray,
        dimensions: int = CCA_DIMENSIONS,
        ridge: float = CCA_RIDGE,
    ) -> CcaProjection:
        """questions, answers: unit row vectors of the same entries (zero rows left out)."""
        both = (np.linalg.norm(questions, axis=1) > 0) & (np.linalg.norm(answers, axis=1) > 0)
        a = questions[both].astype(np.float64)
        b = answers[both].astype(np.float64)
        mean_a, mean_b = a.mean(axis=0), b.mean(axis=0)
        a, b = a - mean_a, b - mean_b
        n, dim = a.shape
        eye = np.eye(dim)
        inv_a = _inverse_sqrt(a.T @ a / n + ridge * eye)
        inv_b = _inverse_sqrt(b.T @ b / n + ridge * eye)
        u, corr, vt = np.linalg.svd(inv_a @ (a.T @ b / n) @ inv_b)
        k = min(dimensions, dim)
        scale = np.sqrt(np.clip(corr[:k], 0.0, None))
        return cls(
            mean_a.astype(np.float32),
            mean_b.astype(np.float32),
            (inv_a @ u[:, :k] * scale).astype(np.float32),
            (inv_b @ vt.T[:, :k] * scale).astype(np.float32),
        )

    def question(self, unit: np.ndarray) -> np.ndarray:
        return _project(unit, self.question_mean, self.question_map)

    def answer(self, unit: np.ndarray) -> np.ndarray:
        return _project(unit, self.answer_mean, self.answer_map)


def _inverse_sqrt(matrix: np.ndarray) -> np.ndarray:
    values, vectors = np.linalg.eigh(matrix)
    return (vectors * (1.0 / np.sqrt(np.clip(values, 1e-12, None)))) @ vectors.T


def _project(unit: np.ndarray, mean: np.ndarray, mapping: np.ndarray) -> np.ndarray:
    """Projected unit vectors; a text without any known word stays the zero vector."""
    out = normalize_rows((unit - mean) @ mapping)
    out[np.linalg.norm(unit, axis=1) == 0] = 0.0
    return out.astype(np.float32)


class DenseSpace:
    """Text vectors: IDF-weighted word vectors, common component removed (or, on a large
    enough knowledge base, projected by a CCA fitted on its question/answer pairs), unit
    length."""

    def __init__(self, vectors: WordVectors, idf: dict[str, float], default_idf: float) -> None:
        self.vectors = vectors
        self.idf = idf
        self.default_idf = default_idf
        self.common = np.zeros((0, vectors.dim), dtype=np.float32)
        self.cca: CcaProjection | None = None

    def fit(self, raw_questions: np.ndarray, raw_answers: np.ndarray) -> tuple[np.ndarray, ...]:
        """Learn the space from the entries' raw question and answer vectors; return their
        finished (unit) vectors: (questions, answers)."""
        if len(raw_questions) >= CCA_MIN_ENTRIES:
            questions = normalize_rows(raw_questions)
            answers = normalize_rows(raw_answers)
            self.cca = CcaProjection.fit(questions, answers)
            return self.cca.question(questions), self.cca.answer(answers)
        self.fit_common(np.vstack([raw_questions, raw_answers]))
        return self.finish(raw_questions), self.finish(raw_answers)

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
        """Unit vectors of queries (and questions) in the space."""
        unit = normalize_rows(np.atleast_2d(matrix))
        if self.cca is not None:
            return self.cca.question(unit)
        if len(self.common):
            unit = unit - (unit @ self.common.T) @ self.common
        return normalize_rows(unit).astype(np.float32)
