"""The conversation service: every channel's citizen message goes through here to the bot."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session, sessionmaker

from api.conversation import language as conversation_language
from api.conversation.rasa_client import RasaClient, RasaUnavailableError
from api.conversation.schemas import ChatButton, ChatMessage
from api.conversation.state import read_state
from api.core.db import read_mostly
from api.core.errors import AppError
from api.core.types import utcnow
from api.handoff.service import route_to_case
from api.i18n import translate
from api.nlp import mask
from api.nlp.language import detect
from api.survey import service as survey
from api.survey.payload import is_survey_payload

logger = logging.getLogger(__name__)

# Said when the bot produced nothing (an action failed inside Rasa, for example), in the
# conversation's language.
NO_REPLY = translate("ja", "no_reply")


# The masked log line of each message, written by one thread of its own after the answer:
# masking needs the NER pipeline (tens of ms); by then the actions have usually read the
# message (its place, the question recorded), and the entities are memoised, so it is free.
_log_writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chat-log")


def _log_message(sender: str, message: str) -> None:
    try:
        logger.info("message from %s: %s", sender, mask(message))
    except Exception as exc:  # never the text: it is what could not be masked
        logger.warning("message from %s not logged: %s", sender, type(exc).__name__)


def _log_later(sender: str, message: str) -> None:
    if logger.isEnabledFor(logging.INFO):
        _log_writer.submit(_log_message, sender, message)


class MessageTooLongError(AppError):
    status_code = 422
    code = "message_too_long"


def _to_message(raw: dict[str, Any]) -> ChatMessage | None:
    buttons = [
        ChatButton(title=str(b.get("title", "")), payload=str(b.get("payload", "")))
        for b in raw.get("buttons") or []
        if b.get("title") and b.get("payload")
    ]
    message_text = raw.get("text")
    if not message_text and not buttons:
        return None
    return ChatMessage(text=message_text, buttons=buttons)


class ConversationService:
    def __init__(
        self,
        rasa: RasaClient,
        max_message_chars: int,
        session_factory: Callable[[], sessionmaker[Session]],
    ) -> None:
        self._rasa = rasa
        self._max_chars = max_message_chars
        self._session_factory = session_factory

    def _before_bot(
        self, sender: str, message: str, check: Callable[[Session], None] | None
    ) -> tuple[list[ChatMessage] | None, str | None]:
        """Everything the API does with a message before the bot sees it, in one short
        transaction and one trip to the thread pool: `check` (the web chat's token), the
        conversation's language (it follows the message's, when the message shows one), then
        what answers instead of the bot: the survey (a survey button, or a rating typed or a
        comment written while a survey waits for one), else a live handoff (the message goes
        to the case; nothing is said). Returns (that answer or None: the bot answers, the
        conversation's language). The masked log line is written later (`_log_later`)."""
        # Before the transaction (no long work inside it); a button's payload ("/intent{…}")
        # is not the citizen's words and leaves the language as it was.
        detected = None if message.startswith("/") else detect(message)

        def before_bot(session: Session) -> tuple[list[ChatMessage] | None, str | None]:
            if check is not None:
                check(session)
            state = read_state(session, sender)
            language = conversation_language.follow(
                session, sender, state.language, message, detected
            )
            answer = None
            if state.survey_open or is_survey_payload(message):
                answer = survey.handle_message(session, sender, message, utcnow())
            if answer is None and state.handoff_live:
                said = route_to_case(session, sender, message)
                if said is not None:  # a person is talking with the citizen: the bot is silent
                    answer = [ChatMessage(text=line) for line in said]
            return answer, language

        # Most messages only read here, in two queries (the token; the language, and that no
        # survey and no handoff is live): as a read it does not queue behind the actions'
        # writes on SQLite.
        return read_mostly(self._session_factory(), before_bot)

    async def active_form(self, sender: str) -> str | None:
        """The form the citizen is filling in (report_form …), or None, also when Rasa cannot
        tell: the caller then treats the message as it would outside a form."""
        try:
            return await self._rasa.active_loop(sender)
        except RasaUnavailableError as exc:
            logger.info("active form unknown: %s", exc)
            return None

    async def handle(
        self, sender: str, message: str, *, check: Callable[[Session], None] | None = None
    ) -> list[ChatMessage]:
        """The bot's answer to one citizen message. `check` runs first, in the same
        transaction (the web chat verifies the conversation's token there)."""
        if len(message) > self._max_chars:
            raise MessageTooLongError(
                f"message has {len(message)} characters; at most {self._max_chars} are accepted "
                f"(メッセージは{self._max_chars}文字以内でお送りください)"
            )
        answer, language = await run_in_threadpool(self._before_bot, sender, message, check)
        try:
            if answer is not None:
                return answer
            replies = [m for m in map(_to_message, await self._rasa.send(sender, message)) if m]
            return replies or [ChatMessage(text=translate(language or "ja", "no_reply"))]
        finally:
            _log_later(sender, message)
