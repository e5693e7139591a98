"""The JSON FAQ form {id: "Question: …\\nAnswer: …"} and the contact-section department."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.faq.json_format import parse_department, parse_entry_text, read_faq_json

CONTACT = (
    "【お問い合わせ】。市民協働局市民サービス部。国保年金課資格賦課担当。"
    "中央町１丁目２３－１。電話０６－１２３４－５６７８。"
)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (f"■保険証は再交付できます。＜改＞。{CONTACT}", "国保年金課"),
        (
            "本文。【お問い合わせ】。健康福祉局。南部保健福祉センター地域保健課。電話０６。",
            "南部保健福祉センター地域保健課",
        ),
        (
            "本文。【お問い合わせ】。資産統括局税務管理部。市民税課（個人担当）。電話０６。",
            "市民税課",
        ),
        (
            "本文。【お問い合わせ】。こども青少年本部事務局児童課。栗山町２丁目２５番１号。",
            "児童課",
        ),
        (
            "本文。【お問い合わせ】。中央図書館。北城内２７。電話０６－６４８２－４２２３。",
            "中央図書館",
        ),
        ("本文。【問い合わせ先】。環境部環境保全課。電話０６。", "環境保全課"),
        ("本文だけで問い合わせ先がない。", None),
        ("本文。【お問い合わせ】。電話０６－６３７５－５６３９。", None),
    ],
)
def test_department_is_read_from_the_contact_section(answer: str, expected: str | None) -> None:
    assert parse_department(answer) == expected


def test_no_city_specific_rule_unless_asked() -> None:
    answer = "本文。【お問い合わせ】。みどり野市コールセンター。電話０９９。"
    assert parse_department(answer) == "みどり野市コールセンター"
    assert parse_department(answer, ["みどり野市"]) == "コールセンター"


def test_entry_text_is_split() -> None:
    question, answer, department = parse_entry_text(
        "7", f"Question: 保険証をなくしました。\nAnswer: 再交付できます。{CONTACT}\n"
    )
    assert question == "保険証をなくしました。"
    assert answer.startswith("再交付できます。") and department == "国保年金課"


def test_file_keeps_ids_and_reports_bad_entries(tmp_path: Path) -> None:
    path = tmp_path / "corpus.json"
    path.write_text(
        json.dumps(
            {
                "10": f"Question: 保険証をなくした\nAnswer: 再交付します。{CONTACT}",
                "11": "Question: 連絡先のない質問\nAnswer: 回答だけです。",
                "12": "Question: 回答がない\nAnswer: ",
                "13": 42,
                "14": {
                    "question": "形式2",
                    "answer": "回答",
                    "department": "市民課",
                    "tags": ["t"],
                },
            },
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )
    records, errors = read_faq_json(path)
    assert [(r.id, r.department) for r in records] == [
        ("10", "国保年金課"),
        ("11", None),
        ("14", "市民課"),
    ]
    assert records[2].tags == ["t"]
    assert [e.line for e in errors] == [4, 5]
    assert "'12'" in errors[0].reason and "answer" in errors[0].reason
    assert "'13'" in errors[1].reason


def test_invalid_json_is_one_error_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{\n "1": "Question: a\\nAnswer: b",\n oops\n}', encoding="utf-8")
    records, errors = read_faq_json(path)
    assert records == [] and errors[0].line == 3


def test_a_list_is_not_the_form(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text("[]", encoding="utf-8")
    assert read_faq_json(path)[1][0].reason.startswith("expected a JSON object")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("みどり野市コールセンター", "コールセンター"),
        ("みどり野市保健所", "保健所"),
        ("みどり野市営住宅管理センター", "みどり野市営住宅管理センター"),
        ("みどり野市立消費生活センター", "みどり野市立消費生活センター"),
        ("みどり野市民まつり協議会事務局", "みどり野市民まつり協議会事務局"),
    ],
)
def test_a_city_prefix_is_removed_only_before_a_word_of_its_own(name: str, expected: str) -> None:
    answer = f"本文。【お問い合わせ】。{name}。電話０９９。"
    assert parse_department(answer, ["みどり野市"]) == expected


def test_each_entry_has_the_line_of_its_key(tmp_path: Path) -> None:
    from api.faq.json_format import read_faq_json_lines

    path = tmp_path / "c.json"
    path.write_text(
        '{\n "a": "Question: q1\\nAnswer: a1",\n\n "b": "Question: q2\\nAnswer: a2"\n}', "utf-8"
    )
    records, lines, errors = read_faq_json_lines(path)
    assert [r.id for r in records] == ["a", "b"] and lines == [2, 4] and errors == []


def test_an_object_entry_may_carry_english_text(tmp_path: Path) -> None:
    path = tmp_path / "english.json"
    entry = {
        "question": "粗大ごみ",
        "answer": "申込制です。",
        "question_en": "Oversized garbage",
        "answer_en": "Apply first.",
    }
    path.write_text(json.dumps({"E1": entry}, ensure_ascii=False), encoding="utf-8")
    (record,), errors = read_faq_json(path)
    assert errors == []
    assert (record.question_en, record.answer_en) == ("Oversized garbage", "Apply first.")


def test_the_easy_japanese_answer_of_an_object_entry_is_read(tmp_path: Path) -> None:
    path = tmp_path / "easy.json"
    entry = {
        "question": "粗大ごみ",
        "answer": "申込制です。",
        "answer_easy": "まず もうしこみます。",
    }
    path.write_text(json.dumps({"Y1": entry}, ensure_ascii=False), encoding="utf-8")
    (record,), errors = read_faq_json(path)
    assert errors == [] and record.answer_easy == "まず もうしこみます。"
    assert record.model_dump(exclude={"id"})["answer_easy"] == "まず もうしこみます。"  # the export
