"""The `madoguchi faq …` and `madoguchi triage` commands on a scratch database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from api.cli import main
from api.faq.csv_format import read_faq_csv
from api.faq.knowledge import knowledge_cache
from tests.conftest import REPO_ROOT

CORPUS = {
    "100": "Question: 保険証をなくしました\nAnswer: 再交付できます。【お問い合わせ】。市民協働局。"
    "国保年金課資格賦課担当。電話０６－１１１１－２２２２。",
    "101": "Question: 粗大ごみの出し方を知りたい\nAnswer: 粗大ごみは申込制です。"
    "【お問い合わせ】。環境局。業務課。電話０６。",
    "102": "Question: 道路の穴や陥没の連絡先\nAnswer: 道路の穴は道路課へ。"
    "【お問い合わせ】。道路課。",
    "103": "Question: 連絡先のない質問\nAnswer: 回答だけです。",
}


@pytest.fixture
def scratch_database(monkeypatch: pytest.MonkeyPatch, fresh_database_url: str) -> Iterator[str]:
    """DATABASE_URL names an empty database of the test's own (SQLite and PostgreSQL)."""
    from api.core.config import get_settings
    from api.core.db import get_engine, get_sessionmaker

    monkeypatch.setenv("DATABASE_URL", fresh_database_url)
    caches = (get_settings, get_engine, get_sessionmaker)
    for cached in caches:
        cached.cache_clear()
    knowledge_cache.clear()
    yield fresh_database_url
    get_engine().dispose()
    for cached in caches:
        cached.cache_clear()
    knowledge_cache.clear()


