"""The benchmark measures the product path: the JSON importer, a scratch database, and the
knowledge built from it as the API does."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from api.faq import json_format
from api.faq.knowledge import Knowledge
from bench import amagasaki
from bench.faq_bench import (
    format_lines,
    import_and_build,
    replicate_corpus,
    run,
    subset_figures,
)
from bench.views import learning_curve

CORPUS = {
    "0": "Question: 保険証をなくしました\nAnswer: 再交付します。【お問い合わせ】。市民協働局。"
    "国保年金課資格賦課担当。電話０６。",
    "1": "Question: 粗大ごみの出し方\nAnswer: 申し込みが必要です。"
    "【お問い合わせ】。環境局。業務課。",
    "2": "Question: 住民票の写し\nAnswer: 市民課の窓口で取れます。【お問い合わせ】。尼崎市市民課。",
    "3": "Question: 壊れた\nAnswer: ",  # no answer: the importer skips it
}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    (tmp_path / "corpus.json").write_text(json.dumps(CORPUS, ensure_ascii=False), "utf-8")
    queries = {"a": "保険証を紛失した", "b": "粗大ゴミを出したい", "c": "住民票がほしい"}
    (tmp_path / "queries_dev.json").write_text(json.dumps(queries, ensure_ascii=False), "utf-8")
    qrels = {"a": {"0": 2}, "b": {"1": 2}, "c": {"2": 2}}
    (tmp_path / "qrels_dev.json").write_text(json.dumps(qrels), "utf-8")
    return tmp_path


def test_the_loader_uses_the_product_parser() -> None:
    answer = CORPUS["2"].split("Answer: ")[1]
    assert amagasaki.parse_department(answer) == "市民課"
    assert json_format.parse_department(answer) == "尼崎市市民課"  # no city rule in the product
    assert json_format.parse_department(answer, amagasaki.CITY_PREFIXES) == "市民課"


def test_the_corpus_goes_through_the_importer(data_dir: Path) -> None:
    result = run(data_dir, replicate_n=7)
    imported = result["import"]
    assert imported["created"] == 3 and imported["skipped"] == 1
    assert imported["departments_created"] == 3
    assert "'3'" in imported["errors"][0]
    assert result["entries"] == 3
    ours = result["madoguchi"]
    assert ours["ndcg10"] == pytest.approx(1.0)
    assert ours["routing_top1"] == pytest.approx(1.0) and ours["routing_queries"] == 3
    assert ours["import_s"] >= 0 and ours["build_s"] > 0
    assert result["replicated"]["entries"] == 6 and result["replicated"]["import_s"] >= 0
    lines = format_lines(result)
    assert any(line.startswith("import s") and "3 created, 1 skipped" in line for line in lines)
    assert any(line.startswith("replicated 6 entries: import") for line in lines)
    # what a citizen's question costs: the search and the decision, timed per question
    assert ours["answer_latency_p95_ms"] >= ours["answer_latency_p50_ms"] > 0
    assert any(line.startswith("answer latency ms") for line in lines)
    # the baseline of a query taking an idle second core, in the same run
    assert ours["one_thread_latency_p95_ms"] >= ours["one_thread_latency_p50_ms"] > 0
    assert any(line.startswith("latency, 1 query thread") for line in lines)


def test_replicate_corpus() -> None:
    out = replicate_corpus({"a": "x", "b": "y"}, 5)
    assert list(out) == ["a", "b", "a#1", "b#1", "a#2"]


def counted(summary: str) -> int:
    """The pairs a `madoguchi faq learn` summary counts, whatever became of them."""
    return sum(int(n) for n in re.findall(r"(\d+) ", summary))


def test_the_learning_curve_learns_through_the_product(data_dir: Path, tmp_path: Path) -> None:
    """Each fold learns the other folds' questions by `madoguchi faq learn`'s import into a
    copy of the database (masked, checked by the learning guards), never into the original,
    and measures the knowledge the API builds from that copy."""
    imported = import_and_build(data_dir / "corpus.json", tmp_path, "corpus")
    queries = {
        "a": "保険証を紛失した",
        "b": "粗大ゴミを出したい",
        "c": "住民票がほしい",
        "d": "電話は090-1234-5678です。保険証を落とした",
        "e": "大きな家具を捨てたい",
        "f": "住民票を取りたい",
    }
    qrels = {q: {"0": 2} for q in "ad"} | {q: {"1": 2} for q in "be"}
    qrels |= {"c": {"2": 2, "0": 2}, "f": {"2": 2}}
    seen: list[tuple[Knowledge, list[str]]] = []

    def evaluate(knowledge: Knowledge, subset: list[str]) -> dict[str, float]:
        seen.append((knowledge, subset))
        return subset_figures(knowledge, queries, qrels, subset)

    curve = learning_curve(imported.url, queries, qrels, evaluate, folds=2)
    folds = curve["folds"]
    assert [fold["held_out"] for fold in folds] == [3, 3]
    # every (question, entry) pair went through the import and was counted: each grade-2 entry
    # of the three training questions (4 pairs when c trains), or only the first one of each
    pairs = [
        (counted(fold["grade2"]["learned"]), counted(fold["first"]["learned"])) for fold in folds
    ]
    assert sorted(pairs) == [(3, 3), (4, 3)]
    # before: the imported knowledge; after: one built from each fold's own copy
    learned = [{p for d in known.index.documents for p in d.learned} for known, _ in seen]
    assert learned[0] == set() and all(learned[1:3]) and learned[3] == set()
    assert not any("090" in p for phrasings in learned for p in phrasings)  # masked
    assert all(seen[0][1] == subset for _, subset in seen[:3])
    assert set(curve["mean"]) == {"before", "after", "after_first_choice"}
    assert 0.0 <= curve["mean"]["after"]["routing_top1"] <= 1.0
    # the imported database learned nothing
    with sqlite3.connect(imported.url.removeprefix("sqlite:///")) as connection:
        assert connection.execute("SELECT count(*) FROM learned_phrasings").fetchone() == (0,)
