"""The FAQ CSV format: reading with bad rows reported by line, writing, round trip."""

from __future__ import annotations

from pathlib import Path

from api.faq.csv_format import (
    COLUMNS,
    EASY_COLUMNS,
    ENGLISH_COLUMNS,
    read_faq_csv,
    read_faq_csv_lines,
    write_faq_csv,
)
from api.faq.schemas import FaqRecord

HEADER = ",".join(COLUMNS)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "faq.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_rows_are_read_and_lists_split(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"{HEADER}\n"
        "A1,粗大ごみの出し方,申込制です。,waste, 粗大ゴミ | |家具を捨てたい,ごみ|申込,https://x.example/a\n",
    )
    records, errors = read_faq_csv(path)
    assert errors == []
    assert records == [
        FaqRecord(
            id="A1",
            question="粗大ごみの出し方",
            answer="申込制です。",
            department="waste",
            alternatives=["粗大ゴミ", "家具を捨てたい"],
            tags=["ごみ", "申込"],
            url="https://x.example/a",
        )
    ]


def test_malformed_rows_are_reported_with_their_line_and_skipped(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"{HEADER}\n"
        'A1,質問1,"回答は\n二行にわたる",,,,\n'  # lines 2-3
        "A2,,回答だけ,,,,\n"  # line 4: no question
        "A3,質問3,回答3,,,,,余分\n"  # line 5: too many fields
        "\n"  # line 6: blank, ignored
        "A4,質問4\n"  # line 7: too few fields
        f"{'X' * 65},質問5,回答5,,,,\n"  # line 8: id too long
        "A6,質問6,回答6,,,,\n",  # line 9
    )
    records, lines, errors = read_faq_csv_lines(path)
    assert [r.id for r in records] == ["A1", "A6"]
    assert lines == [2, 9]
    assert records[0].answer == "回答は\n二行にわたる"
    assert [e.line for e in errors] == [4, 5, 7, 8]
    assert "question" in errors[0].reason
    assert "more" in errors[1].reason and "fewer" in errors[2].reason
    assert "id" in errors[3].reason


def test_missing_required_columns_are_one_error(tmp_path: Path) -> None:
    records, errors = read_faq_csv(write(tmp_path, "id,question\nA1,質問\n"))
    assert records == [] and errors[0].line == 1 and "answer" in errors[0].reason


def test_an_empty_file_is_an_error(tmp_path: Path) -> None:
    records, errors = read_faq_csv(write(tmp_path, ""))
    assert records == [] and errors[0].line == 1


def test_export_reads_back_as_the_same_entries(tmp_path: Path) -> None:
    entries = [
        FaqRecord(
            id="B1",
            question='「引用符」や "quotes", カンマ',
            answer="一行目\n二行目、カンマ,あり",
            department="市民課",
            alternatives=["言い換え1", "言い換え2"],
            tags=["タグ"],
            url="https://x.example/b",
        ),
        FaqRecord(id="B2", question="質問", answer="回答"),
    ]
    path = tmp_path / "out.csv"
    assert write_faq_csv(path, entries) == 2
    text = path.read_text(encoding="utf-8")
    columns = ",".join((*ENGLISH_COLUMNS, *EASY_COLUMNS))
    assert text.startswith(f"{HEADER},{columns}\n") and "\r" not in text
    records, errors = read_faq_csv(path)
    assert errors == [] and records == entries


def test_a_separator_inside_an_element_does_not_split_it(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    write_faq_csv(path, [FaqRecord(id="C", question="q", answer="a", tags=["a|b"])])
    records, _ = read_faq_csv(path)
    assert records[0].tags == ["a｜b"]


def test_english_columns_are_read_written_and_optional(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"{HEADER},{','.join(ENGLISH_COLUMNS)}\n"
        "E1,粗大ごみの出し方,申込制です。,waste,,,,"
        'How do I put out large garbage?,"Apply first.\nThen buy a ticket."\n'
        "E2,住民票,市民課で。,residents,,,,,\n",
    )
    records, errors = read_faq_csv(path)
    assert errors == []
    assert (records[0].question_en, records[0].answer_en) == (
        "How do I put out large garbage?",
        "Apply first.\nThen buy a ticket.",
    )
    assert (records[1].question_en, records[1].answer_en) == (None, None)
    out = tmp_path / "out.csv"
    write_faq_csv(out, records)
    assert read_faq_csv(out) == (records, [])
    # a city's older export without the English columns still reads
    old = write(tmp_path, "id,question,answer\nO1,質問,回答\n")
    (record,), _ = read_faq_csv(old)
    assert record.question_en is None and record.answer_en is None


def test_the_easy_japanese_answer_is_read_written_and_optional(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"{HEADER},{','.join((*ENGLISH_COLUMNS, *EASY_COLUMNS))}\n"
        "Y1,粗大ごみの出し方,申込制です。,waste,,,,,,"
        '"まず もうしこみます。\nつぎに 券を かいます。"\n'
        "Y2,住民票,市民課で。,residents,,,,,, \n",
    )
    records, errors = read_faq_csv(path)
    assert errors == []
    assert records[0].answer_easy == "まず もうしこみます。\nつぎに 券を かいます。"
    assert records[1].answer_easy is None  # a blank cell: no easy answer
    out = tmp_path / "out.csv"
    write_faq_csv(out, records)
    assert read_faq_csv(out) == (records, [])
    # an export from before the column still reads
    english_only = write(tmp_path, f"{HEADER},{','.join(ENGLISH_COLUMNS)}\nO1,質問,回答,,,,,,\n")
    (record,), _ = read_faq_csv(english_only)
    assert record.answer_easy is None