def count(url: str, sql: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text(sql)).scalar_one())
    finally:
        engine.dispose()


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_json_import_is_repeatable_and_reports(
    scratch_database: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    corpus = write_json(tmp_path / "corpus.json", CORPUS)
    assert main(["faq", "import", str(corpus)]) == 0
    out, err = capsys.readouterr()
    assert "4 created, 0 updated, 0 unchanged, 0 skipped; 3 departments created" in out
    assert "importing: 4/4 (100%)" in err and "国保年金課" in err
    assert main(["faq", "import", str(corpus), "--quiet"]) == 0
    assert "0 created, 0 updated, 4 unchanged" in capsys.readouterr().out
    assert count(scratch_database, "SELECT count(*) FROM faq_entries") == 4
    assert count(scratch_database, "SELECT count(*) FROM departments") == 3


def test_csv_import_skips_bad_rows_by_line(
    scratch_database: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "faq.csv"
    path.write_text(
        "id,question,answer,department,alternatives,tags,url\n"
        "A1,質問1,回答1,市民課,,,\n"
        "A2,,回答2,,,,\n"
        "A3,質問3,回答3,,,,\n",
        encoding="utf-8",
    )
    assert main(["faq", "import", str(path), "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert "2 created, 0 updated, 0 unchanged, 1 skipped" in out
    assert f"{path}:3: skipped: missing or invalid: question" in err


def test_unknown_format_and_missing_file(scratch_database: str, tmp_path: Path) -> None:
    assert main(["faq", "import", str(tmp_path / "nope.csv")]) == 2
    other = tmp_path / "faq.txt"
    other.write_text("x", encoding="utf-8")
    with pytest.raises(SystemExit, match="unknown format"):
        main(["faq", "import", str(other)])


def test_export_round_trips(scratch_database: str, tmp_path: Path) -> None:
    assert main(["city", "load", str(REPO_ROOT / "demo_city")]) == 0
    exported = tmp_path / "export.csv"
    assert main(["faq", "export", str(exported)]) == 0
    records, errors = read_faq_csv(exported)
    original, _ = read_faq_csv(REPO_ROOT / "demo_city" / "faq.csv")
    assert errors == [] and sorted(records, key=lambda r: r.id) == original
    as_json = tmp_path / "export.json"
    assert main(["faq", "export", str(as_json)]) == 0
    assert json.loads(as_json.read_text("utf-8"))["M0001"]["department"] == "waste"


def test_search_answer_and_triage(
    scratch_database: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert main(["faq", "import", str(write_json(tmp_path / "c.json", CORPUS)), "--quiet"]) == 0
    capsys.readouterr()

    assert main(["faq", "search", "粗大ごみを出したい", "--top", "2"]) == 0
    first = capsys.readouterr().out.splitlines()[0].split("\t")
    assert first[0] == "101" and first[2] == "粗大ごみの出し方を知りたい"

    queries = write_json(tmp_path / "q.json", {"a": "粗大ごみを出したい", "b": "保険証をなくした"})
    out = tmp_path / "out" / "search.json"
    args = ["faq", "search", "--queries", str(queries), "--top", "10", "--output", str(out)]
    assert main(args) == 0
    ranked = json.loads(out.read_text("utf-8"))
    assert set(ranked) == {"a", "b"} and ranked["a"][0] == "101" and ranked["b"][0] == "100"
    assert all(isinstance(i, str) for ids in ranked.values() for i in ids)

    answers = tmp_path / "answers.json"
    assert main(["faq", "answer", "--queries", str(queries), "--output", str(answers)]) == 0
    decided = json.loads(answers.read_text("utf-8"))
    for result in decided.values():
        assert result["decision"] in {"answer", "clarify", "escalate"}
        assert isinstance(result["faq_ids"], list)
    if decided["a"]["decision"] == "answer":
        assert decided["a"]["faq_ids"] == ["101"]

    routed = tmp_path / "triage.json"
    inquiries = write_json(tmp_path / "i.json", {"r": "道路に穴があいて陥没している"})
    assert main(["triage", "--queries", str(inquiries), "--output", str(routed)]) == 0
    result = json.loads(routed.read_text("utf-8"))["r"]
    assert result["department"] == "道路課"
    assert 0.0 <= result["confidence"] <= 1.0 and len(result["alternatives"]) == 2
    assert set(result) == {"department", "confidence", "alternatives"}

    assert main(["triage", "道路に穴"]) == 0
    assert json.loads(capsys.readouterr().out)["query"]["department"] == "道路課"


def test_a_text_or_queries_is_required(scratch_database: str) -> None:
    with pytest.raises(SystemExit):
        main(["faq", "search"])


def forbid_embedding(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, a text embedded (not read from the database) fails the test."""
    from api.faq.search.encoders import default_encoders
    from api.faq.text_vectors import text_vector_store

    def no_embedding(texts: list[str]) -> None:
        raise AssertionError(f"embedded at build time: {texts}")

    text_vector_store.forget()
    for encoder in default_encoders().values():
        monkeypatch.setattr(encoder, "passages", no_embedding)


def test_embed_stores_every_vector_the_knowledge_build_reads(
    scratch_database: str, tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch
) -> None:
    from api.faq.search.encoders import default_encoders

    assert main(["faq", "import", str(write_json(tmp_path / "c.json", CORPUS)), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["faq", "embed", "--quiet"]) == 0
    first = capsys.readouterr().out.splitlines()
    assert [line.split(" ")[0] for line in first] == list(default_encoders())
    assert all("of 4 entries" in line and "0 stored already" in line for line in first)
    stored = count(scratch_database, "SELECT count(*) FROM faq_text_vectors")
    assert stored >= 2 * len(CORPUS)

    assert main(["faq", "embed", "--quiet"]) == 0  # nothing left to embed
    again = capsys.readouterr().out.splitlines()
    assert all(", 0 embedded and stored" in line for line in again)
    assert count(scratch_database, "SELECT count(*) FROM faq_text_vectors") == stored

    # the knowledge build reads every entry vector from the database: it embeds nothing
    forbid_embedding(monkeypatch)
    assert main(["faq", "search", "粗大ごみを出したい", "--top", "1"]) == 0
    assert capsys.readouterr().out.startswith("101\t")


def test_embed_also_stores_the_learned_questions_a_query_adapter_is_fitted_on(
    scratch_database: str, tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch
) -> None:
    from api.faq.search import meaning

    monkeypatch.setattr(meaning, "ADAPTER_MIN_PAIRS", 2)  # a city's hundreds, in two pairs
    assert main(["faq", "import", str(write_json(tmp_path / "c.json", CORPUS)), "--quiet"]) == 0
    pairs = {"でかいゴミを捨てたいんだけど": "101", "道がへこんでて危ない": "102"}
    assert main(["faq", "learn", "--pairs", str(write_json(tmp_path / "p.json", pairs))]) == 0
    assert main(["faq", "embed", "--quiet"]) == 0
    capsys.readouterr()

    forbid_embedding(monkeypatch)
    assert main(["faq", "search", "粗大ごみを出したい", "--top", "1"]) == 0
    assert capsys.readouterr().out.startswith("101\t")
