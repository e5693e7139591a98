"""The survey service on its own: once per case, answers recorded once, expiry, declining,
and which survey takes a sender's typed answers."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.cases.models import CaseEvent
from api.survey import messages, payload
from api.survey.models import CaseSurvey, SurveyStep
from api.survey.service import SURVEY_LIFETIME, active_survey, handle_message, start_survey
from tests.api.survey.conftest import WEB_SENDER, OpenCase

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=timezone.utc)


def texts(answer: list | None) -> list[str] | None:
    return None if answer is None else [m.text for m in answer]


def survey_of(session: Session, case_id: int) -> CaseSurvey:
    return session.scalars(select(CaseSurvey).where(CaseSurvey.case_id == case_id)).one()


def event_kinds(session: Session, case_id: int) -> list[str]:
    statement = select(CaseEvent.kind).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
    return list(session.scalars(statement))


def test_start_survey_once_per_case_and_only_where_a_message_can_go(
    seeded: Session, open_for: OpenCase
) -> None:
    case = open_for("web")
    first = start_survey(seeded, case, NOW)
    assert first is not None and first.text == messages.BOT_QUESTION.format(number=case.case_number)
    assert start_survey(seeded, case, NOW) is None
    assert event_kinds(seeded, case.id).count("survey_sent") == 1

    assert start_survey(seeded, open_for("phone", sender=None), NOW) is None
    assert start_survey(seeded, open_for("web", sender=None), NOW) is None
    assert start_survey(seeded, open_for("line", sender="web:not-a-line-user"), NOW) is None
    assert start_survey(seeded, open_for("line", sender="line:U0123"), NOW) is not None


def test_the_same_answer_twice_is_recorded_once(seeded: Session, open_for: OpenCase) -> None:
    case = open_for("web")
    start_survey(seeded, case, NOW)
    tap = payload.rating(case.case_number, "bot", 3)
    assert texts(handle_message(seeded, WEB_SENDER, tap, NOW)) == [messages.STAFF_QUESTION]
    later = NOW + timedelta(minutes=1)
    assert handle_message(seeded, WEB_SENDER, tap, later) == []  # silent: no second question
    survey = survey_of(seeded, case.id)
    assert (survey.step, survey.bot_rating, survey.bot_rated_at) == ("staff", 3, NOW)
    assert event_kinds(seeded, case.id).count("survey_answered") == 1

    staff = payload.rating(case.case_number, "staff", 2)
    assert texts(handle_message(seeded, WEB_SENDER, staff, NOW)) == [messages.COMMENT_QUESTION]
    skip = payload.action(case.case_number, "skip")
    assert texts(handle_message(seeded, WEB_SENDER, skip, NOW)) == [messages.THANKS]
    assert texts(handle_message(seeded, WEB_SENDER, skip, NOW)) == [messages.ALREADY_FINISHED]
    assert survey_of(seeded, case.id).finished_at == NOW


def test_a_rating_for_a_later_question_asks_the_open_one(
    seeded: Session, open_for: OpenCase
) -> None:
    case = open_for("web")
    start_survey(seeded, case, NOW)
    number = case.case_number
    answer = handle_message(seeded, WEB_SENDER, payload.rating(number, "staff", 5), NOW)
    assert texts(answer) == [messages.BOT_QUESTION.format(number=number)]
    skip = handle_message(seeded, WEB_SENDER, payload.action(number, "skip"), NOW)
    assert texts(skip) == [messages.BOT_QUESTION.format(number=number)]
    assert survey_of(seeded, case.id).step == SurveyStep.bot.value


def test_declining_at_the_comment_keeps_the_ratings(seeded: Session, open_for: OpenCase) -> None:
    case = open_for("web")
    start_survey(seeded, case, NOW)
    handle_message(seeded, WEB_SENDER, "5", NOW)
    handle_message(seeded, WEB_SENDER, "4", NOW)
    decline = payload.action(case.case_number, "decline")
    assert texts(handle_message(seeded, WEB_SENDER, decline, NOW)) == [messages.DECLINED]
    survey = survey_of(seeded, case.id)
    assert (survey.step, survey.bot_rating, survey.staff_rating) == ("declined", 5, 4)
    assert handle_message(seeded, WEB_SENDER, "とても良かったです", NOW) is None  # the bot's
    declined = select(CaseEvent.data).where(
        CaseEvent.case_id == case.id, CaseEvent.kind == "survey_declined"
    )
    assert list(seeded.scalars(declined)) == [{"step": "comment"}]


def test_unanswered_for_fourteen_days_the_survey_expires(
    seeded: Session, open_for: OpenCase
) -> None:
    case = open_for("web")
    start_survey(seeded, case, NOW)
    handle_message(seeded, WEB_SENDER, "4", NOW)  # the bot rated: the clock starts again
    almost = NOW + SURVEY_LIFETIME - timedelta(seconds=1)
    assert active_survey(seeded, WEB_SENDER, almost) is not None

    expired_at = NOW + SURVEY_LIFETIME
    assert handle_message(seeded, WEB_SENDER, "5", expired_at + timedelta(days=3)) is None
    survey = survey_of(seeded, case.id)
    assert (survey.step, survey.staff_rating, survey.finished_at) == ("expired", None, expired_at)
    late_tap = payload.rating(case.case_number, "staff", 5)
    answer = handle_message(seeded, WEB_SENDER, late_tap, expired_at + timedelta(days=3))
    assert texts(answer) == [messages.EXPIRED.format(days=14)]


def test_typed_answers_go_to_the_newest_survey_only(seeded: Session, open_for: OpenCase) -> None:
    older, newer = open_for("web"), open_for("web")
    start_survey(seeded, older, NOW)
    start_survey(seeded, newer, NOW + timedelta(hours=1))
    later = NOW + timedelta(hours=2)
    handle_message(seeded, WEB_SENDER, "2", later)
    assert survey_of(seeded, newer.id).bot_rating == 2
    assert survey_of(seeded, older.id).bot_rating is None
    handle_message(seeded, WEB_SENDER, payload.action(newer.case_number, "decline"), later)
    # The newest is over: the older one takes its buttons, not the citizen's typing.
    assert handle_message(seeded, WEB_SENDER, "3", later) is None
    tap = payload.rating(older.case_number, "bot", 3)
    assert texts(handle_message(seeded, WEB_SENDER, tap, later)) == [messages.STAFF_QUESTION]


def test_payload_parsing() -> None:
    assert payload.parse('/survey{"case": "2026-000001", "target": "bot", "score": 4}') == (
        payload.SurveyPayload("2026-000001", target="bot", score=4)
    )
    assert payload.parse('/survey{"action": "skip", "case": "2026-000001"}').action == "skip"
    assert payload.is_survey_payload("/survey") and not payload.is_survey_payload("/surveys")
    assert not payload.is_survey_payload("アンケート/survey{}")
    assert [payload.typed_score(t) for t in ("4", "４", " 5。", "0", "6", "45", "4点")] == [
        4,
        4,
        5,
        None,
        None,
        None,
        None,
    ]
    assert payload.says_no_comment("特にありません。") and not payload.says_no_comment("なしです")
