"""The single views of the product's search, the vector store's build costs, and the learning
curve, for bench/faq_bench.py.

- views: the lexical ranker alone (the product index without its sentence encoders), e5
  alone and USE alone (each entry's best wording cosine), beside the fusion;
- build: the knowledge built with every vector embedded (an empty store), again with the
  vectors stored (a restart), and after one staff edit;
- learning curve: k folds of the dev questions; for each held-out fold, the other folds'
  questions are learned as phrasings of their grade-2 entries through `madoguchi faq learn`'s
  import into a copy of the database, and the held-out questions are measured, without and
  with that learning, on the knowledge the API builds.
"""

from __future__ import annotations

import copy
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from sqlalchemy import select, update
from sqlalchemy.orm import sessionmaker

from api.core.db import build_engine, unit_of_work
from api.faq.knowledge import Knowledge, KnowledgeCache
from api.faq.learning_import import LearnReport, import_pairs
from api.faq.models import FaqEntry
from api.faq.search import analyzer
from api.faq.search.documents import SearchHit
from api.faq.search.encoders import E5Encoder, clear_query_memos, get_encoder
from api.faq.search.index import FaqIndex
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


# The choices citizens made, as a pairs file gives them to `madoguchi faq learn`: every grade-2
# entry of a question (the learning curve), or only its first one (a history that kept
# one choice per question).
CHOICES = ("grade2", "first")


def learning_curve(
    url: str,
    queries: dict[str, str],
    qrels: dict[str, dict[str, int]],
    evaluate: Callable[[Knowledge, list[str]], dict[str, float]],
    folds: int = 5,
    seed: int = 0,
) -> dict[str, object]:
    """Per held-out fold: figures without learning, and after learning the other folds'
    questions as the product learns a city's history: `madoguchi faq learn`'s import
    (masking, the learning guards) into a copy of the imported database, then the knowledge
    built from that copy as the API builds it. `evaluate(knowledge, subset)` returns the
    figures of a knowledge on some of the questions."""
    qids = sorted(q for q in queries if qrels.get(q))
    folds = min(folds, len(qids) // 2)
    if folds < 2:  # too few judged questions to hold any out
        return {"folds": [], "mean": {}}
    order = list(np.random.default_rng(seed).permutation(len(qids)))
    base = _knowledge(url)  # its vectors stored: every copy starts with them
    per_fold: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="madoguchi-learning-") as scratch:
        for k in range(folds):
            test = [qids[i] for j, i in enumerate(order) if j % folds == k]
            train = [qids[i] for j, i in enumerate(order) if j % folds != k]
            fold: dict[str, object] = {"held_out": len(test), "before": evaluate(base, test)}
            for choice in CHOICES:
                copy_url = _copy_database(url, Path(scratch) / f"fold{k}-{choice}.db")
                report = _learn(copy_url, base, _pairs(queries, qrels, train, choice))
                fold[choice] = {
                    "learned": report.summary(),
                    "figures": evaluate(_knowledge(copy_url), test),
                }
            per_fold.append(fold)
    keys = per_fold[0]["before"].keys()  # type: ignore[union-attr]

    def mean(figures: Callable[[dict], dict[str, float]]) -> dict[str, float]:
        return {key: float(np.mean([figures(f)[key] for f in per_fold])) for key in keys}

    return {
        "folds": per_fold,
        "mean": {
            "before": mean(lambda f: f["before"]),
            "after": mean(lambda f: f["grade2"]["figures"]),
            "after_first_choice": mean(lambda f: f["first"]["figures"]),
        },
    }


def _pairs(
    queries: dict[str, str], qrels: dict[str, dict[str, int]], qids: list[str], choice: str
) -> dict[str, object]:
    """A pairs file's object for `madoguchi faq learn`: each question with its grade-2
    entries (or the first of them)."""
    pairs: dict[str, object] = {}
    for q in qids:
        chosen = [faq_id for faq_id, grade in qrels[q].items() if grade == 2]
        if chosen:
            pairs[queries[q]] = chosen if choice == "grade2" else chosen[0]
    return pairs


def _copy_database(url: str, path: Path) -> str:
    """A copy of an SQLite database (SQLite's online backup: consistent while others read)."""
    source = sqlite3.connect(url.removeprefix("sqlite:///"))
    target = sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return f"sqlite:///{path}"


def _learn(url: str, base: Knowledge, pairs: dict[str, object]) -> LearnReport:
    engine = build_engine(url)
    try:
        factory = sessionmaker(bind=engine, expire_on_commit=False)
        with unit_of_work(factory) as session:
            return import_pairs(session, base.index, pairs)
    finally:
        engine.dispose()


def _knowledge(url: str) -> Knowledge:
    """The knowledge the API builds from a database (a cache of its own: no memo shared),
    returned once the vectors it embedded are stored in that database."""
    engine = build_engine(url)
    try:
        factory = sessionmaker(bind=engine, expire_on_commit=False)
        with unit_of_work(factory, write=False) as session:
            return KnowledgeCache().get(session)
    finally:
        text_vector_store.wait()
        engine.dispose()


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
