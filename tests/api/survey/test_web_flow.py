"""The whole survey on the web widget: staff resolve, the resolution and the first question wait
in the widget's outbox (with buttons, also in the event stream's data), the citizen taps and
writes through the chat API, and the answers are recorded once, the comment masked."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from api.channels.web.router import _fetch
from api.survey import messages
from api.survey.models import SurveyStep
from tests.api.survey.conftest import FakeRasa, OpenCase
from tests.api.survey.helpers import (
    RESOLUTION,
    audit_of,
    chat,
    events,
    outbox,
    rate,
    resolve,
    surveys,
)
from tests.chat_session import open_chat_session


def test_resolve_web_case_then_answer_the_whole_survey(
    line_client: TestClient,
    open_for: OpenCase,
    session_factory: sessionmaker[Session],
    rasa: FakeRasa,
) -> None:
    sender, headers = open_chat_session(line_client)
    case = open_for("web", sender=sender)
    number = case.case_number

    response = resolve(line_client, number)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "resolved"

    resolution, question = outbox(session_factory, sender)
    assert (resolution.author, resolution.body, resolution.buttons) == ("staff", RESOLUTION, [])
    assert question.author == "bot"
    assert question.body.startswith(f"受付番号 {number} のお問い合わせへの対応を完了しました。")
    assert "1問目：チャットボット（自動応答）の案内はいかがでしたか？" in question.body
    assert [b["title"] for b in question.buttons] == ["5", "4", "3", "2", "1", "回答しない"]
    assert question.buttons[1]["payload"] == (
        f'/survey{{"case": "{number}", "target": "bot", "score": 4}}'
    )
    assert question.buttons[-1]["payload"] == f'/survey{{"case": "{number}", "action": "decline"}}'

    # The widget's event stream carries the buttons; the older fields are unchanged.
    streamed = _fetch(session_factory, sender, 0)
    assert [set(m) for m in streamed] == [{"id", "text", "author", "at", "buttons"}] * 2
    assert streamed[0]["buttons"] == [] and streamed[1]["buttons"] == question.buttons
    json.dumps(streamed)  # what the stream sends as data

    staff_question = chat(line_client, sender, question.buttons[1]["payload"], headers)
    assert [m["text"] for m in staff_question] == [messages.STAFF_QUESTION]
    assert staff_question[0]["buttons"][0] == {"title": "5", "payload": rate(number, "staff", 5)}

    comment_question = chat(line_client, sender, rate(number, "staff", 5), headers)
    assert [m["text"] for m in comment_question] == [messages.COMMENT_QUESTION]
    assert [b["title"] for b in comment_question[0]["buttons"]] == ["なし"]

    thanks = chat(line_client, sender, "説明が丁寧でした。山田太郎 090-1234-5678 まで", headers)
    assert [m["text"] for m in thanks] == [messages.THANKS_FOR_COMMENT]
    assert rasa.calls == []  # the survey answered everything itself

    [survey] = surveys(session_factory, case.id)
    assert (survey.step, survey.bot_rating, survey.staff_rating) == ("done", 4, 5)
    assert survey.channel == "web" and survey.sender_id == sender
    assert survey.comment == "説明が丁寧でした。［氏名］ ［電話番号］ まで"
    assert survey.bot_rated_at and survey.staff_rated_at and survey.finished_at

    history = events(line_client, number)
    assert [(kind, actor) for kind, actor, _ in history] == [
        ("created", "bot"),
        ("status_changed", "admin"),
        ("replied", "admin"),
        ("survey_sent", "system"),
        ("survey_answered", "citizen"),
        ("survey_answered", "citizen"),
        ("survey_answered", "citizen"),
    ]
    assert history[2][2] == {"body": RESOLUTION, "channel": "web"}
    assert [data for kind, _, data in history if kind == "survey_answered"] == [
        {"target": "bot", "score": 4},
        {"target": "staff", "score": 5},
        {"target": "comment", "commented": True},
    ]
    # The comment is in the survey row only, never in the history or the audit log.
    audit = json.dumps([(a.action, a.before, a.after) for a in audit_of(session_factory, number)])
    assert "丁寧" not in audit and "case.survey_answered" in audit

    # The survey is over: the next message is the bot's again.
    assert chat(line_client, sender, "4", headers) == [{"text": "ボット: 4", "buttons": []}]
    assert rasa.calls == [(sender, "4")]


def test_typed_digits_full_width_too_and_other_messages_go_to_the_bot(
    line_client: TestClient,
    open_for: OpenCase,
    session_factory: sessionmaker[Session],
    rasa: FakeRasa,
) -> None:
    sender, headers = open_chat_session(line_client)
    case = open_for("web", sender=sender)
    assert resolve(line_client, case.case_number).status_code == 200

    assert [m["text"] for m in chat(line_client, sender, "４", headers)] == [
        messages.STAFF_QUESTION
    ]
    # Not an answer: the bot answers and the survey keeps waiting at the staff question.
    assert chat(line_client, sender, "粗大ごみの出し方は？", headers)[0]["text"].startswith(
        "ボット"
    )
    assert rasa.calls == [(sender, "粗大ごみの出し方は？")]
    assert surveys(session_factory, case.id)[0].step == SurveyStep.staff.value

    assert [m["text"] for m in chat(line_client, sender, " 2 ", headers)] == [
        messages.COMMENT_QUESTION
    ]
    # At the comment question, 「なし」 typed ends the survey without a comment.
    assert [m["text"] for m in chat(line_client, sender, "特になし", headers)] == [messages.THANKS]
    [survey] = surveys(session_factory, case.id)
    assert (survey.step, survey.bot_rating, survey.staff_rating, survey.comment) == (
        "done",
        4,
        2,
        None,
    )
    assert len(rasa.calls) == 1


def test_a_malformed_or_foreign_payload_gets_a_polite_answer_not_an_error(
    line_client: TestClient, open_for: OpenCase, rasa: FakeRasa
) -> None:
    sender, headers = open_chat_session(line_client)
    mine = open_for("web", sender=sender)
    theirs = open_for("web", sender="web:someone-else")
    assert resolve(line_client, mine.case_number).status_code == 200
    assert resolve(line_client, theirs.case_number).status_code == 200

    for broken in (
        "/survey",
        '/survey{"case": "2026-0',
        f'/survey{{"case": "{mine.case_number}", "target": "bot", "score": 9}}',
        f'/survey{{"case": "{mine.case_number}", "target": "bot", "score": true}}',
        f'/survey{{"case": "{mine.case_number}", "action": "delete"}}',
    ):
        answer = chat(line_client, sender, broken, headers)
        assert answer[0]["text"] == messages.UNREADABLE, broken
        # the open question again, to answer it
        assert answer[1]["text"].endswith("5：とても満足 〜 1：とても不満")
    foreign = chat(line_client, sender, rate(theirs.case_number, "bot", 1), headers)
    assert [m["text"] for m in foreign] == [messages.NOT_FOUND]
    unknown = chat(line_client, sender, rate("2026-999999", "bot", 1), headers)
    assert [m["text"] for m in unknown] == [messages.NOT_FOUND]
    # Someone with no survey at all: still a 200 with a message.
    nobody, nobody_headers = open_chat_session(line_client)
    answer = chat(line_client, nobody, "/survey{", nobody_headers)
    assert [m["text"] for m in answer] == [messages.NOT_FOUND]
    assert rasa.calls == []
