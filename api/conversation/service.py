"""The conversation service: every channel's citizen message goes through here to the bot."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session, sessionmaker

from api.conversation import language as conversation_language
from api.conversation.rasa_client import RasaClient, RasaUnavailableError
from api.conversation.schemas import ChatButton, ChatMessage
from api.conversation.state import PLAIN_STATE, StateQuery, read_state
from api.core.db import read_mostly
from api.core.errors import AppError
from api.core.types import utcnow
from api.handoff.service import route_to_case
from api.i18n import translate
from api.nlp.carried import carry
from api.nlp.entities import extract
from api.nlp.language import detect
from api.nlp.masking import MASKED_ALREADY, mask_with
from api.nlp.spans import Span
from api.survey import service as survey
from api.survey.payload import is_survey_payload

logger = logging.getLogger(__name__)

# Said when the bot produced nothing (an action failed inside Rasa, for example), in the
# conversation's language.
NO_REPLY = translate("ja", "no_reply")


def _entities(message: str) -> list[Span] | None:
    """The message's entities, or None when the pipeline failed: the message still goes to
    the bot, unlogged, and the actions find the entities themselves."""
    try:
        return extract(message)
    except Exception as exc:  # never the text: it is what could not be read
        logger.warning("entities of a message not found: %s", type(exc).__name__)
        return None


def _log_message(sender: str, message: str, entities: list[Span] | None) -> None:
    if entities is not None:
        logger.info(
            "message from %s: %s",
            sender,
            mask_with(message, entities),
            extra={MASKED_ALREADY: True},
        )
    else:
        logger.info("message from %s not logged: it could not be masked", sender)


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


class Admission(Protocol):
    """A channel's check of a message before the bot sees it (the web chat's token): its
    `query` reads its columns in the statement that reads the conversation's state, and `admit`
    raises to refuse the message, before anything is written."""

    query: StateQuery

    def admit(self, session: Session, values: Sequence[Any]) -> None: ...


@dataclass(frozen=True)
class _BeforeBot:
    answer: list[ChatMessage] | None  # what answers instead of the bot (None: the bot does)
    language: str | None  # the conversation's language
    entities: list[Span] | None  # the message's entities (None: the pipeline failed)


class ConversationService:
    def __init__(
        self,
        rasa: RasaClient,
        max_message_chars: int,
        session_factory: Callable[[], sessionmaker[Session]],
        seal_secret: str,
    ) -> None:
        self._rasa = rasa
        self._seal_secret = seal_secret  # seals the entities carried to the actions
        self._max_chars = max_message_chars
        self._session_factory = session_factory

    def _before_bot(self, sender: str, message: str, check: Admission | None) -> _BeforeBot:
        """Everything the API does with a message before the bot sees it, in one short
        transaction and one trip to the thread pool: `check` (the web chat's token), the
        conversation's language (it follows the message's, when the message shows one), then
        what answers instead of the bot: the survey (a survey button, or a rating typed or a
        comment written while a survey waits for one), else a live handoff (the message goes
        to the case; nothing is said). Returns that answer (None: the bot answers), the
        conversation's language and the message's entities (None: not found)."""
        # Before the transaction (no long work inside it); a button's payload ("/intent{…}")
        # is not the citizen's words and leaves the language as it was.
        detected = None if message.startswith("/") else detect(message)

        def before_bot(session: Session) -> tuple[list[ChatMessage] | None, str | None]:
            state = read_state(session, sender, check.query if check else PLAIN_STATE)
            if check is not None:
                check.admit(session, state.also)
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

        # Most messages only read here, in one query (the token, the language, and that no
        # survey and no handoff is live): as a read it does not queue behind the actions'
        # writes on SQLite.
        answer, language = read_mostly(self._session_factory(), before_bot)
        # After the transaction, and only once `check` passed (no NER work for a forged token).
        # The entities mask the log line and travel with the message to the actions
        # (`api.nlp.carried`): with several workers the action usually runs in another process.
        return _BeforeBot(answer, language, _entities(message))

    async def active_form(self, sender: str) -> str | None:
        """The form the citizen is filling in (report_form …), or None, also when Rasa cannot
        tell: the caller then treats the message as it would outside a form."""
        try:
            return await self._rasa.active_loop(sender)
        except RasaUnavailableError as exc:
            logger.info("active form unknown: %s", exc)
            return None

    async def handle(
        self, sender: str, message: str, *, check: Admission | None = None
    ) -> list[ChatMessage]:
        """The bot's answer to one citizen message. `check` admits it first, in the same
        transaction (the web chat verifies the conversation's token there)."""
        if len(message) > self._max_chars:
            raise MessageTooLongError(
                f"message has {len(message)} characters; at most {self._max_chars} are accepted "
                f"(メッセージは{self._max_chars}文字以内でお送りください)"
            )
        before = await run_in_threadpool(self._before_bot, sender, message, check)
        _log_message(sender, message, before.entities)
        if before.answer is not None:
            return before.answer
        metadata = (
            carry(self._seal_secret, message, before.entities)
            if before.entities is not None
            else None
        )
        sent = await self._rasa.send(sender, message, metadata=metadata)
        replies = [m for m in map(_to_message, sent) if m]
        return replies or [ChatMessage(text=translate(before.language or "ja", "no_reply"))]
