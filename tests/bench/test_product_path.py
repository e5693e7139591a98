"""The benchmark measures the product path: the JSON importer, a scratch database, and the
knowledge built from it as the API does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.faq import json_format
from bench import amagasaki
from bench.faq_bench import format_lines, replicate_corpus, run

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
