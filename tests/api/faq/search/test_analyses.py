"""One knowledge build analyses each text once: the router's department profiles reuse the
FAQ index's analyses, and an answer's opening is cut from the whole answer's analysis."""

from __future__ import annotations

import pytest

from api.faq.search import FaqIndex
from api.faq.search.analyses import TextAnalyses
from api.faq.search.analyzer import default_analyzer
from api.routing import DepartmentRouter
from tests.api.routing.test_department_router import DIRECTORY, FAQ

KINDS = ("w", "p", "c", "r")


@pytest.fixture
def analyses() -> TextAnalyses:
    return TextAnalyses(default_analyzer())


def test_an_opening_cut_at_a_word_boundary_is_the_opening_analysed(
    analyses: TextAnalyses,
) -> None:
    opening = "粗大ごみは事前に申し込んでください。"
    text = opening + "収集日の朝8時30分までに指定の場所へ出してください。"
    cut = analyses.opening(text, len(opening))
    fresh = TextAnalyses(default_analyzer()).of(opening)
    assert {k: cut[k] for k in KINDS} == {k: fresh[k] for k in KINDS}
    assert analyses.opening(opening, 500) is analyses.of(opening)  # short: the whole text


def test_an_opening_cut_inside_a_word_drops_that_word(analyses: TextAnalyses) -> None:
    text = "住民票の写しは市民課の窓口で請求できます。"
    whole = analyses.of(text)
    cut = analyses.opening(text, text.index("市民課") + 1)  # inside 市民課
    assert cut["w"] == whole["w"][: len(cut["w"])]
    assert "市民" not in cut["w"] and "窓口" not in cut["w"]
    assert "住民" in "".join(cut["w"])


def test_joined_analyses_are_the_analysis_of_the_joined_texts(analyses: TextAnalyses) -> None:
    parts = ["粗大ごみの出し方", "資源ごみの収集日"]
    joined = TextAnalyses.joined(analyses.of(p) for p in parts)
    direct = analyses.of(" 。".join(parts))
    assert {k: joined[k] for k in KINDS} == {k: direct[k] for k in KINDS}


def test_the_router_tokenizes_no_faq_text_again(
    analyses: TextAnalyses, monkeypatch: pytest.MonkeyPatch
) -> None:
    analysed: list[str] = []
    original = TextAnalyses._analyse

    def counting(self: TextAnalyses, text: str) -> dict:
        analysed.append(text)
        return original(self, text)

    monkeypatch.setattr(TextAnalyses, "_analyse", counting)
    index = FaqIndex.build(FAQ, analyses=analyses)
    analysed.clear()
    router = DepartmentRouter.build(DIRECTORY, index, analyses)
    faq_texts = {d.question for d in FAQ} | {d.answer for d in FAQ}
    assert not faq_texts & set(analysed)  # only the directory's own texts were new
    assert router.route("粗大ゴミを捨てたいのですが").department == "gomi"
    # The same routing as a router that analyses everything itself.
    alone = DepartmentRouter.build(DIRECTORY, FaqIndex.build(FAQ))
    for text in ("保育所に入りたい", "道路に穴があいている", "住民票がほしい"):
        assert router.route(text) == alone.route(text)
