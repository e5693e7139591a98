"""What the citizen reads in the survey: the three questions with their buttons, and the
answers to what they send."""

from __future__ import annotations

from api.conversation.schemas import ChatButton, ChatMessage
from api.i18n import translate
from api.survey import payload
from api.survey.payload import RatedStep

# The texts live in the gettext catalogs (locale/, api/i18n.py) under survey.*; a survey is
# asked in its conversation's language. The constants are the Japanese texts.
BOT_QUESTION = translate("ja", "survey.bot_question")
STAFF_QUESTION = translate("ja", "survey.staff_question")
COMMENT_QUESTION = translate("ja", "survey.comment_question")
THANKS = translate("ja", "survey.thanks")
THANKS_FOR_COMMENT = translate("ja", "survey.thanks_for_comment")
DECLINED = translate("ja", "survey.declined")
ALREADY_FINISHED = translate("ja", "survey.already_finished")
EXPIRED = translate("ja", "survey.expired")
NOT_FOUND = translate("ja", "survey.not_found")
UNREADABLE = translate("ja", "survey.unreadable")
DECLINE_TITLE = translate("ja", "survey.decline_title")
NO_COMMENT_TITLE = translate("ja", "survey.no_comment_title")


def say(language: str, name: str, **params: object) -> str:
    """The survey text `name` (bot_question, thanks …) in `language`."""
    return translate(language, f"survey.{name}", **params)


def _ratings(number: str, target: RatedStep, language: str) -> list[ChatButton]:
    buttons = [
        ChatButton(title=str(score), payload=payload.rating(number, target, score))
        for score in (5, 4, 3, 2, 1)
    ]
    decline = ChatButton(
        title=say(language, "decline_title"), payload=payload.action(number, "decline")
    )
    return [*buttons, decline]


def bot_question(number: str, language: str = "ja") -> ChatMessage:
    return ChatMessage(
        text=say(language, "bot_question", number=number),
        buttons=_ratings(number, "bot", language),
    )


def staff_question(number: str, language: str = "ja") -> ChatMessage:
    return ChatMessage(
        text=say(language, "staff_question"), buttons=_ratings(number, "staff", language)
    )


def comment_question(number: str, language: str = "ja") -> ChatMessage:
    skip = ChatButton(
        title=say(language, "no_comment_title"), payload=payload.action(number, "skip")
    )
    return ChatMessage(text=say(language, "comment_question"), buttons=[skip])


def text(message: str) -> ChatMessage:
    return ChatMessage(text=message)
