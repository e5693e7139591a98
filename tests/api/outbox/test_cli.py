"""`madoguchi outbox deliver` and `madoguchi outbox failed`, on a database of their own."""

from __future__ import annotations

import pytest

from api.cases.service import open_case
from api.channels.base import Outgoing
from api.channels.registry import build_registry
from api.cli import main
from api.core.config import get_settings
from api.core.db import get_sessionmaker, unit_of_work
from api.departments.service import upsert_departments
from api.outbox import service as outbox
from tests.api.cases.test_service import new_case, route_to_roads
from tests.api.channels.conftest import ACCESS_TOKEN, CHANNEL_SECRET, SENDER
from tests.api.channels.line_stub import LineStub
from tests.api.conftest import demo_departments
from tests.api.test_cli import scratch_database  # noqa: F401  (fixture used by name)


def test_deliver_then_list_the_failures(
    scratch_database: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
    line_api: LineStub,
) -> None:
    monkeypatch.setenv("LINE_CHANNEL_SECRET", CHANNEL_SECRET)
    monkeypatch.setenv("LINE_CHANNEL_ACCESS_TOKEN", ACCESS_TOKEN)
    monkeypatch.setenv("LINE_API_BASE_URL", line_api.base_url)
    get_settings.cache_clear()
    assert main(["db", "upgrade"]) == 0
    channels = build_registry(get_settings(), get_sessionmaker())
    with unit_of_work() as session:
        upsert_departments(session, demo_departments())
        web, _ = open_case(
            session, new_case(idempotency_key="w"), route=route_to_roads, actor="bot"
        )
        line, _ = open_case(
            session,
            new_case(channel="line", sender_id=SENDER, idempotency_key="l"),
            route=route_to_roads,
            actor="bot",
        )
        outbox.enqueue(session, web, [Outgoing("ウェブへ")], channels=channels)
        outbox.enqueue(session, line, [Outgoing("LINEへ")], channels=channels)
    line_api.scripted.append(("/v2/bot/message/push", 403, {"message": "forbidden"}))
    capsys.readouterr()

    assert main(["outbox", "deliver"]) == 1
    assert "delivered 1, to retry later 0, failed 1" in capsys.readouterr().out
    assert main(["outbox", "deliver"]) == 0  # nothing left

    assert main(["outbox", "failed"]) == 0
    out = capsys.readouterr().out
    assert f"\t{line.case_number}\tline\t1\t" in out and "LINE HTTP 403" in out
    assert web.case_number not in out and "LINEへ" not in out
    assert "1 failed delivery" in out
