"""The same answer delivered by several workers at once (LINE redelivering while the first
delivery is still being handled, a double tap): recorded once, one next question. Real
commits, on SQLite and on PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

from sqlalchemy import func, select

from api.cases.models import CaseEvent
from api.cases.service import open_case
from api.core.db import unit_of_work
from api.survey import messages, payload
from api.survey.models import CaseSurvey
from api.survey.service import handle_message, start_survey
from tests.api.cases.test_concurrency import _prepare
from tests.api.cases.test_service import new_case, route_to_roads

WORKERS = 6
NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)


def test_concurrent_deliveries_of_one_answer_move_the_survey_once(
    fresh_database_url: str,
) -> None:
    factory = _prepare(fresh_database_url)
    with unit_of_work(factory) as session:
        case, _ = open_case(session, new_case(), route=route_to_roads, actor="bot", now=NOW)
        start_survey(session, case, NOW)
        number, sender, case_id = case.case_number, case.sender_id or "", case.id
    tap = payload.rating(number, "bot", 4)

    def deliver(_: int) -> list[str | None]:
        with unit_of_work(factory) as session:
            return [m.text for m in handle_message(session, sender, tap, NOW) or []]

    with ThreadPoolExecutor(WORKERS) as pool:
        answers = list(pool.map(deliver, range(WORKERS)))
    assert sorted(answers, key=len) == [[]] * (WORKERS - 1) + [[messages.STAFF_QUESTION]]
    with unit_of_work(factory) as session:
        survey = session.scalars(select(CaseSurvey)).one()
        assert (survey.step, survey.bot_rating) == ("staff", 4)
        answered = select(func.count()).where(
            CaseEvent.case_id == case_id, CaseEvent.kind == "survey_answered"
        )
        assert session.scalar(answered) == 1
