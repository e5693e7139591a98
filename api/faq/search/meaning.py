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

Learned phrasings (citizens' questions confirmed to mean an entry) are rows of the entry like
its own wordings, but the fused search reads them per encoder as measured on the learning curve
(bench/views.py: each of 5 folds of the dev questions held out after learning the others; nDCG@10
after learning, held out):

- e5: the entry's own wordings only, and its learned phrasings as a ranker of their own (the
  nearest learned question votes for its entry: ``learned_similarities``; index.py fuses it
  with a small weight). As extra wordings inside e5's max-similarity they pulled a near but
  wrong entry up in e5 as well as in USE and the words (0.702; kept apart 0.718 with the
  adapter below; index.py's fusion weights once learned: 0.722).
- USE: learned rows count as wordings, and the query is first mapped by a linear adapter fitted
  on the learned pairs (``fit_adapter``: ridge regression from the citizens' questions to
  their entries' own rows, shrunk toward the identity). The adapter carries what the learned
  questions teach about how citizens ask to every entry, not only to those with learned
  phrasings: 0.702 -> 0.712, every fold up. The answer decision still reads e5 over the city's
  own wordings only (decision.py: learning must not inflate the answer's confidence).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .documents import FaqDocument, answer_body
from .encoders import Encoder

# (encoder, texts) -> (len(texts), dim) unit vectors; the knowledge build passes its store.
Embed = Callable[[Encoder, Sequence[str]], np.ndarray]


# Characters of the answer's body embedded after each wording, per encoder.
ANSWER_OPENING: dict[str, int] = {"e5": 0, "use": 100}
# Per encoder, whether learned phrasings count as wordings in the fused search's max-similarity
# (otherwise they only vote as neighbours: ``learned_similarities``).
LEARNED_AS_WORDINGS: dict[str, bool] = {"e5": False, "use": True}
# Ridge penalty of the query adapter, per encoder that has one (see fit_adapter). On the
# learning curve 0.3, 1 and 3 are within 0.002; the largest (closest to the identity) was taken.
ADAPTER_RIDGE: dict[str, float] = {"use": 3.0}
# Fewest learned phrasings to fit an adapter on.
ADAPTER_MIN_PAIRS = 20


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


def learned_rows(
    documents: Sequence[FaqDocument],
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Which rows of a view (view_texts' order) are learned phrasings, their entries (index
    order) and their texts as the citizens asked them."""
    rows: list[int] = []
    entries: list[int] = []
    texts: list[str] = []
    at = 0
    for i, doc in enumerate(documents):
        wordings = [t for t in dict.fromkeys(doc.wordings) if t and t.strip()]
        own = {t for t in (doc.question, *doc.alternatives) if t}
        first = at  # the entry's first row stays its own even when its question is empty
        for text in wordings or [None]:
            if text is not None and text not in own and at > first:
                rows.append(at)
                entries.append(i)
                texts.append(text)
            at += 1
    return np.asarray(rows, dtype=np.int64), np.asarray(entries, dtype=np.int64), texts


def fits_adapter(kind: str, learned: int) -> bool:
    """Whether a view of this kind fits a query adapter on `learned` learned phrasings."""
    return kind in ADAPTER_RIDGE and learned >= ADAPTER_MIN_PAIRS


def adapter_texts(kind: str, documents: Sequence[FaqDocument]) -> list[str]:
    """The learned questions a view embeds alone to fit its adapter (none when it fits none):
    with view_texts, every text its build embeds (`madoguchi faq embed` stores them all)."""
    _, _, asked = learned_rows(documents)
    return asked if fits_adapter(kind, len(asked)) else []


def fit_adapter(questions: np.ndarray, targets: np.ndarray, ridge: float) -> np.ndarray:
    """The linear map W minimising |QW - T|^2 + ridge |W - I|^2: citizens' questions
    (rows of Q) toward the entries they meant (rows of T); near the identity when few."""
    dim = questions.shape[1]
    eye = np.eye(dim)
    q = questions.astype(np.float64)
    w = np.linalg.solve(q.T @ q + ridge * eye, q.T @ targets.astype(np.float64) + ridge * eye)
    return np.ascontiguousarray(w, dtype=np.float32)


def embed_directly(encoder: Encoder, texts: Sequence[str]) -> np.ndarray:
    return encoder.passages(texts)


@dataclass(frozen=True)
class MeaningView:
    kind: str  # "e5", "use"
    encoder: Encoder
    matrix: np.ndarray  # (rows, dim) unit vectors of the wordings, entries in index order
    starts: np.ndarray  # (entries,) first row of each entry
    # the rows that are learned phrasings, and the entry (index order) of each
    learned: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    learned_entries: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    # (dim, dim) query adapter fitted on the learned phrasings (fit_adapter); None: none
    adapter: np.ndarray | None = None

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
        matrix = np.ascontiguousarray(matrix, np.float32)
        rows, entries, asked_texts = learned_rows(documents)
        adapter = None
        if fits_adapter(kind, len(rows)):
            # the citizens' questions alone (as a query is embedded; USE embeds both alike),
            # toward their entry's first row (its question, as this view embeds it)
            asked = embed(encoder, asked_texts)
            targets = matrix[np.asarray(starts)[entries]]
            adapter = fit_adapter(np.asarray(asked), targets, ADAPTER_RIDGE[kind])
        return cls(kind, encoder, matrix, np.asarray(starts), rows, entries, adapter)

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
        return np.maximum.reduceat(self._rows(query_vector), self.starts).astype(np.float64)

    def _rows(self, query_vector: np.ndarray) -> np.ndarray:
        # einsum, not BLAS: a threaded gemv stalls on a busy machine
        return np.einsum("ij,j->i", self.matrix, query_vector)

    def fused_views(self, query_vector: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """What the fused search reads of this view (see the module docstring): per entry its
        similarity with the query, and the learned phrasings' own ranker (None when this
        view counts them as wordings, or has none)."""
        if not len(self.starts):
            return np.zeros(0, dtype=np.float64), None
        if self.adapter is not None:
            mapped = np.einsum("i,ij->j", query_vector, self.adapter)
            query_vector = mapped / (float(np.linalg.norm(mapped)) or 1.0)
        rows = self._rows(query_vector)
        if LEARNED_AS_WORDINGS.get(self.kind, True) or not len(self.learned):
            return np.maximum.reduceat(rows, self.starts).astype(np.float64), None
        learned = self.learned_similarities(rows[self.learned], float(rows.min()))
        own = rows.copy()
        own[self.learned] = -np.inf  # an entry's first row is never a learned one
        best = np.maximum.reduceat(own, self.starts).astype(np.float64)
        return best, learned

    def learned_similarities(self, learned: np.ndarray, floor: float) -> np.ndarray:
        """Per entry, the best cosine of its learned phrasings (cosines of the learned rows
        given); entries without any get `floor` (the lowest cosine of any row: a single
        learned phrasing still ranks by how near it is)."""
        out = np.full(len(self.starts), floor, dtype=np.float64)
        np.maximum.at(out, self.learned_entries, learned.astype(np.float64))
        return out


def _in_order(views: dict[str, MeaningView], text: str) -> list[str]:
    """The views whose encoder embeds in the background are started first and read last, so
    that the others (USE) are computed while e5 embeds."""
    waiting = [kind for kind, view in views.items() if view.prefetch(text)]
    return [kind for kind in views if kind not in waiting] + waiting


def view_scores(views: dict[str, MeaningView], text: str) -> dict[str, np.ndarray]:
    """Per view (in the views' order), each entry's best cosine with the text."""
    order = _in_order(views, text)
    scores = {kind: views[kind].similarities(views[kind].query_vector(text)) for kind in order}
    return {kind: scores[kind] for kind in views}


def fused_view_scores(
    views: dict[str, MeaningView], text: str
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """What the fused search reads (MeaningView.fused_views), per view in the views' order:
    each entry's similarity, and the learned phrasings' rankers of the views that keep them
    apart."""
    found = {
        kind: views[kind].fused_views(views[kind].query_vector(text))
        for kind in _in_order(views, text)
    }
    scores = {kind: found[kind][0] for kind in views}
    learned: dict[str, np.ndarray] = {}
    for kind in views:
        apart = found[kind][1]
        if apart is not None:
            learned[kind] = apart
    return scores, learned
