from __future__ import annotations

import copy
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from actions import messages
from api.cases.models import Case
from tests.actions.payloads import action_call, loop_event, slot_event, slots_in, user_event


def run(client: TestClient, payload: dict) -> dict:
    response = client.post("/webhook", json=payload)
    assert response.status_code == 200, response.text
    return response.json()


def test_report_description_with_a_place_fills_the_location(
    client: TestClient, seeded: Session
) -> None:
    text = "中央公園のすべり台が壊れています"
    events = [user_event(text, "report_problem"), slot_event("case_description", text)]
    result = run(client, action_call("validate_report_form", events=events))
    slots = slots_in(result)
    assert slots["case_description"] == text
    assert "中央公園" in slots["case_location"]


def test_too_short_description_is_asked_again(client: TestClient, seeded: Session) -> None:
    events = [user_event("穴", "report_problem"), slot_event("case_description", "穴")]
    result = run(client, action_call("validate_report_form", events=events))
    assert slots_in(result)["case_description"] is None
    assert result["responses"][0]["text"] == messages.DESCRIPTION_TOO_SHORT


@pytest.mark.parametrize(
    "text",
    ["職員と話したいです", "担当の方と直接お話しできますか", "担当者にご相談したいです"],
)
def test_a_bare_request_for_a_person_asks_what_it_is_about(
    client: TestClient, seeded: Session, text: str
) -> None:
    events = [user_event(text, "request_human"), slot_event("case_description", text)]
    result = run(client, action_call("validate_human_form", events=events))
    assert slots_in(result)["case_description"] is None


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("不要です", "不要"),
        ("連絡は不要です", "不要"),
        ("いりません", "不要"),
        ("090-1234-5678", "090-1234-5678"),
        ("電話は０９０－１２３４－５６７８です", "０９０－１２３４－５６７８"),
        ("taro@example.jp にお願いします", "taro@example.jp"),
        ("あとで", None),
    ],
)
def test_contact_is_validated(
    client: TestClient, seeded: Session, answer: str, expected: str | None
) -> None:
    events = [user_event(answer, "faq_question"), slot_event("case_contact", answer)]
    result = run(
        client, action_call("validate_report_form", events=events, active_loop="report_form")
    )
    assert slots_in(result)["case_contact"] == expected
    if expected is None:
        assert result["responses"][0]["text"] == messages.CONTACT_INVALID


def _completed_report() -> dict:
    events = [
        user_event("緑町3丁目の交差点の道路に穴があいています", "report_problem"),
        loop_event("report_form"),
        user_event("090-1234-5678", "faq_question"),
        loop_event(None),
    ]
    slots = {
        "case_description": "緑町3丁目の交差点の道路に穴があいています",
        "case_location": "緑町3丁目の交差点",
        "case_contact": "090-1234-5678",
    }
    return action_call("action_open_case", "web:citizen-1", events=events, slots=slots)


def test_a_completed_report_opens_one_case_even_when_called_twice(
    client: TestClient, seeded: Session, auth: dict[str, str]
) -> None:
    payload = _completed_report()
    first = run(client, payload)
    second = run(client, payload)  # Rasa retrying the same action
    assert first["responses"] == second["responses"]
    reply = first["responses"][0]["text"]
    assert "道路維持課" in reply
    assert re.search(r"受付番号は \d{4}-\d{6} です", reply)
    number = slots_in(first)["last_case_number"]
    assert number in reply
    assert seeded.scalar(select(func.count()).select_from(Case)) == 1

    case = client.get(f"/api/v1/cases/{number}", headers=auth).json()
    assert case["department"] == "roads"
    assert case["channel"] == "web" and case["kind"] == "report"
    assert case["contact"] == "090-1234-5678"
    assert case["location"] == "緑町3丁目の交差点"
    assert all(s["label"] in {"PLACE", "FACILITY", "DATE"} for s in case["entities"])
    assert slots_in(first)["case_description"] is None  # ready for the next conversation


def test_the_last_answer_sent_again_after_a_lost_save_opens_one_case(
    client: TestClient, seeded: Session
) -> None:
    """A Rasa replica died after the case was opened but before it saved the conversation:
    the citizen's answer, sent again, reaches another replica as a new message (a new id)
    after the same start of the form."""
    report = _completed_report()
    first = run(client, report)
    again = copy.deepcopy(report)
    resent = user_event("090-1234-5678", "faq_question")  # the same answer, a new id
    again["tracker"]["events"][2] = resent
    again["tracker"]["latest_message"] = resent["parse_data"]
    second = run(client, again)
    assert slots_in(first)["last_case_number"] == slots_in(second)["last_case_number"]
    assert seeded.scalar(select(func.count()).select_from(Case)) == 1


def test_a_second_report_in_the_conversation_opens_a_second_case(
    client: TestClient, seeded: Session
) -> None:
    first = _completed_report()
    run(client, first)
    later = _completed_report()
    later["tracker"]["events"] = first["tracker"]["events"] + later["tracker"]["events"]
    second = run(client, later)
    assert slots_in(second)["last_case_number"]
    assert seeded.scalar(select(func.count()).select_from(Case)) == 2


