"""「もう報告されていませんか？」: a report with a point is first offered the open cases of its
department nearby (kind, distance, date, status only); 「同じものです」 adds it to that case,
「別の件です」 opens it as usual."""

from __future__ import annotations

import json
import math

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from actions import messages
from api.cases.models import Case, CaseEvent, CaseKind, CaseStatus
from api.cases.schemas import NewCase
from api.cases.service import open_case
from tests.actions.payloads import action_call, loop_event, slots_in, user_event
from tests.actions.test_case_actions import run
from tests.api.cases.test_service import route_to_roads

LAT, LON = 35.6581, 139.7017
METRE_LAT = 1 / 111_195.0
METRE_LON = METRE_LAT / math.cos(math.radians(LAT))
ROADS_PHONE = "000-210-3001"
SECRET = "山田さんの家の前の道路に穴、電話090-1111-2222"  # another citizen's words


def _existing(session: Session, north: float, *, department: str = "roads") -> Case:
    case, _ = open_case(
        session,
        NewCase(
            kind=CaseKind.report,
            channel="line",
            sender_id="line:Uother",
            description=SECRET,
            latitude=LAT + north * METRE_LAT,
            longitude=LON,
            department=department,
        ),
        route=route_to_roads,
        actor="bot",
    )
    session.commit()
    return case


def _report(sender: str = "web:citizen-9", *answers: dict) -> dict:
    events = [
        user_event("道路に穴があいています", "report_problem"),
        loop_event("report_form"),
        user_event("/share_location", "share_location"),
        user_event("不要", "deny"),
        loop_event(None),
        *answers,
    ]
    slots = {
        "case_description": "道路に穴があいています",
        "case_location": "北緯35.6581 東経139.7017",
        "case_contact": "不要",
        "case_latitude": LAT,
        "case_longitude": LON,
    }
    return {"sender": sender, "events": events, "slots": slots}


def _call(client: TestClient, action: str, report: dict) -> dict:
    return run(
        client,
        action_call(action, report["sender"], events=report["events"], slots=report["slots"]),
    )


def _cases(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Case)) or 0


def test_nearby_open_cases_are_offered_before_opening(client: TestClient, seeded: Session) -> None:
    near = _existing(seeded, 80)
    _existing(seeded, 600)  # too far
    _existing(seeded, 30, department="waste")  # another department
    resolved = _existing(seeded, 20)
    resolved.status = CaseStatus.resolved.value
    seeded.commit()

    result = _call(client, "action_open_case", _report())
    assert _cases(seeded) == 4  # nothing opened yet
    [offer] = result["responses"]
    assert offer["text"].startswith(messages.NEARBY_OFFER)
    assert "道路維持課（約80m、" in offer["text"] and "受付済み" in offer["text"]
    assert SECRET not in offer["text"] and "090" not in offer["text"]
    assert near.case_number not in offer["text"]
    assert [b["title"] for b in offer["buttons"]] == ["同じものです", "別の件です"]
    payload = offer["buttons"][0]["payload"]
    assert payload.startswith("/same_report")
    assert json.loads(payload.removeprefix("/same_report")) == {"case_number": near.case_number}
    assert not any(e["name"] == "case_description" for e in result["events"])  # kept


def test_same_links_to_the_existing_case(client: TestClient, seeded: Session) -> None:
    near = _existing(seeded, 80)
    same = user_event(
        f'/same_report{{"case_number": "{near.case_number}"}}',
        "same_report",
        [{"entity": "case_number", "value": near.case_number}],
    )
    result = _call(client, "action_link_same_report", _report("web:citizen-9", same))
    assert _cases(seeded) == 1
    reply = result["responses"][0]["text"]
    assert near.case_number in reply and "道路維持課" in reply
    # The case is another citizen's: this one is given the department's phone to ask, not
    # told to look up a status that would ask for the other citizen's access code.
    assert "お問い合わせください" in reply and "の状況は？" not in reply
    assert ROADS_PHONE in reply
    assert slots_in(result)["last_case_number"] == near.case_number
    assert slots_in(result)["case_description"] is None
    event = seeded.scalars(select(CaseEvent).where(CaseEvent.case_id == near.id)).all()[-1]
    assert (event.kind, event.actor, event.data) == (
        "duplicate_reported",
        "citizen",
        {"channel": "web"},
    )


def test_different_opens_the_report_as_usual(client: TestClient, seeded: Session) -> None:
    _existing(seeded, 80)
    different = user_event("/different_report", "different_report")
    report = _report("web:citizen-9", different)
    first = _call(client, "action_open_case", report)
    again = _call(client, "action_open_case", report)  # Rasa retrying: still one case
    assert first["responses"] == again["responses"]
    assert "受付番号は" in first["responses"][0]["text"]
    assert _cases(seeded) == 2
    number = slots_in(first)["last_case_number"]
    opened = seeded.scalar(select(Case).where(Case.case_number == number))
    assert (opened.latitude, opened.longitude) == (LAT, LON)


def test_no_offer_without_a_point_or_nearby_case(client: TestClient, seeded: Session) -> None:
    _existing(seeded, 600)
    result = _call(client, "action_open_case", _report())
    assert "受付番号は" in result["responses"][0]["text"]
    assert _cases(seeded) == 2


def test_a_case_resolved_meanwhile_is_opened_anew(client: TestClient, seeded: Session) -> None:
    near = _existing(seeded, 80)
    near.status = CaseStatus.resolved.value
    seeded.commit()
    same = user_event(
        "/same_report", "same_report", [{"entity": "case_number", "value": near.case_number}]
    )
    result = _call(client, "action_link_same_report", _report("web:citizen-9", same))
    assert result["responses"][0]["text"] == messages.NEARBY_GONE
    assert "受付番号は" in result["responses"][1]["text"]
    assert _cases(seeded) == 2


def test_a_new_report_after_an_unanswered_offer_starts_clean(
    client: TestClient, seeded: Session
) -> None:
    """The citizen did not answer the offer and reported something else: nothing of the first
    report (its point, its answers) is carried into the second."""
    _existing(seeded, 80)
    report = _report()
    assert _call(client, "action_open_case", report)["responses"][0]["buttons"]
    report["events"].append(user_event("公園の遊具が壊れています", "report_problem"))
    slots = slots_in(_call(client, "action_prefill_case", report))
    assert slots["case_description"] == "公園の遊具が壊れています"
    for left_over in ("case_location", "case_contact", "case_latitude", "case_longitude"):
        assert slots[left_over] is None
