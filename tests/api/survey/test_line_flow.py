"""The survey on LINE, against the stub that checks the Messaging API's shapes: one push with
the resolution and the first question as quick replies, postbacks for the ratings, a double
tap and a redelivered webhook change nothing and bring no second question."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from api.survey import messages
from tests.api.channels.conftest import SENDER, USER_ID, Poster, event, text_event
from tests.api.channels.line_stub import LineStub
from tests.api.survey.conftest import FakeRasa, OpenCase
from tests.api.survey.helpers import RESOLUTION, rate, resolve, surveys


def postback(data: str, **kwargs: Any) -> dict[str, Any]:
    return event("postback", postback={"data": data}, **kwargs)


def quick_replies(message: dict[str, Any]) -> list[tuple[str, str]]:
    return [(i["action"]["label"], i["action"]["data"]) for i in message["quickReply"]["items"]]


def test_survey_on_line_with_quick_replies_and_redeliveries(
    line_client: TestClient,
    post_events: Poster,
    open_for: OpenCase,
    line_api: LineStub,
    rasa: FakeRasa,
    session_factory: sessionmaker[Session],
) -> None:
    case = open_for("line", sender=SENDER)
    number = case.case_number
    assert resolve(line_client, number).status_code == 200, line_api.errors

    [push] = line_api.pushes
    assert push.json["to"] == USER_ID
    resolution, question = push.json["messages"]
    assert resolution == {"type": "text", "text": RESOLUTION}
    assert question["text"] == messages.BOT_QUESTION.format(number=number)
    assert quick_replies(question) == [
        *[(str(s), rate(number, "bot", s)) for s in (5, 4, 3, 2, 1)],
        ("回答しない", f'/survey{{"case": "{number}", "action": "decline"}}'),
    ]
    assert question["quickReply"]["items"][1]["action"]["displayText"] == "4"

    tap = postback(rate(number, "bot", 4))
    assert post_events(tap).status_code == 200
    [reply] = line_api.replies
    [staff_question] = reply.json["messages"]
    assert staff_question["text"] == messages.STAFF_QUESTION
    assert quick_replies(staff_question)[0] == ("5", rate(number, "staff", 5))

    # LINE redelivers the same event (same webhookEventId): the inbox drops it.
    redelivered = postback(rate(number, "bot", 4), event_id=tap["webhookEventId"], redelivery=True)
    post_events(redelivered)
    # A double tap (a second event) and a late change of mind: recorded once, nothing sent.
    post_events(postback(rate(number, "bot", 4)), postback(rate(number, "bot", 1)))
    assert len(line_api.replies) == 1
    [survey] = surveys(session_factory, case.id)
    assert (survey.step, survey.bot_rating) == ("staff", 4)

    post_events(postback(rate(number, "staff", 5)))
    comment_question = line_api.replies[-1].json["messages"][-1]
    assert comment_question["text"] == messages.COMMENT_QUESTION
    assert quick_replies(comment_question) == [
        ("なし", f'/survey{{"case": "{number}", "action": "skip"}}')
    ]

    post_events(text_event("窓口の方の説明が分かりやすかったです。連絡先 03-1234-5678"))
    assert line_api.replies[-1].json["messages"] == [
        {"type": "text", "text": messages.THANKS_FOR_COMMENT}
    ]
    [survey] = surveys(session_factory, case.id)
    assert (survey.step, survey.bot_rating, survey.staff_rating) == ("done", 4, 5)
    assert "03-1234-5678" not in (survey.comment or "")

    # A tap on an old question once the survey is over: a short note, no question.
    post_events(postback(rate(number, "staff", 5)))
    assert line_api.replies[-1].json["messages"] == [
        {"type": "text", "text": messages.ALREADY_FINISHED}
    ]
    assert rasa.calls == []
    assert line_api.errors == []
    assert len(line_api.pushes) == 1


def test_declining_on_line_and_then_the_bot_answers_again(
    line_client: TestClient,
    post_events: Poster,
    open_for: OpenCase,
    line_api: LineStub,
    rasa: FakeRasa,
    session_factory: sessionmaker[Session],
) -> None:
    case = open_for("line", sender=SENDER)
    assert resolve(line_client, case.case_number).status_code == 200
    post_events(postback(f'/survey{{"case": "{case.case_number}", "action": "decline"}}'))
    assert line_api.replies[-1].json["messages"] == [{"type": "text", "text": messages.DECLINED}]
    [survey] = surveys(session_factory, case.id)
    assert (survey.step, survey.bot_rating) == ("declined", None)
    assert survey.finished_at is not None

    post_events(text_event("3"))  # no survey waits: this is for the bot
    assert rasa.calls == [(SENDER, "3")]
    assert line_api.errors == []
