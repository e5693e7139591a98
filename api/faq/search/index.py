"""FaqIndex: multi-field BM25 over content-word lemmas fused with character bigrams.

Fields (each its own BM25, bm25s):
- ``qw``: lemmas of the question, its alternatives and tags (weighted highest),
- ``aw``: lemmas of the answer body (contact block, related-FAQ list and marks stripped),
- ``qc`` / ``ac``: character bigrams of the same texts (catch compounds the tokenizer splits
  differently and words UniDic does not know).

- ``qr``: kana bigrams of the question words' readings (蜂 = ハチ ⊂ スズメバチ),
- ``qv`` / ``av``: cosine of IDF-weighted ja_ginza word-vector averages, adapted to the
  knowledge base by a CCA between its questions and answers (vectors.py).

A query is scored on every field; the fused score is the weighted sum of the per-field scores,
each BM25 divided by the query's reference score on that field (so fields of different scales
and queries of different lengths fuse on the same 0..1-ish scale). The weights were chosen
on the Amagasaki benchmark from a coarse grid (the top of the grid is a flat plateau:
neighbouring settings are within 0.005 nDCG@10). Tried and left out: pseudo-relevance
feedback (lexical RM3-style and dense Rocchio both lowered nDCG@10 by 0.01-0.03) and other
BM25 k1/b settings (±0.005).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import bm25s
import numpy as np

import jatext

from .analyses import Analysis, TextAnalyses
from .analyzer import Analyzer, default_analyzer
from .documents import FaqDocument, SearchHit, answer_body
from .meaning import MeaningView, fused_view_scores, view_scores
from .vectors import DenseSpace, WordVectors, default_vectors


def question_text(doc: FaqDocument) -> str:
    """What the question fields index: every wording of the entry and its tags."""
    return " 。".join((*doc.wordings, *doc.tags))


# Field weights of the fused score (see bench/faq_bench.py for how they were chosen).
# Field names: q/a = question/answer, w/c/r = word lemmas / character bigrams / reading bigrams.
FIELD_WEIGHTS: dict[str, float] = {"qw": 1.0, "aw": 1.0, "qc": 0.6, "ac": 0.6, "qr": 0.3, "ar": 0.0}
# Weights of the dense cosines (question / answer text vectors from ja_ginza word vectors).
DENSE_WEIGHTS: dict[str, float] = {"qv": 2.0, "av": 1.0}
# Content words of the answer used for its vector (the start says what it is about).
DENSE_ANSWER_WORDS = 100
_USE_DEFAULT = object()
# Weight of query expansion lemmas (synonyms.yml `related`) relative to the query's own words.
EXPANSION_WEIGHT = 0.4
# Fusion of the lexical ranker (the fields above) with the sentence encoders' views
# (meaning.py): per query, each view's scores over all entries are min-max scaled to 0..1 and
# added with these weights. On the Amagasaki dev questions (nDCG@10): lexical 0.611, e5 alone
# 0.529, USE alone 0.551; lexical+USE 0.665, lexical+e5 0.642, all three 0.671-0.677 over
# e5 0.25-1.0 × USE 0.75-1.5 (a plateau; z-scores instead of min-max: the same). Min-max was
# kept: its 0..1 range makes the fused top comparable across queries for the router.
FUSION_WEIGHTS: dict[str, float] = {"lexical": 1.0, "e5": 0.5, "use": 1.0}
# Once citizens' phrasings are learned (meaning.py: e5 then reads the city's own wordings, its
# learned questions vote in a ranker of their own, USE maps the query by the learned adapter,
# the words index the phrasings as wordings), the three views weigh the same, and the learned
# ranker is fused as LEARNED_WEIGHT * scaled(v) ** LEARNED_POWER (the power keeps only the
# nearest learned questions' pull). Learning curve (bench/views.py; nDCG@10 of each held-out
# fold after learning the other folds' questions): learned phrasings as wordings everywhere
# 0.702; with the adapter 0.712; e5's kept apart, weights above 0.718; equal weights 0.720-0.726
# over LEARNED_WEIGHT 0.15-0.35 and power 2-3 (a plateau; the middle was taken). Choosing the
# weights on four folds and measuring on the fifth (nested): 0.719, equal weights chosen on 4
# of the 5. Without learned phrasings FUSION_WEIGHTS stay (nothing changes before learning).
FUSION_WEIGHTS_LEARNED: dict[str, float] = {"lexical": 1.0, "e5": 1.0, "use": 1.0}
LEARNED_WEIGHT = 0.25
LEARNED_POWER = 2
BM25_K1 = 1.2
BM25_B = 0.75


@dataclass(frozen=True)
class QueryTerms:
    words: list[str]
    expansions: list[str]
    chars: list[str]
    readings: list[str] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)  # (surface, lemma)
    prepared: str = ""  # the query as the analyzer prepared it (Analyzer.prepare)

    def of_kind(self, kind: str) -> list[str]:
        return {"w": self.words, "c": self.chars, "r": self.readings}[kind]

    @property
    def empty(self) -> bool:
        return not self.words and not self.chars


@dataclass(frozen=True)
class ScoredQuery:
    """Everything a search computed: the terms and the scores of all entries (index order)."""

    terms: QueryTerms
    scores: np.ndarray  # fused: the lexical ranker and the meaning views
    lexical: np.ndarray  # weighted BM25 fields (words, character and reading bigrams)
    dense: np.ndarray  # weighted cosines of the word-vector text vectors (vectors.py)
    # each view on its own: "lexical" (the lexical ranker: lexical + dense) and one per
    # sentence encoder ("e5", "use": best cosine of the entry's wordings)
    views: dict[str, np.ndarray] = field(default_factory=dict)
    # the learned phrasings' rankers fused besides (by view kind): kept out of `views`, so
    # that neither the agreement nor the answer decision's features count them
    learned: dict[str, np.ndarray] = field(default_factory=dict)

    def agreement(self) -> int:
        """How many single views rank the fused winner first: the lexical ranker and each
        sentence encoder (without encoders: the BM25 fields and the word vectors)."""
        if not len(self.scores) or not np.any(self.scores):
            return 0
        top = int(np.argmax(self.scores))
        views = list(self.views.values()) if self.views else [self.lexical, self.dense]
        return sum(1 for v in views if np.any(v) and int(np.argmax(v)) == top)


def scaled(scores: np.ndarray) -> np.ndarray:
    """Min-max scaled to 0..1 over the entries (all equal: zeros)."""
    lo, hi = float(scores.min()), float(scores.max())
    return (scores - lo) / (hi - lo) if hi > lo else np.zeros_like(scores)


class _Field:
    def __init__(self, corpus: list[list[str]]) -> None:
        self.retriever = bm25s.BM25(k1=BM25_K1, b=BM25_B, method="lucene")
        # bm25s refuses an empty document list; a placeholder token keeps shapes right
        self.retriever.index([doc if doc else ["\x00"] for doc in corpus], show_progress=False)
        self.vocab = self.retriever.vocab_dict
        n = len(corpus)
        df: dict[str, int] = {}
        for doc in corpus:
            for t in set(doc):
                df[t] = df.get(t, 0) + 1
        self.idf = {t: float(np.log(1 + (n - c + 0.5) / (c + 0.5))) for t, c in df.items()}
        self.n = n

    def scores(self, tokens: list[str]) -> np.ndarray:
        known = [t for t in tokens if t in self.vocab]
        if not known:
            return np.zeros(self.n, dtype=np.float32)
        return self.retriever.get_scores(known)

    def best_possible(self, tokens: list[str]) -> float:
        """The score of an entry of average length that holds every query term once."""
        return sum(self.idf.get(t, 0.0) for t in tokens)


class FaqIndex:
    def __init__(
        self,
        documents: list[FaqDocument],
        analyzer: Analyzer,
        fields: dict[str, _Field],
        doc_words: list[set[str]],
        word_idf: dict[str, float],
        dense: DenseSpace | None = None,
        dense_matrices: dict[str, np.ndarray] | None = None,
        meaning: dict[str, MeaningView] | None = None,
    ) -> None:
        self.documents = documents
        self.meaning = meaning or {}  # sentence-encoder views by kind ("e5", "use")
        self.analyzer = analyzer
        self._fields = fields
        self._doc_words = doc_words
        self._word_idf = word_idf
        self._dense = dense
        self._dense_matrices = dense_matrices or {}
        self._position = {d.faq_id: i for i, d in enumerate(documents)}
        # each entry's answer-body lemmas, when built from analyses (decision.py's features)
        self._answer_words: list[frozenset[str]] | None = None
        self._wordings: _Wordings | None = None  # built on first use (see wordings())
        self._text: str | None = None  # every entry's prepared text, on first use (writes())
        self._entry_texts: dict[str, str] = {}  # one entry's prepared text, on first use
        self._word_df: dict[str, int] = {}
        for words in doc_words:
            for w in words:
                self._word_df[w] = self._word_df.get(w, 0) + 1

    @classmethod
    def build(
        cls,
        documents: Iterable[FaqDocument],
        analyzer: Analyzer | None = None,
        vectors: WordVectors | object | None = _USE_DEFAULT,
        analyses: TextAnalyses | None = None,
        meaning: dict[str, MeaningView] | None = None,
    ) -> FaqIndex:
        """Index the entries. `vectors`: word vectors for the dense part (default: ja_ginza's
        when installed; None: lexical only). `analyses`: a memo shared with other builds of the
        same knowledge (the router's department profiles), so no text is tokenized twice.
        `meaning`: the entries' sentence-encoder views (meaning.py), built for these
        documents in this order; none: lexical ranker only."""
        if analyses is None:
            analyses = TextAnalyses(analyzer or default_analyzer())
        docs = list(documents)
        terms = [
            (analyses.of(question_text(doc)), analyses.of(answer_body(doc.answer))) for doc in docs
        ]
        index = cls.from_analyses(docs, terms, analyses.analyzer, vectors)
        for view in (meaning or {}).values():
            if len(view.starts) != len(docs):
                raise ValueError(f"the {view.kind} view was built for other documents")
        index.meaning = dict(meaning or {})
        return index

    @classmethod
    def from_analyses(
        cls,
        docs: list[FaqDocument],
        terms: list[tuple[Analysis, Analysis]],
        analyzer: Analyzer,
        vectors: WordVectors | object | None = _USE_DEFAULT,
    ) -> FaqIndex:
        """Index entries whose question and answer texts are already analysed."""
        if vectors is _USE_DEFAULT:
            vectors = default_vectors()
        corpora: dict[str, list[list[str]]] = {name: [] for name in FIELD_WEIGHTS}
        doc_words: list[set[str]] = []
        pairs_q: list = []
        pairs_a: list = []
        for question, answer in terms:
            parts = {"q": question, "a": answer}
            for name, corpus in corpora.items():
                corpus.append(parts[name[0]][name[1]])
            doc_words.append(set(question["w"]) | set(answer["w"]))
            pairs_q.append(question["p"])
            pairs_a.append(answer["p"][:DENSE_ANSWER_WORDS])
        fields = {name: _Field(corpus) for name, corpus in corpora.items()} if docs else {}
        n = max(len(docs), 1)
        df: dict[str, int] = {}
        for words in doc_words:
            for w in words:
                df[w] = df.get(w, 0) + 1
        word_idf = {w: float(np.log(1 + (n - c + 0.5) / (c + 0.5))) for w, c in df.items()}
        dense = None
        matrices: dict[str, np.ndarray] = {}
        if isinstance(vectors, WordVectors) and docs:
            default_idf = max(word_idf.values(), default=1.0)
            dense = DenseSpace(vectors, word_idf, default_idf)
            raw_q = np.stack([dense.raw(p) for p in pairs_q])
            raw_a = np.stack([dense.raw(p) for p in pairs_a])
            question_vectors, answer_vectors = dense.fit(raw_q, raw_a)
            matrices = {"qv": question_vectors, "av": answer_vectors}
        index = cls(docs, analyzer, fields, doc_words, word_idf, dense, matrices)
        index._answer_words = [frozenset(answer["w"]) for _, answer in terms]
        return index

    def __len__(self) -> int:
        return len(self.documents)

    def document_words(self) -> list[set[str]]:
        """The content-word lemmas of each entry (question and answer body), index order: the
        index's own analysis, for models trained on the knowledge base (routing)."""
        return self._doc_words

    def document(self, faq_id: str) -> FaqDocument:
        try:
            return self.documents[self._position[faq_id]]
        except KeyError:
            raise KeyError(f"unknown FAQ id: {faq_id}") from None

    def wordings(self) -> _Wordings:
        """The entries' own wordings (question and listed alternatives) as content-word keys,
        and the kana readings of their words; built once per index, on first use."""
        if self._wordings is None:
            self._wordings = _Wordings.of(self.documents, self.analyzer)
        return self._wordings

    def word_frequency(self, lemma: str) -> int:
        """In how many entries (question or answer) the content word occurs."""
        return self._word_df.get(lemma, 0)

    def word_idf(self, lemma: str) -> float:
        return self._word_idf.get(lemma, 0.0)

    def knows(self, word: str) -> bool:
        """Whether the entries use the word, or at least one of its character bigrams (a typo
        or an inflection of a known word is not "unknown")."""
        if word in self._word_df:
            return True
        grams = self.analyzer.chars(word, prepared=True)
        return any(
            g in self._fields[f].vocab for g in grams for f in ("qc", "ac") if f in self._fields
        )

    def writes(self, word: str) -> bool:
        """Whether some entry's text (question, alternatives, learned phrasings, tags, answer)
        holds `word` as written, inside a longer word too (粗大 in 粗大ごみ). Asked rarely (for
        a query word no entry uses as a word), so the text is joined on first use only."""
        if self._text is None:
            self._text = "\n".join(self._prepared_text(d) for d in self.documents)
        return bool(word) and word in self._text

    def entry_writes(self, faq_id: str, word: str) -> bool:
        """Whether this entry's text holds `word` as written, inside a longer word too."""
        if faq_id not in self._entry_texts:
            self._entry_texts[faq_id] = self._prepared_text(self.document(faq_id))
        return bool(word) and word in self._entry_texts[faq_id]

    def _prepared_text(self, d: FaqDocument) -> str:
        return self.analyzer.prepare(
            " ".join((d.question, *d.alternatives, *d.learned, *d.tags, d.answer))
        )

    def covers(self, faq_id: str, lemma: str) -> bool:
        return lemma in self._doc_words[self._position[faq_id]]

    def answer_words(self, faq_id: str) -> frozenset[str]:
        """The content-word lemmas of the entry's answer body."""
        if self._answer_words is None:
            self._answer_words = [
                frozenset(self.analyzer.words(answer_body(d.answer))) for d in self.documents
            ]
        return self._answer_words[self._position[faq_id]]

    # -- querying ------------------------------------------------------------------------
    def query_terms(self, query: str) -> QueryTerms:
        prepared = self.analyzer.prepare(query or "")
        content = self.analyzer.content(prepared, prepared=True)
        words = list(dict.fromkeys(self._known_lemma(m) for m in content))
        expansions = self.analyzer.expansions(words)
        chars = list(dict.fromkeys(self.analyzer.chars(prepared, prepared=True)))
        readings = list(dict.fromkeys(self.analyzer.readings(prepared, prepared=True)))
        pairs = [(m.surface, self._known_lemma(m)) for m in content]
        return QueryTerms(
            words=words,
            expansions=expansions,
            chars=chars,
            readings=readings,
            pairs=pairs,
            prepared=prepared,
        )

    def _known_lemma(self, m: jatext.Morpheme) -> str:
        """A word typed in hiragana that the entries write in kanji (じゅうみんひょう, ごみのひ)
        gets the entries' word of the same reading when its own lemma is unknown to them."""
        if m.lemma in self._word_idf or not _HIRAGANA.fullmatch(m.surface):
            return m.lemma
        return self.wordings().by_reading.get(_katakana(m.surface), m.lemma)

    def field_scores(self, terms: QueryTerms) -> dict[str, np.ndarray]:
        """Per field, every entry's BM25 score divided by the query's reference score on that
        field (an average-length entry holding each query term once): about 0..1."""
        out: dict[str, np.ndarray] = {}
        for name, fld in self._fields.items():
            if not FIELD_WEIGHTS.get(name):
                continue
            tokens = terms.of_kind(name[1])
            best = fld.best_possible(tokens)
            if best <= 0:
                continue
            raw = fld.scores(tokens).astype(np.float64)
            if name[1] == "w" and terms.expansions:
                raw += EXPANSION_WEIGHT * fld.scores(terms.expansions)
            out[name] = raw / best
        if self._dense is not None and terms.pairs:
            raw_vec = self._dense.raw(terms.pairs)
            if np.any(raw_vec):
                query_vec = self._dense.finish(raw_vec)[0]
                for name, matrix in self._dense_matrices.items():
                    if DENSE_WEIGHTS.get(name):
                        # einsum, not BLAS: a threaded gemv stalls on a busy machine
                        out[name] = np.einsum("ij,j->i", matrix, query_vec).astype(np.float64)
        return out

    def score(self, query: str) -> ScoredQuery:
        """Fused scores of every entry, with the lexical, dense and per-view parts kept apart.
        A query without any usable word (emoji, punctuation) scores nothing."""
        terms = self.query_terms(query)
        n = len(self.documents)
        lexical = np.zeros(n, dtype=np.float64)
        dense = np.zeros(n, dtype=np.float64)
        if n == 0 or terms.empty or not self._fields:
            return ScoredQuery(terms, lexical + dense, lexical, dense)
        for view in self.meaning.values():
            view.prefetch(query)  # e5 embeds the query in a thread while the words are scored
        for name, normalized in self.field_scores(terms).items():
            if name in DENSE_WEIGHTS:
                dense += DENSE_WEIGHTS[name] * normalized
            else:
                lexical += FIELD_WEIGHTS.get(name, 0.0) * normalized
        ranker = lexical + dense
        if not self.meaning:
            return ScoredQuery(terms, ranker, lexical, dense)
        meaning, learned = fused_view_scores(self.meaning, query)
        views = {"lexical": ranker, **meaning}
        weights = FUSION_WEIGHTS_LEARNED if self.has_learned else FUSION_WEIGHTS
        fused = sum(weights.get(k, 0.0) * scaled(v) for k, v in views.items())
        for v in learned.values():
            fused = fused + LEARNED_WEIGHT * scaled(v) ** LEARNED_POWER
        return ScoredQuery(
            terms, np.asarray(fused, dtype=np.float64), lexical, dense, views, learned
        )

    @property
    def has_learned(self) -> bool:
        """Whether the sentence-encoder views hold learned phrasings (the fusion's weights)."""
        return any(len(view.learned) for view in self.meaning.values())

    def meaning_scores(self, text: str) -> dict[str, np.ndarray]:
        """Per sentence-encoder view, each entry's best cosine with the text."""
        return view_scores(self.meaning, text)

    def search_by_meaning(self, text: str, top: int = 10) -> list[SearchHit]:
        """The entries nearest in meaning, whatever the language of the text (the encoders are
        multilingual: "How do I dispose of large garbage?" finds 粗大ごみの出し方); no word
        needs to match. Empty without sentence encoders."""
        if not self.meaning or not len(self.documents) or not (text or "").strip():
            return []
        views = self.meaning_scores(text)
        fused = sum(FUSION_WEIGHTS.get(k, 0.0) * v for k, v in views.items())
        return self._hits(np.asarray(fused, dtype=np.float64), top)

    def search(self, query: str, top: int = 10) -> list[SearchHit]:
        """The best `top` entries, best first. Entries with no match at all are left out."""
        return self.hits(self.score(query), top)

    def hits(self, scored: ScoredQuery, top: int = 10) -> list[SearchHit]:
        """The best `top` entries of a scored query, best first (ties: index order)."""
        return self._hits(scored.scores, top)

    def hits_of(self, scores: np.ndarray, top: int = 10) -> list[SearchHit]:
        """The best `top` entries by one view's scores (index order), e.g. the lexical one."""
        return self._hits(np.asarray(scores, dtype=np.float64), top)

    def _hits(self, scores: np.ndarray, top: int) -> list[SearchHit]:
        if top <= 0 or len(scores) == 0:
            return []
        k = min(top, len(scores))
        idx = np.argpartition(-scores, k - 1)[:k]
        idx = idx[np.lexsort((idx, -scores[idx]))]
        return [SearchHit(self.documents[i].faq_id, float(scores[i])) for i in idx if scores[i] > 0]


_HIRAGANA = re.compile("[\u3041-\u3096\u30fc]+")


def _katakana(text: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in text)


@dataclass(frozen=True)
class _Wordings:
    # frozenset of content lemmas of a question or listed alternative -> the entries saying it
    keys: dict[frozenset[str], tuple[str, ...]]
    # katakana reading of a content word of the questions -> its lemma (the commonest)
    by_reading: dict[str, str]
    # a question or listed alternative as the city wrote it (jatext.letters): its entries
    texts: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, documents: list[FaqDocument], analyzer: Analyzer) -> _Wordings:
        keys: dict[frozenset[str], list[str]] = {}
        texts: dict[str, list[str]] = {}
        readings: dict[str, dict[str, int]] = {}
        for doc in documents:
            for text in (doc.question, *doc.alternatives):  # the city's, not learned ones
                written = texts.setdefault(jatext.letters(text), [])
                if doc.faq_id not in written:
                    written.append(doc.faq_id)
            for text in doc.wordings:
                content = analyzer.content(text)
                key = frozenset(m.lemma for m in content)
                if key and doc.faq_id not in keys.setdefault(key, []):
                    keys[key].append(doc.faq_id)
                for m in content:
                    if (m.reading and len(m.reading) > 1) or m.pos2 == "普通名詞":
                        counts = readings.setdefault(m.reading or "", {})
                        counts[m.lemma] = counts.get(m.lemma, 0) + 1
        by_reading = {r: max(c, key=c.__getitem__) for r, c in readings.items() if r}
        return cls(
            {k: tuple(v) for k, v in keys.items()},
            by_reading,
            {k: tuple(v) for k, v in texts.items() if k},
        )

    def entries_written(self, query: str) -> tuple[str, ...]:
        """The entries whose question or a listed alternative is the query as typed (case,
        width, spaces and punctuation aside): 「市役所は何時まで？」 is M0111's own wording."""
        return self.texts.get(jatext.letters(query), ())

    def entries_worded(self, words: list[str]) -> tuple[str, ...]:
        """The entries whose question or a listed alternative has exactly these content words."""
        return self.keys.get(frozenset(words), ()) if words else ()
