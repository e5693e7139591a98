"""Department routing from the FAQ entries' departments and the directory."""

from __future__ import annotations

import pytest

from api.faq.search import FaqDocument, FaqIndex
from api.routing import DepartmentProfile, DepartmentRouter, RoutingDecision

FAQ = [
    FaqDocument(
        "g1", "粗大ごみの出し方", "粗大ごみは申し込みのうえ収集日に出してください。", "gomi"
    ),
    FaqDocument(
        "g2", "資源ごみの収集日", "缶・びん・ペットボトルは毎週水曜日に収集します。", "gomi"
    ),
    FaqDocument("g3", "家電の処分", "エアコンやテレビは家電リサイクル法で処分します。", "gomi"),
    FaqDocument("k1", "児童手当の申請", "子どもが生まれたら児童手当を申請してください。", "kodomo"),
    FaqDocument("k2", "保育所の入所申込み", "保育所への入所は申込みが必要です。", "kodomo"),
    FaqDocument("s1", "住民票の写しの請求", "住民票の写しは市民課の窓口で請求できます。", "shimin"),
    FaqDocument("s2", "転入の届出", "引っ越してきたら14日以内に転入届を出してください。", "shimin"),
    FaqDocument("z1", "市民税の納付", "市民税は納付書で納付してください。", "zei"),
    FaqDocument("n1", "市の歴史", "市の歴史は博物館で紹介しています。", None),
]

DIRECTORY = [
    DepartmentProfile("gomi", "環境事業課", "ごみの収集と処分、リサイクル", ("ごみ", "リサイクル")),
    DepartmentProfile("kodomo", "こども支援課", "児童手当、保育所、子育て支援", ("子育て", "保育")),
    DepartmentProfile("shimin", "市民課", "住民票、戸籍、転入・転出の届出", ("戸籍", "住民票")),
    DepartmentProfile("zei", "市民税課", "市民税の課税と納付", ("税金",)),
    DepartmentProfile(
        "doro", "道路課", "道路の補修、街路灯、側溝の清掃", ("道路", "街路灯", "陥没")
    ),
]


@pytest.fixture(scope="module")
def router() -> DepartmentRouter:
    return DepartmentRouter.build(DIRECTORY, FaqIndex.build(FAQ))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("粗大ゴミを捨てたいのですが", "gomi"),
        ("子どもが生まれたので手当を申請したい", "kodomo"),
        ("住民票の写しが欲しい", "shimin"),
        ("市民税を払いたい", "zei"),
    ],
)
def test_routes_to_the_department_whose_entries_match(
    router: DepartmentRouter, text: str, expected: str
) -> None:
    decision = router.route(text)
    assert isinstance(decision, RoutingDecision)
    assert decision.department == expected


def test_directory_routes_departments_without_faq_entries(router: DepartmentRouter) -> None:
    assert router.route("家の前の道路が陥没しています").department == "doro"


def test_alternatives_are_the_next_two_distinct_departments(router: DepartmentRouter) -> None:
    decision = router.route("粗大ごみの収集と家電の処分について")
    codes = [decision.department, *(code for code, _ in decision.alternatives)]
    assert len(decision.alternatives) == 2
    assert len(set(codes)) == 3
    confidences = [decision.confidence, *(c for _, c in decision.alternatives)]
    assert confidences == sorted(confidences, reverse=True)


@pytest.mark.parametrize(
    "text", ["粗大ごみの出し方", "子育て", "", "😀", "hello world", "宇宙ロケットの打ち上げ"]
)
def test_confidence_is_in_0_1(router: DepartmentRouter, text: str) -> None:
    decision = router.route(text)
    assert 0.0 <= decision.confidence <= 1.0
    assert all(0.0 <= c <= 1.0 for _, c in decision.alternatives)


def test_clear_inquiry_is_more_confident_than_vague_one(router: DepartmentRouter) -> None:
    clear = router.route("粗大ごみの出し方と収集日を知りたい")
    vague = router.route("宇宙ロケットの打ち上げ")
    assert clear.confidence > vague.confidence
    assert router.route("").confidence == 0.0


def test_router_works_without_a_directory() -> None:
    router = DepartmentRouter.build([], FaqIndex.build(FAQ))
    decision = router.route("保育所に入りたい")
    assert decision.department == "kodomo"
    assert len(decision.alternatives) == 2


def test_naive_bayes_classifier_learns_departments_from_the_entries() -> None:
    from api.faq.search.analyzer import default_analyzer
    from api.routing.classifier import NaiveBayesRouter

    analyzer = default_analyzer()
    samples = [(analyzer.words(f"{d.question} 。{d.answer}"), d.department) for d in FAQ]
    clf = NaiveBayesRouter.train(samples, analyzer)
    assert clf is not None
    dist = clf.distribution("粗大ごみを出したい")
    assert max(dist, key=dist.__getitem__) == "gomi"
    assert abs(sum(dist.values()) - 1.0) < 1e-6
    assert clf.distribution("😀") == {}
    assert NaiveBayesRouter.train([], analyzer) is None


def test_index_exposes_the_lemmas_of_each_entry() -> None:
    index = FaqIndex.build(FAQ)
    words = index.document_words()
    assert len(words) == len(FAQ)
    assert "粗大" in words[0] or "粗大ごみ" in words[0]


def test_a_text_is_routed_once_per_router(monkeypatch: pytest.MonkeyPatch) -> None:
    """The actions of one report route its description several times, and the action server
    routes it first outside its write transaction: the decision is kept per text."""
    fresh = DepartmentRouter.build(DIRECTORY, FaqIndex.build(FAQ))
    scored: list[str] = []
    scores = fresh.scores

    def counting(text: str) -> tuple[dict[str, float], float]:
        scored.append(text)
        return scores(text)

    monkeypatch.setattr(fresh, "scores", counting)
    first = fresh.route("道路に穴があいている")
    assert fresh.route("道路に穴があいている") == first
    assert fresh.route("粗大ごみを出したい") != first
    assert scored == ["道路に穴があいている", "粗大ごみを出したい"]