def test_a_failing_service_gives_an_apology_and_no_case(
    client: TestClient, seeded: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr("actions.cases.open_case", broken)
    result = run(client, _completed_report())
    assert result["responses"][0]["text"] == messages.APOLOGY
    assert seeded.scalar(select(func.count()).select_from(Case)) == 0


def _ask(client: TestClient, sender: str, said: str) -> str:
    asked = user_event(said, "ask_case_status")
    result = run(client, action_call("action_case_status", sender, events=[asked]))
    return result["responses"][0]["text"]


def test_status_of_a_case_for_the_conversation_that_opened_it(
    client: TestClient, seeded: Session
) -> None:
    opened = run(client, _completed_report())
    number = slots_in(opened)["last_case_number"]
    code = re.search(r"確認コードは (\d{6}) です", opened["responses"][0]["text"]).group(1)
    case = seeded.scalar(select(Case).where(Case.case_number == number))
    assert case.access_code == code

    reply = _ask(client, "web:citizen-1", f"受付番号 {number} の状況は？")
    assert number in reply and "受付済み" in reply and "道路維持課" in reply
    assert "090-1234-5678" not in reply  # nothing personal, even to the owner

    no_number = _ask(client, "web:citizen-1", "問い合わせの状況を知りたい")
    assert no_number == messages.ASK_CASE_NUMBER


def _resolved_case(client: TestClient, seeded: Session, auth: dict[str, str]) -> tuple[str, str]:
    number = slots_in(run(client, _completed_report()))["last_case_number"]
    message = "山田様、本日補修しました。連絡先 090-1234-5678 の件は完了です。"
    resolved = client.post(
        f"/api/v1/cases/{number}/status",
        json={"status": "resolved", "message": message, "survey": False},
        headers=auth,
    )
    assert resolved.status_code == 200, resolved.text
    return number, resolved.json()["access_code"]


def test_a_stranger_with_the_number_is_told_nothing_private(
    client: TestClient, seeded: Session, auth: dict[str, str]
) -> None:
    number, _ = _resolved_case(client, seeded, auth)
    owner = _ask(client, "web:citizen-1", f"受付番号 {number} の状況は？")
    assert "担当課より: 山田様、本日補修しました" in owner  # the city's message, for the owner

    for stranger in ("web:someone-else", "line:U0000000000"):
        reply = _ask(client, stranger, f"受付番号 {number} の状況は？")
        assert reply == messages.STATUS_NEEDS_CODE.format(number=number)
        assert "対応が完了" not in reply and "道路維持課" not in reply and "山田" not in reply
    # A case that does not exist gets the same answer: the number reveals nothing either.
    assert _ask(client, "web:someone-else", "2026-999999はどうなりましたか") == (
        messages.STATUS_NEEDS_CODE.format(number="2026-999999")
    )


def test_the_access_code_opens_the_status_from_elsewhere(
    client: TestClient, seeded: Session, auth: dict[str, str]
) -> None:
    number, code = _resolved_case(client, seeded, auth)
    wide = code.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    reply = _ask(client, "line:U0000000000", f"受付番号 {number} 確認コード {wide}")
    assert "対応が完了しました" in reply and "担当課より: 山田様" in reply

    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert _ask(client, "web:x", f"{number} {wrong}") == messages.STATUS_WRONG_CODE.format(
        number=number
    )
    assert _ask(client, "web:x", f"2026-999999 {code}") == messages.STATUS_WRONG_CODE.format(
        number="2026-999999"
    )


def test_a_run_of_wrong_codes_stops_lookups_by_code(
    client: TestClient, seeded: Session, auth: dict[str, str]
) -> None:
    from api.cases.access import MAX_CODE_FAILURES

    number, code = _resolved_case(client, seeded, auth)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(MAX_CODE_FAILURES):
        assert "組み合わせを確認できませんでした" in _ask(client, "web:x", f"{number} {wrong}")
    locked = messages.STATUS_CODE_LOCKED.format(number=number)
    assert _ask(client, "web:x", f"{number} {code}") == locked  # even the right code now
    assert "対応が完了" in _ask(client, "web:citizen-1", f"{number}の状況")  # the owner still can


def test_an_inquiry_from_a_question_is_linked_to_it(client: TestClient, seeded: Session) -> None:
    from api.feedback.models import BotAnswer

    question = "市営住宅の家賃の減免制度について"
    asked = user_event(question)
    offered = run(client, action_call("action_answer_faq", "web:citizen-2", events=[asked]))
    key = slots_in(offered)["question_key"]
    events = [asked, loop_event("inquiry_form"), user_event("不要"), loop_event(None)]
    slots = {"case_description": question, "case_contact": "不要", "question_key": key}
    opened = run(
        client, action_call("action_open_case", "web:citizen-2", events=events, slots=slots)
    )
    case = seeded.scalar(select(Case))
    assert seeded.scalar(select(BotAnswer.case_id).where(BotAnswer.message_key == key)) == case.id
    assert slots_in(opened)["question_key"] is None  # not carried into the next case


def test_only_rasa_runs_actions_when_the_action_token_is_set(
    client: TestClient, seeded: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.core.config import get_settings

    monkeypatch.setenv("ACTION_ENDPOINT_TOKEN", "action-token-for-this-test")
    get_settings.cache_clear()
    try:
        payload = _completed_report()
        for query in ("", "?token=guessed"):
            refused = client.post(f"/webhook{query}", json=payload)
            assert refused.status_code == 401, query
        assert seeded.scalar(select(func.count()).select_from(Case)) == 0
        accepted = client.post("/webhook?token=action-token-for-this-test", json=payload)
        assert accepted.status_code == 200
        assert "受付番号は" in accepted.json()["responses"][0]["text"]
    finally:
        get_settings.cache_clear()
