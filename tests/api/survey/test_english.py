"""A survey after a case opened in an English conversation is asked and answered in English."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from api.conversation.language import remember
from api.i18n import translate
from tests.api.survey.conftest import FakeRasa, OpenCase
from tests.api.survey.helpers import chat, outbox, rate, resolve, surveys
from tests.chat_session import open_chat_session


def test_an_english_conversation_gets_the_survey_in_english(
    line_client: TestClient,
    open_for: OpenCase,
    session_factory: sessionmaker[Session],
    rasa: FakeRasa,
) -> None:
    sender, headers = open_chat_session(line_client)
    with session_factory() as session:
        remember(session, sender, "en")
        session.commit()
    case = open_for("web", sender=sender)
    number = case.case_number
    assert resolve(line_client, number).status_code == 200

    _resolution, question = outbox(session_factory, sender)
    assert question.body == translate("en", "survey.bot_question", number=number)
    assert [b["title"] for b in question.buttons] == ["5", "4", "3", "2", "1", "Don't answer"]

    staff = chat(line_client, sender, "4", headers)  # a typed rating
    assert [m["text"] for m in staff] == [translate("en", "survey.staff_question")]
    comment = chat(line_client, sender, rate(number, "staff", 5), headers)
    assert [m["text"] for m in comment] == [translate("en", "survey.comment_question")]
    assert [b["title"] for b in comment[0]["buttons"]] == ["None"]
    thanks = chat(line_client, sender, "None.", headers)  # typed: no comment
    assert [m["text"] for m in thanks] == [translate("en", "survey.thanks")]
    assert rasa.calls == []
    [survey] = surveys(session_factory, case.id)
    assert (survey.step, survey.bot_rating, survey.staff_rating, survey.comment) == (
        "done",
        4,
        5,
        None,
    )
