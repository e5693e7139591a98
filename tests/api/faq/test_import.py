"""Importing a knowledge base into the database: departments, re-import, batches, export."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.departments.models import Department
from api.departments.repository import DepartmentRepository
from api.faq.csv_format import RowError, read_faq_csv, read_faq_csv_lines, write_faq_csv
from api.faq.json_format import read_faq_json
from api.faq.models import FaqEntry
from api.faq.repository import FaqRepository
from api.faq.schemas import FaqRecord
from api.faq.service import export_records, import_faq
from tests.statements import statements_during

CORPUS = {
    "100": "Question: 保険証をなくしました\nAnswer: 再交付できます。【お問い合わせ】。市民協働局。"
    "国保年金課資格賦課担当。電話０６－１１１１－２２２２。",
    "101": "Question: 粗大ごみの出し方\nAnswer: 申込制です。"
    "【お問い合わせ】。環境局。業務課。電話０６。",
    "102": "Question: 犬の登録\nAnswer: 登録が必要です。【お問い合わせ】。健康福祉局。生活衛生課。",
    "103": "Question: 連絡先のない質問\nAnswer: 回答だけです。",
    "104": "Question: 保険料の納め方\nAnswer: 口座振替です。"
    "【お問い合わせ】。国保年金課。電話０６。",
}


def corpus_file(tmp_path: Path, corpus: dict[str, str] = CORPUS) -> Path:
    path = tmp_path / "corpus.json"
    path.write_text(json.dumps(corpus, ensure_ascii=False), encoding="utf-8")
    return path


def faq_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(FaqEntry)) or 0


def test_json_import_creates_the_departments_it_names(session: Session, tmp_path: Path) -> None:
    records, errors = read_faq_json(corpus_file(tmp_path))
    report = import_faq(session, records, errors=errors)
    assert (report.created, report.updated, report.skipped) == (5, 0, 0)
    assert report.departments_created == ["国保年金課", "業務課", "生活衛生課"]
    faq = FaqRepository(session)
    assert faq.get("100").department_code == "国保年金課"
    assert faq.get("104").department_code == "国保年金課"
    assert faq.get("103").department_code is None
    department = DepartmentRepository(session).get("業務課")
    assert department is not None and department.name == "業務課"


def test_a_department_is_found_by_code_or_name(seeded: Session) -> None:
    report = import_faq(
        seeded,
        [
            FaqRecord(id="N1", question="q", answer="a", department="ごみ減量推進課"),
            FaqRecord(id="N2", question="q", answer="a", department="roads"),
        ],
    )
    assert report.departments_created == []
    assert FaqRepository(seeded).get("N1").department_code == "waste"
    assert FaqRepository(seeded).get("N2").department_code == "roads"


def test_reimport_updates_and_never_duplicates(session: Session, tmp_path: Path) -> None:
    records, _ = read_faq_json(corpus_file(tmp_path))
    import_faq(session, records)
    departments = DepartmentRepository(session).count()
    again = import_faq(session, records)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    changed = {
        **CORPUS,
        "101": CORPUS["101"].replace("申込制です", "インターネットでも申し込めます"),
    }
    records, _ = read_faq_json(corpus_file(tmp_path, changed))
    third = import_faq(session, records)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 4)
    assert faq_count(session) == 5
    assert DepartmentRepository(session).count() == departments
    assert FaqRepository(session).get("101").answer.startswith("インターネットでも")


def test_duplicate_ids_and_unusable_departments_are_skipped_with_lines(session: Session) -> None:
    records = [
        FaqRecord(id="D1", question="q1", answer="a1"),
        FaqRecord(id="D1", question="q2", answer="a2"),
        FaqRecord(id="D2", question="q3", answer="a3", department="課" * 65),
        FaqRecord(id="D3", question="q4", answer="a4"),
    ]
    report = import_faq(
        session, records, lines=[2, 3, 5, 9], errors=[RowError(4, "unreadable row")]
    )
    assert report.created == 2
    assert [e.line for e in report.errors] == [3, 4, 5]
    assert "duplicate id 'D1' (first at line 2)" in report.errors[0].reason
    assert FaqRepository(session).get("D1").question == "q1"


def test_without_creating_departments_an_unknown_one_is_an_error(session: Session) -> None:
    report = import_faq(
        session,
        [FaqRecord(id="E1", question="q", answer="a", department="未知課")],
        create_departments=False,
    )
    assert report.created == 0 and "unknown department" in report.errors[0].reason
    assert session.get(Department, "未知課") is None


def test_a_large_import_is_batched_and_reports_progress(session: Session) -> None:
    records = [
        FaqRecord(id=f"L{i}", question=f"質問{i}", answer=f"回答{i}", department=f"課{i % 7}")
        for i in range(2_500)
    ]
    calls: list[tuple[int, int]] = []
    report = import_faq(session, records, progress=lambda d, t: calls.append((d, t)))
    assert report.created == 2_500 and len(report.departments_created) == 7
    assert calls[0] == (0, 2_500) and calls[-1] == (2_500, 2_500)
    assert len(calls) == 1 + 5  # batches of 500
    imported = {}

    def import_again() -> None:
        imported["again"] = import_faq(session, records)

    selects = statements_during(session.get_bind(), import_again, "SELECT")
    assert imported["again"].unchanged == 2_500
    assert len(selects) <= 2 + 5  # directory, ids, one per batch: not one per row


def test_csv_import_of_the_demo_city_and_export_round_trip(seeded: Session, tmp_path: Path) -> None:
    from tests.conftest import REPO_ROOT

    records, lines, errors = read_faq_csv_lines(REPO_ROOT / "demo_city" / "faq.csv")
    assert errors == []
    report = import_faq(seeded, records, lines=lines)
    assert report.created == len(records) and report.skipped == 0
    exported = tmp_path / "export.csv"
    write_faq_csv(exported, export_records(seeded))
    back, back_errors = read_faq_csv(exported)
    assert back_errors == []
    assert back == export_records(seeded)
    assert import_faq(seeded, back).unchanged == len(back)
