"""Search by meaning: each entry's wordings as sentence vectors of a multilingual encoder.

An entry has one vector per wording (its question, listed alternatives and learned
phrasings: ``FaqDocument.wordings``), so a citizen's phrasing confirmed once becomes a way of
asking the entry as good as the question itself; an entry's similarity to a query is the best
of its wordings' cosines (max-similarity). For USE each wording is embedded with the start of
the answer (ANSWER_OPENING): on the Amagasaki dev questions USE alone goes from nDCG@10 0.494
(question) to 0.551 (question + 100 characters of the answer), and every row of an entry then
says what it is about, so max-similarity over wordings compares like with like. e5 gains
little from the answer (fused 0.673 → 0.677) and costs three times the build time with it
(its cost grows with the tokens), so it embeds the wordings alone. 50 characters of answer
give USE 0.528, 200 give 0.498. Vectors are computed when the knowledge is built
(``api/faq/text_vectors.py`` stores them, so an edit embeds only what changed); a query is
embedded at request time: e5's vector in a background thread, started by the search before it
scores the words (``prefetch``; encoders.py), USE's while e5 embeds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .documents import FaqDocument, answer_body
from .encoders import Encoder

# (encoder, texts) -> (len(texts), dim) unit vectors; the knowledge build passes its store.
Embed = Callable[[Encoder, Sequence[str]], np.ndarray]


# Characters of the answer's body embedded after each wording, per encoder.
ANSWER_OPENING: dict[str, int] = {"e5": 0, "use": 100}


def entry_texts(doc: FaqDocument, answer_chars: int = 0) -> list[str]:
    """What is embedded for an entry: every way it is asked (never empty: the question),
    each followed by the answer's first `answer_chars` characters."""
    wordings = [t for t in dict.fromkeys(doc.wordings) if t and t.strip()]
    wordings = wordings or [doc.question or doc.faq_id]
    opening = " ".join(answer_body(doc.answer).split())[:answer_chars] if answer_chars else ""
    return [f"{w} {opening}" if opening else w for w in wordings]


def view_texts(kind: str, documents: Sequence[FaqDocument]) -> tuple[list[str], list[int]]:
    """The texts a view of this kind embeds for the entries, and each entry's first row."""
    texts: list[str] = []
    starts: list[int] = []
    for doc in documents:
        starts.append(len(texts))
        texts.extend(entry_texts(doc, ANSWER_OPENING.get(kind, 0)))
    return texts, starts


def embed_directly(encoder: Encoder, texts: Sequence[str]) -> np.ndarray:
    return encoder.passages(texts)


@dataclass(frozen=True)
class MeaningView:
    kind: str  # "e5", "use"
    encoder: Encoder
    matrix: np.ndarray  # (rows, dim) unit vectors of the wordings, entries in index order
    starts: np.ndarray  # (entries,) first row of each entry

    @classmethod
    def build(
        cls,
        kind: str,
        encoder: Encoder,
        documents: Sequence[FaqDocument],
        embed: Embed = embed_directly,
    ) -> MeaningView:
        texts, starts = view_texts(kind, documents)
        matrix = embed(encoder, texts) if texts else np.zeros((0, encoder.dim), np.float32)
        return cls(kind, encoder, np.ascontiguousarray(matrix, np.float32), np.asarray(starts))

    def query_vector(self, text: str) -> np.ndarray:
        return self.encoder.queries([text])[0]

    def prefetch(self, text: str) -> bool:
        """Start embedding the query in the background when the encoder does so (e5); whether
        it does."""
        prefetch = getattr(self.encoder, "prefetch", None)
        if prefetch is None or not getattr(self.encoder, "background", False):
            return False
        prefetch(text)
        return True

    def similarities(self, query_vector: np.ndarray) -> np.ndarray:
        """Per entry (index order), the best cosine of its wordings with the query."""
        if not len(self.starts):
            return np.zeros(0, dtype=np.float64)
        # einsum, not BLAS: a threaded gemv stalls on a busy machine
        rows = np.einsum("ij,j->i", self.matrix, query_vector)
        return np.maximum.reduceat(rows, self.starts).astype(np.float64)


def view_scores(views: dict[str, MeaningView], text: str) -> dict[str, np.ndarray]:
    """Per view (in the views' order), each entry's best cosine with the text. The views whose
    encoder embeds in the background are started first and read last, so that the others
    (USE) are computed while e5 embeds."""
    waiting = [kind for kind, view in views.items() if view.prefetch(text)]
    order = [kind for kind in views if kind not in waiting] + waiting
    scores = {kind: views[kind].similarities(views[kind].query_vector(text)) for kind in order}
    return {kind: scores[kind] for kind in views}
