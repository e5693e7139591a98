"""`madoguchi faq learn --pairs FILE.json`: historical (question → FAQ id) pairs become active
phrasings at once, masked; bad rows are counted, never fatal; a bad file is a clear error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from api.cli import main
from tests.api.faq.test_cli_faq import count, scratch_database, write_json  # noqa: F401
from tests.conftest import REPO_ROOT

PHONE = "090-1234-5678"
PAIRS = {
    "カーペットを処分したい": "M0001",
    f"電話は{PHONE}です。婚姻届の提出先はどこ": "M0021",
    "粗大ごみはどうやって出せばいいですか？": "M0001",  # the entry's own question
    "手続き": "M0013",  # one vague word
    "   ": "M0001",
    "ペットの登録": "NOPE",
    "数字のID": 12,
    "長い" * 60: "M0001",
}


def learned_rows(url: str, columns: str) -> list[str]:
    """The learned phrasings' columns, each row joined by "|"."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(f"SELECT {columns} FROM learned_phrasings"))
            return ["|".join(str(value) for value in row) for row in rows]
    finally:
        engine.dispose()


def test_pairs_are_learned_at_once_and_counted(
    scratch_database: str,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
) -> None:
    assert main(["city", "load", str(REPO_ROOT / "demo_city")]) == 0
    before = tmp_path / "before.json"
    queries = write_json(tmp_path / "q.json", {"carpet": "カーペットを処分したい"})
    assert main(["faq", "answer", "--queries", str(queries), "--output", str(before)]) == 0
    # not answered with the large-garbage entry: the city's old chatbot knew better
    assert json.loads(before.read_text("utf-8"))["carpet"] != {
        "decision": "answer",
        "faq_ids": ["M0001"],
    }
    capsys.readouterr()

    pairs = write_json(tmp_path / "pairs.json", PAIRS)
    assert main(["faq", "learn", "--pairs", str(pairs)]) == 0
    out, err = capsys.readouterr()
    assert f"learning: {len(PAIRS)}/{len(PAIRS)} (100%)" in err
    assert (
        "2 added, 0 already known, 2 unknown FAQ id, 1 empty, 1 not learned (own_wording), "
        "1 not learned (too_long), 1 not learned (vague)"
    ) in out
    learned = learned_rows(scratch_database, "text, state, source")
    assert "カーペットを処分したい|active|import" in learned
    # masked like every citizen text; what masking replaced is not part of the wording
    assert "電話は です。婚姻届の提出先はどこ|active|import" in learned
    assert not any(PHONE in row for row in learned)

    after = tmp_path / "after.json"
    assert main(["faq", "answer", "--queries", str(queries), "--output", str(after)]) == 0
    assert json.loads(after.read_text("utf-8"))["carpet"] == {
        "decision": "answer",
        "faq_ids": ["M0001"],
    }

    assert main(["faq", "learn", "--pairs", str(pairs), "--quiet"]) == 0  # again: nothing new
    assert "0 added, 2 already known" in capsys.readouterr().out
    assert count(scratch_database, "SELECT count(*) FROM learned_phrasings") == 2


def test_a_question_may_name_several_entries(
    scratch_database: str,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
) -> None:
    """One question often has several right entries; a JSON object cannot repeat it as a key,
    so it lists them. Each (question, entry) pair is learned and counted on its own."""
    assert main(["city", "load", str(REPO_ROOT / "demo_city")]) == 0
    pairs = write_json(
        tmp_path / "pairs.json",
        {
            # moving house with a pile of garbage: the moving-in and the bulk-garbage entries
            "引っ越しの荷物をまとめて捨てたい": ["M0013", "M0005", "M0013", "NOPE"],
            "住民票を取りに行く時間がない": [],
            "コンビニで証明書": ["M0012", 7],
        },
    )
    capsys.readouterr()
    assert main(["faq", "learn", "--pairs", str(pairs), "--quiet"]) == 0
    assert "3 added, 0 already known, 3 unknown FAQ id, 0 empty" in capsys.readouterr().out
    assert sorted(learned_rows(scratch_database, "faq_id, text")) == [
        "M0005|引っ越しの荷物をまとめて捨てたい",
        "M0012|コンビニで証明書",
        "M0013|引っ越しの荷物をまとめて捨てたい",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json", "is not valid JSON"), ('["a", "b"]', "expected an object")],
)
def test_a_bad_file_is_a_clear_error(
    scratch_database: str,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    content: str,
    message: str,
) -> None:
    path = tmp_path / "pairs.json"
    path.write_text(content, encoding="utf-8")
    assert main(["faq", "learn", "--pairs", str(path)]) == 2
    assert message in capsys.readouterr().err
    assert main(["faq", "learn", "--pairs", str(tmp_path / "missing.json")]) == 2
