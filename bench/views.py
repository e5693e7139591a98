"""The single views of the product's search, the vector store's build costs, and the learning
curve, for bench/faq_bench.py.

- views: the lexical ranker alone (the product index without its sentence encoders), e5
  alone and USE alone (each entry's best wording cosine), beside the fusion;
- build: the knowledge built with every vector embedded (an empty store), again with the
  vectors stored (a restart), and after one staff edit;
- learning curve: k folds of the dev questions; for each held-out fold, the other folds'
  questions become learned phrasings of their grade-2 entries (FaqDocument.learned) and the
  held-out questions are measured, without and with that learning.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace

import numpy as np
from sqlalchemy import select, update
from sqlalchemy.orm import sessionmaker

from api.core.db import build_engine, unit_of_work
from api.faq.knowledge import KnowledgeCache
from api.faq.models import FaqEntry
from api.faq.search import analyzer
from api.faq.search.documents import FaqDocument, SearchHit
from api.faq.search.encoders import E5Encoder, clear_query_memos, default_encoders, get_encoder
from api.faq.search.index import FaqIndex
from api.faq.search.meaning import MeaningView
from api.faq.search.spare_cores import QueryThreads, usable_cores
from api.faq.text_vectors import text_vector_store

Ranker = Callable[[str, int], list[SearchHit]]


def lexical_only(index: FaqIndex) -> FaqIndex:
    """The same index without its sentence encoders: the lexical ranker."""
    out = copy.copy(index)
    out.meaning = {}
    return out


def view_ranker(index: FaqIndex, kind: str) -> Ranker:
    view = index.meaning[kind]

    def rank(text: str, top: int) -> list[SearchHit]:
        return index._hits(view.similarities(view.query_vector(text)), top)

    return rank


def build_costs(url: str) -> dict[str, float]:
    """Knowledge build times on an imported database: with the vectors stored (this process
    forgets its memo first), and after one entry's question is edited (until the knowledge
    answering is built from the edit)."""
    text_vector_store.wait()
    text_vector_store.forget()
    engine = build_engine(url)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    try:
        t0 = time.perf_counter()
        with unit_of_work(factory, write=False) as session:
            KnowledgeCache().get(session)
        stored_s = time.perf_counter() - t0
        cache = KnowledgeCache()
        with unit_of_work(factory) as session:
            cache.get(session)
            first = session.scalars(select(FaqEntry.id).order_by(FaqEntry.id).limit(1)).first()
            session.execute(
                update(FaqEntry)
                .where(FaqEntry.id == first)
                .values(question=FaqEntry.question + "（改訂）")
            )
            t0 = time.perf_counter()
            cache.refresh(session)  # returns at once; the rebuild runs in its own thread
        # until citizens are answered with the edit (and no rebuild competes with what the
        # benchmark measures next)
        cache.wait_fresh(factory)
        edit_s = time.perf_counter() - t0
    finally:
        text_vector_store.wait()
        engine.dispose()
    return {"build_stored_s": stored_s, "rebuild_after_edit_s": edit_s}


def learning_curve(
    url: str,
    documents: list[FaqDocument],
    queries: dict[str, str],
    qrels: dict[str, dict[str, int]],
    evaluate: Callable[..., dict[str, float]],
    folds: int = 5,
    seed: int = 0,
) -> dict[str, object]:
    """Per held-out fold: figures without learning and after learning from the other folds.
    `evaluate(index, subset)` returns the figures of an index on a subset of the queries."""
    qids = sorted(q for q in queries if qrels.get(q))
    folds = min(folds, len(qids) // 2)
    if folds < 2:  # too few judged questions to hold any out
        return {"folds": [], "mean": {}}
    order = list(np.random.default_rng(seed).permutation(len(qids)))
    encoders = default_encoders()
    engine = build_engine(url)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    per_fold: list[dict[str, object]] = []
    try:
        base = _index(factory, documents, encoders)
        for k in range(folds):
            test = [qids[i] for j, i in enumerate(order) if j % folds == k]
            train = [qids[i] for j, i in enumerate(order) if j % folds != k]
            learned: dict[str, list[str]] = {}
            for q in train:
                for faq_id, grade in qrels[q].items():
                    if grade == 2:
                        learned.setdefault(faq_id, []).append(queries[q])
            docs = [replace(d, learned=tuple(learned.get(d.faq_id, ()))) for d in documents]
            taught = _index(factory, docs, encoders)
            per_fold.append(
                {
                    "held_out": len(test),
                    "learned_phrasings": sum(len(v) for v in learned.values()),
                    "before": evaluate(base, test),
                    "after": evaluate(taught, test),
                }
            )
    finally:
        text_vector_store.wait()
        engine.dispose()
    keys = per_fold[0]["before"].keys()  # type: ignore[union-attr]
    mean = {
        when: {key: float(np.mean([f[when][key] for f in per_fold])) for key in keys}  # type: ignore[index]
        for when in ("before", "after")
    }
    return {"folds": per_fold, "mean": mean}


def _index(factory: sessionmaker, docs: list[FaqDocument], encoders: dict) -> FaqIndex:
    with unit_of_work(factory, write=False) as session:
        meaning = {
            kind: MeaningView.build(
                kind,
                encoder,
                docs,
                lambda enc, texts: text_vector_store.vectors(session, enc, texts),
            )
            for kind, encoder in encoders.items()
        }
    return FaqIndex.build(docs, meaning=meaning)


def fresh_queries() -> None:
    """Forget the query vectors and tokens already computed, so that latency includes
    embedding and tokenizing (each pass over the same questions pays what a new one does)."""
    clear_query_memos()
    analyzer._tokenize_cached.cache_clear()


@contextmanager
def one_query_thread() -> Iterator[None]:
    """The search as before a query could take a second core: e5 embeds on one thread (the
    baseline of the latency figures, in the same run)."""
    e5 = get_encoder("e5")
    if not isinstance(e5, E5Encoder):
        yield
        return
    held = e5._query_threads
    e5._query_threads = QueryThreads(1, usable_cores())
    try:
        yield
    finally:
        e5._query_threads = held
