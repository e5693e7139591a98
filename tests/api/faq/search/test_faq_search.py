"""FAQ search, synonyms, query noise and the answer/clarify/escalate decision."""

from __future__ import annotations

import pytest

from api.faq.search import AnswerDecision, FaqDocument, FaqIndex, decide
from api.faq.search.analyzer import default_analyzer
from api.faq.search.documents import answer_body, split_contact

FAQ = [
    FaqDocument(
        "garbage",
        "粗大ゴミの出し方を知りたい",
        "粗大ゴミは事前に申し込みが必要です。収集日に指定の場所へ出してください。"
        "【お問い合わせ】。環境局。業務課。電話０６－１２３４－５６７８。",
        "gomi",
    ),
    FaqDocument(
        "cans",
        "空き缶やペットボトルは何曜日に出せますか",
        "資源ごみの収集は毎週水曜日です。",
        "gomi",
    ),
    FaqDocument(
        "childcare",
        "子供の医療費助成について",
        "中学生までの子どもの医療費の自己負担を助成します。",
        "kodomo",
    ),
    FaqDocument(
        "nursery",
        "保育所の入所申し込みはどうすればいいですか",
        "保育所の入所申込みは、こども入所支援担当で受け付けます。",
        "kodomo",
    ),
    FaqDocument(
        "juminhyo",
        "住民票の写しを取りたい",
        "住民票の写しは市民課の窓口またはコンビニで取得できます。手数料は300円です。",
        "shimin",
    ),
    FaqDocument(
        "inkan", "印鑑登録証明書がほしい", "印鑑登録証明書は市民課の窓口で交付します。", "shimin"
    ),
    FaqDocument(
        "dog", "犬を飼い始めたときの登録", "飼い犬の登録と狂犬病予防注射が必要です。", "eisei"
    ),
    FaqDocument("tax1", "個人市民税の納付（銀行）", "個人市民税は銀行の窓口で納付します。", "zei"),
    FaqDocument("tax2", "個人市民税の納付（農協）", "個人市民税は農協の窓口で納付します。", "zei"),
    FaqDocument("park", "公園の使用許可", "公園で催しをするには使用許可が必要です。", None),
]


@pytest.fixture(scope="module")
def index() -> FaqIndex:
    return FaqIndex.build(FAQ)


def top_id(index: FaqIndex, query: str) -> str | None:
    hits = index.search(query, top=3)
    return hits[0].faq_id if hits else None


def test_search_returns_best_first_with_scores(index: FaqIndex) -> None:
    hits = index.search("粗大ゴミを出したい", top=5)
    assert hits[0].faq_id == "garbage"
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert len(index.search("粗大ゴミを出したい", top=1)) == 1


@pytest.mark.parametrize(
    "query", ["粗大ごみの出し方", "粗大ゴミの出し方", "そだいごみ 出し方 粗大"]
)
def test_gomi_spellings_match(index: FaqIndex, query: str) -> None:
    assert top_id(index, query) == "garbage"


@pytest.mark.parametrize("query", ["子どもの医療費", "こどもの医療費", "子供の医療費"])
def test_kodomo_spellings_match(index: FaqIndex, query: str) -> None:
    assert top_id(index, query) == "childcare"


def test_synonym_dictionary_folds_administrative_words(index: FaqIndex) -> None:
    # 保育園 (everyday) ↔ 保育所 (administrative), from synonyms.yml
    assert top_id(index, "保育園に入りたい") == "nursery"
    assert top_id(index, "印鑑証明を取りたい") == "inkan"


def test_query_noise_words_do_not_dominate(index: FaqIndex) -> None:
    plain = index.search("住民票", top=1)[0]
    noisy = index.search(
        "住民票について詳しく知りたいので教えてください。よろしくお願いします", top=1
    )[0]
    assert noisy.faq_id == plain.faq_id == "juminhyo"
    analyzer = default_analyzer()
    assert analyzer.words("について知りたいので教えてください") == []


def test_contact_section_is_not_indexed(index: FaqIndex) -> None:
    # 業務課 / 環境局 appear only in the contact section of "garbage"
    assert "garbage" not in {h.faq_id for h in index.search("環境局の業務課", top=10)}
    body, contact = split_contact(FAQ[0].answer)
    assert "業務課" in contact and "業務課" not in body
    assert "【お問い合わせ】" not in answer_body(FAQ[0].answer)


def test_document_lookup(index: FaqIndex) -> None:
    assert index.document("dog").question.startswith("犬")
    with pytest.raises(KeyError):
        index.document("missing")


def test_clear_match_is_answered(index: FaqIndex) -> None:
    d = decide(index, "犬を飼い始めたので登録したい")
    assert isinstance(d, AnswerDecision)
    assert d.decision == "answer"
    assert [h.faq_id for h in d.hits] == ["dog"]


def test_ambiguous_query_asks_to_clarify(index: FaqIndex) -> None:
    d = decide(index, "個人市民税を納付したい")
    assert d.decision == "clarify"
    assert 2 <= len(d.hits) <= 3
    assert {h.faq_id for h in d.hits} >= {"tax1", "tax2"}


def test_unrelated_query_escalates(index: FaqIndex) -> None:
    d = decide(index, "火星探査機の打ち上げ日程")
    assert d.decision == "escalate"
    assert d.hits == []


@pytest.mark.parametrize("query", ["", "   ", "😀🎉", "Where is the city hall?", "？？？", "です"])
def test_empty_or_unusable_queries_escalate_without_error(index: FaqIndex, query: str) -> None:
    d = decide(index, query)
    assert d.decision == "escalate"
    assert d.hits == []


def test_empty_index_escalates() -> None:
    empty = FaqIndex.build([])
    assert empty.search("住民票") == []
    assert decide(empty, "住民票").decision == "escalate"


def test_cca_projection_brings_paired_questions_and_answers_together() -> None:
    import numpy as np

    from api.faq.search.vectors import CcaProjection, normalize_rows

    rng = np.random.default_rng(0)
    topics = rng.normal(size=(600, 20))
    questions = normalize_rows(topics @ rng.normal(size=(20, 50)) + rng.normal(size=(600, 50)))
    answers = normalize_rows(topics @ rng.normal(size=(20, 50)) + rng.normal(size=(600, 50)))
    questions[0] = 0.0
    cca = CcaProjection.fit(questions, answers, dimensions=20)
    pq, pa = cca.question(questions), cca.answer(answers)
    assert not np.any(pq[0])
    paired = np.einsum("ij,ij->i", pq[1:], pa[1:]).mean()
    shuffled = np.einsum("ij,ij->i", pq[1:], np.roll(pa[1:], 1, axis=0)).mean()
    assert paired > 0.5 > shuffled + 0.3
