"""`madoguchi cases auto-close`: cases waiting for the citizen with no change for N calendar
days are resolved by the system, the citizen is told, and no survey is ever asked."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from api.cases.auto_close import auto_close, cutoff, due
from api.cases.models import Case, CaseStatus
from api.cases.numbering import JAPAN
from api.cases.service import open_case
from api.channels.registry import ChannelRegistry, build_registry
from api.cli import main
from api.core.config import Settings
from api.core.db import unit_of_work
from api.core.types import utcnow
from api.departments.service import upsert_departments
from api.i18n import translate
from tests.api.cases.test_service import new_case, route_to_roads
from tests.api.channels.line_stub import LineStub
from tests.api.conftest import demo_departments
from tests.api.survey.conftest import SENDER, WEB_SENDER, OpenCase
from tests.api.survey.helpers import outbox, surveys
from tests.api.test_cli import scratch_database  # noqa: F401  (fixture used by name)


def no_line(factory: sessionmaker[Session]) -> ChannelRegistry:
    return build_registry(Settings(LINE_CHANNEL_SECRET="", LINE_CHANNEL_ACCESS_TOKEN=""), factory)


NOW = datetime(2026, 11, 27, 10, 0, tzinfo=JAPAN)


def waiting_since(session: Session, case: Case, since: datetime, status: str) -> Case:
    case.status = status
    case.updated_at = since
    session.commit()
    return case


def test_cutoff_counts_calendar_days_in_japan_time(seeded: Session, open_for: OpenCase) -> None:
    assert cutoff(7, NOW) == datetime(2026, 11, 21, 0, 0, tzinfo=JAPAN)
    last_evening = waiting_since(
        seeded, open_for("web"), datetime(2026, 11, 20, 23, 59, tzinfo=JAPAN), "waiting_citizen"
    )
    next_morning = waiting_since(
        seeded, open_for("web"), datetime(2026, 11, 21, 0, 1, tzinfo=JAPAN), "waiting_citizen"
    )
    assert due(seeded, 7, NOW) == [last_evening.case_number]
    assert next_morning.case_number in due(seeded, 6, NOW)


def test_auto_close_resolves_stale_waiting_cases_without_a_survey(
    seeded: Session,
    open_for: OpenCase,
    session_factory: sessionmaker[Session],
    line_app: FastAPI,
    line_api: LineStub,
) -> None:
    long_ago = NOW - timedelta(days=10)
    web = waiting_since(seeded, open_for("web"), long_ago, "waiting_citizen")
    line = waiting_since(seeded, open_for("line", sender=SENDER), long_ago, "waiting_citizen")
    phone = waiting_since(seeded, open_for("phone", sender=None), long_ago, "waiting_citizen")
    recent = waiting_since(
        seeded, open_for("web", sender="web:recent"), NOW - timedelta(days=2), "waiting_citizen"
    )
    working = waiting_since(seeded, open_for("web", sender="web:working"), long_ago, "in_progress")

    report = asyncio.run(
        auto_close(
            session_factory,
            waiting_days=7,
            now=NOW,
            channels=build_registry(line_app.state.settings, session_factory),
        )
    )
    assert sorted(report.closed) == sorted([web.case_number, line.case_number, phone.case_number])
    assert report.failed == []

    with session_factory() as session:
        for case in (web, line, phone):
            closed = session.get(Case, case.id)
            assert closed.status == CaseStatus.resolved.value
            assert closed.resolution_message == translate(
                "ja", "auto_close.notice", number=case.case_number, days=7
            )
            kinds = [(e.kind, e.actor) for e in closed.events]
            assert ("status_changed", "system") in kinds
            assert not any(kind.startswith("survey") for kind, _ in kinds)
            assert surveys(session_factory, case.id) == []
        assert session.get(Case, recent.id).status == CaseStatus.waiting_citizen.value
        assert session.get(Case, working.id).status == CaseStatus.in_progress.value

    [notice] = outbox(session_factory, WEB_SENDER)
    assert notice.author == "bot" and notice.buttons == []
    assert "7日間ご連絡がなかったため" in notice.body
    [push] = line_api.pushes
    assert push.json["messages"] == [
        {
            "type": "text",
            "text": translate("ja", "auto_close.notice", number=line.case_number, days=7),
        }
    ]
    assert line_api.errors == []
    assert outbox(session_factory, "web:recent") == []

    # Run again: nothing left to close.
    again = asyncio.run(
        auto_close(
            session_factory,
            waiting_days=7,
            now=NOW,
            channels=build_registry(line_app.state.settings, session_factory),
        )
    )
    assert again.closed == [] and again.failed == []


def test_a_case_that_cannot_be_told_stays_open(
    seeded: Session, open_for: OpenCase, session_factory: sessionmaker[Session]
) -> None:
    line = waiting_since(
        seeded, open_for("line", sender=SENDER), NOW - timedelta(days=9), "waiting_citizen"
    )
    web = waiting_since(seeded, open_for("web"), NOW - timedelta(days=9), "waiting_citizen")
    report = asyncio.run(
        auto_close(session_factory, waiting_days=7, now=NOW, channels=no_line(session_factory))
    )
    assert report.closed == [web.case_number]
    [(number, reason)] = report.failed
    assert number == line.case_number and "LINE" in reason
    with session_factory() as session:
        assert session.get(Case, line.id).status == CaseStatus.waiting_citizen.value


def test_cli_auto_close(
    scratch_database: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    monkeypatch.delenv("LINE_CHANNEL_SECRET", raising=False)
    assert main(["db", "upgrade"]) == 0
    with unit_of_work() as session:
        upsert_departments(session, demo_departments())
        stale, _ = open_case(session, new_case(), route=route_to_roads, actor="bot")
        fresh, _ = open_case(session, new_case(), route=route_to_roads, actor="bot")
        stale.status = fresh.status = CaseStatus.waiting_citizen.value
        stale.updated_at = utcnow() - timedelta(days=15)
    capsys.readouterr()

    assert main(["cases", "auto-close", "--waiting-days", "14", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"would close {stale.case_number}" in out and fresh.case_number not in out

    assert main(["cases", "auto-close", "--waiting-days", "14"]) == 0
    out = capsys.readouterr().out
    assert f"closed {stale.case_number}" in out and "auto-closed 1 case(s)" in out
    engine = create_engine(scratch_database)
    with engine.connect() as connection:
        statuses = dict(connection.execute(text("SELECT case_number, status FROM cases")).all())
        asked = connection.execute(text("SELECT count(*) FROM case_surveys")).scalar_one()
    engine.dispose()
    assert statuses == {stale.case_number: "resolved", fresh.case_number: "waiting_citizen"}
    assert asked == 0

    with pytest.raises(SystemExit):
        main(["cases", "auto-close", "--waiting-days", "0"])
