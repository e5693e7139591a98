from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy.orm import Session

from api.cases import service
from api.cases.models import CaseKind, CaseStatus
from api.cases.numbering import find_case_number
from api.cases.schemas import NewCase
from api.core.errors import AppError, ConflictError, NotFoundError
from api.routing import RoutingDecision
from api.staff.auth import StaffPrincipal

ADMIN = StaffPrincipal(name="admin", role="admin")
ROADS_ONLY = StaffPrincipal(name="road-staff", role="staff", departments=frozenset({"roads"}))


def route_to_roads(_: str) -> RoutingDecision:
    return RoutingDecision(
        department="roads", confidence=0.8, alternatives=[("waste", 0.15), ("general", 0.05)]
    )


def new_case(**overrides: object) -> NewCase:
    values: dict[str, object] = {
        "kind": CaseKind.report,
        "channel": "web",
        "sender_id": "web:abc",
        "description": "緑町3丁目の道路に穴があいています",
        "location": "緑町3丁目",
        "contact": "090-1234-5678",
    }
    values.update(overrides)
    return NewCase.model_validate(values)


def test_open_case_routes_numbers_and_records_history(seeded: Session) -> None:
    now = datetime(2026, 5, 1, 3, 0, tzinfo=timezone.utc)
    case, created = service.open_case(
        seeded, new_case(), route=route_to_roads, actor="bot", now=now
    )
    assert created
    assert case.case_number == "2026-000001"
    assert case.department_code == "roads"
    assert case.routing_confidence == pytest.approx(0.8)
    assert [a["department"] for a in case.routing_alternatives] == ["waste", "general"]
    assert case.status == CaseStatus.new.value
    assert [e.kind for e in case.events] == ["created"]

    second, _ = service.open_case(
        seeded, new_case(sender_id="web:other"), route=route_to_roads, actor="bot", now=now
    )
    assert second.case_number == "2026-000002"


def test_case_number_year_is_japan_time(seeded: Session) -> None:
    # 2026-12-31 15:30 UTC is already 2027-01-01 00:30 in Japan.
    new_year = datetime(2026, 12, 31, 15, 30, tzinfo=timezone.utc)
    case, _ = service.open_case(seeded, new_case(), route=route_to_roads, actor="bot", now=new_year)
    assert case.case_number == "2027-000001"


def test_same_idempotency_key_returns_the_first_case(seeded: Session) -> None:
    first, created_first = service.open_case(
        seeded, new_case(idempotency_key="rasa:web:abc:m1"), route=route_to_roads, actor="bot"
    )
    again, created_again = service.open_case(
        seeded, new_case(idempotency_key="rasa:web:abc:m1"), route=route_to_roads, actor="bot"
    )
    assert created_first and not created_again
    assert again.id == first.id


def test_declined_contact_is_not_stored(seeded: Session) -> None:
    case, _ = service.open_case(
        seeded,
        new_case(contact="090-1234-5678", contact_declined=True),
        route=route_to_roads,
        actor="bot",
    )
    assert case.contact is None and case.contact_declined


def test_explicit_department_must_exist(seeded: Session) -> None:
    with pytest.raises(NotFoundError):
        service.open_case(seeded, new_case(department="nope"), route=route_to_roads, actor="bot")


def test_transfer_keeps_history_and_counts(seeded: Session) -> None:
    case, _ = service.open_case(seeded, new_case(), route=route_to_roads, actor="bot")
    service.transfer_case(seeded, ADMIN, case.case_number, "waste", "不法投棄のため")
    service.transfer_case(seeded, ADMIN, case.case_number, "general", "所管が不明")
    assert case.department_code == "general"
    assert case.transfer_count == 2
    transfers = [e.data for e in case.events if e.kind == "transferred"]
    assert transfers == [
        {"before": "roads", "after": "waste", "reason": "不法投棄のため"},
        {"before": "waste", "after": "general", "reason": "所管が不明"},
    ]
    with pytest.raises(ConflictError):
        service.transfer_case(seeded, ADMIN, case.case_number, "general", "同じ課")


def test_status_transitions(seeded: Session) -> None:
    case, _ = service.open_case(seeded, new_case(), route=route_to_roads, actor="bot")
    number = case.case_number
    with pytest.raises(AppError):  # resolving needs a message for the citizen
        service.change_status(seeded, ADMIN, number, CaseStatus.resolved, None)
    service.change_status(seeded, ADMIN, number, CaseStatus.in_progress, None)
    with pytest.raises(ConflictError):
        service.change_status(seeded, ADMIN, number, CaseStatus.in_progress, None)
    service.change_status(seeded, ADMIN, number, CaseStatus.resolved, "補修しました")
    assert case.resolved_at is not None and case.resolution_message == "補修しました"
    with pytest.raises(ConflictError):  # resolved cases are reopened, not moved elsewhere
        service.change_status(seeded, ADMIN, number, CaseStatus.waiting_citizen, None)
    service.change_status(seeded, ADMIN, number, CaseStatus.in_progress, None)
    assert case.resolved_at is None


def test_department_staff_cannot_see_other_departments(seeded: Session) -> None:
    case, _ = service.open_case(
        seeded, new_case(department="waste"), route=route_to_roads, actor="bot"
    )
    with pytest.raises(NotFoundError):
        service.get_case(seeded, ROADS_ONLY, case.case_number)
    with pytest.raises(NotFoundError):
        service.comment_case(seeded, ROADS_ONLY, case.case_number, "見えないはず")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("受付番号 2026-000123 の状況は？", "2026-000123"),
        ("２０２６－０００１２３はどうなりましたか", "2026-000123"),
        ("2026ー000123", "2026-000123"),
        ("２０２６ー０００１２３の件", "2026-000123"),  # an IME's long vowel mark as the dash
        ("2026 ― 000123", "2026-000123"),
        ("2026‐000123", "2026-000123"),
        ("番号は2025-004512です", "2025-004512"),
        ("電話は000-210-1234です", None),
        ("12026-0001234", None),
        ("状況を知りたい", None),
    ],
)
def test_find_case_number(text: str, expected: str | None) -> None:
    assert find_case_number(text) == expected


def test_a_point_and_urgency_are_kept(seeded: Session) -> None:
    case, _ = service.open_case(
        seeded,
        new_case(latitude=34.7335, longitude=135.4066, urgent=True),
        route=route_to_roads,
        actor="bot",
    )
    assert (case.latitude, case.longitude, case.urgent) == (34.7335, 135.4066, True)
    plain, _ = service.open_case(
        seeded, new_case(idempotency_key="other"), route=route_to_roads, actor="bot"
    )
    assert (plain.latitude, plain.longitude, plain.urgent) == (None, None, False)


@pytest.mark.parametrize(
    "point", [{"latitude": 34.7}, {"longitude": 135.4}, {"latitude": 91.0, "longitude": 0.0}]
)
def test_half_a_point_or_out_of_range_is_refused(point: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        new_case(**point)
