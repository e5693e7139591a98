"""Parsing the Amagasaki FAQ export (literal examples in its format, not the shared data)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.amagasaki import load, parse_department, parse_entry
from bench.faq_bench import ndcg_at, recall_at

HEALTH = (
    "■保険証をなくした場合は再交付できます。＜改＞。【お問い合わせ】。市民協働局市民サービス部。"
    "国保年金課資格賦課担当。尼崎市東七松町１丁目２３－１。電話０６－６４８９－６４０９。"
)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (HEALTH, "国保年金課"),
        (
            "本文。【お問い合わせ】。健康福祉局。南部保健福祉センター地域保健課。電話０６－１１１１－２２２２。",
            "南部保健福祉センター地域保健課",
        ),
        (
            "本文。【お問い合わせ】。資産統括局税務管理部。市民税課（個人担当）。電話０６－１２３４－５６７８。",
            "市民税課",
        ),
        (
            "本文。【お問い合わせ】。こども青少年本部事務局児童課。尼崎市栗山町２丁目２５番１号。電話０６。",
            "児童課",
        ),
        (
            "本文。【お問い合わせ】。ひと咲きまち咲き担当局ヘルスアップ戦略担当。電話０６－６４８９－６６２１。",
            "ヘルスアップ戦略担当",
        ),
        (
            "本文。【お問い合わせ】。中央図書館。尼崎市北城内２７。電話０６－６４８２－４２２３。",
            "中央図書館",
        ),
        (
            "本文。【お問い合わせ】。尼崎市コールセンター。電話０６－６３７５－５６３９。",
            "コールセンター",
        ),
        ("本文だけで問い合わせ先がない。", None),
        ("本文。【お問い合わせ】。電話０６－６３７５－５６３９。", None),
    ],
)
def test_department_is_the_last_section_name_of_the_contact_block(
    answer: str, expected: str | None
) -> None:
    assert parse_department(answer) == expected


def test_entry_is_split_into_question_and_answer() -> None:
    doc = parse_entry("7", f"Question: 保険証をなくしました。\nAnswer: {HEALTH}\n")
    assert doc.faq_id == "7"
    assert doc.question == "保険証をなくしました。"
    assert doc.answer.startswith("■保険証")
    assert doc.department == "国保年金課"


def test_load_reads_the_folder(tmp_path: Path) -> None:
    (tmp_path / "corpus.json").write_text(
        json.dumps(
            {"0": f"Question: 質問\nAnswer: {HEALTH}", "1": "Question: 別\nAnswer: 答え"},
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    (tmp_path / "queries_dev.json").write_text(json.dumps({"q": "保険証"}), encoding="utf-8")
    (tmp_path / "qrels_dev.json").write_text(json.dumps({"q": {"0": 2}}), encoding="utf-8")
    data = load(tmp_path)
    assert [d.faq_id for d in data.documents] == ["0", "1"]
    assert [d.department for d in data.documents] == ["国保年金課", None]
    assert data.qrels == {"q": {"0": 2}}


def test_metrics() -> None:
    rel = {"a": 2, "b": 1}
    assert ndcg_at(["a", "b"], rel) == pytest.approx(1.0)
    assert ndcg_at(["x", "a"], rel) < ndcg_at(["a", "x"], rel)
    assert recall_at(["a", "x"], rel) == 0.5


def test_benchmark_runs_end_to_end_on_a_tiny_set(tmp_path: Path) -> None:
    from bench.faq_bench import format_lines, main

    corpus = {
        "0": f"Question: 保険証をなくしました\nAnswer: {HEALTH}",
        "1": "Question: 粗大ごみの出し方\nAnswer: 申し込みが必要です。"
        "【お問い合わせ】。環境局。業務課。電話０６。",
        "2": "Question: 住民票の写し\nAnswer: 市民課の窓口で取れます。【お問い合わせ】。市民課。",
    }
    (tmp_path / "corpus.json").write_text(json.dumps(corpus, ensure_ascii=False), "utf-8")
    (tmp_path / "queries_dev.json").write_text(
        json.dumps({"a": "保険証を紛失した", "b": "粗大ゴミを出したい"}, ensure_ascii=False),
        "utf-8",
    )
    (tmp_path / "qrels_dev.json").write_text(json.dumps({"a": {"0": 2}, "b": {"1": 2}}), "utf-8")
    out = tmp_path / "faq.json"
    assert main([str(tmp_path), "--output", str(out), "--replicate", "10"]) == 0
    result = json.loads(out.read_text("utf-8"))
    assert result["madoguchi"]["ndcg10"] == pytest.approx(1.0)
    assert result["madoguchi"]["routing_top1"] == pytest.approx(1.0)
    assert result["replicated"]["entries"] == 10
    assert any(line.startswith("nDCG@10") for line in format_lines(result))
