"""Handling of stored webhook events, after the webhook's 200 (or at start-up for rows left
undone). Logs carry event ids and types only: never the citizen's text or user id."""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any, Protocol

from fastapi import FastAPI
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from api.cases.models import Case
from api.channels.line import inbox, messages, profile
from api.channels.line.attachments import attach_image, attach_location, open_report
from api.channels.line.channel import LineChannel
from api.channels.line.client import InvalidReplyTokenError, LineApiError
from api.channels.location import share_location_message
from api.conversation.language import language_of
from api.conversation.schemas import ChatMessage
from api.conversation.service import MessageTooLongError
from api.core.db import get_sessionmaker, unit_of_work
from api.i18n import SOURCE_LOCALE, is_japanese, translate

logger = logging.getLogger(__name__)

# The bot's greeting intent: a payload, not words, so it leaves the conversation's language as
# it was (LINE's user language, when the profile gave one).
GREETING_MESSAGE = "/greet"
REPORT_FORM = "report_form"
# The channel's own replies are catalog texts (locale/*/LC_MESSAGES/madoguchi.po, ids
# line.*), in the language of the citizen's conversation.


class Conversation(Protocol):
    async def handle(self, sender: str, message: str) -> list[ChatMessage]: ...

    async def active_form(self, sender: str) -> str | None: ...


def _retry_key(event: dict[str, Any]) -> str:
    """The same key for the same event: a push retried after a crash is not sent twice."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"line-event:{inbox.event_key(event)}"))


class EventProcessor:
    def __init__(
        self,
        channel: LineChannel,
        conversation: Conversation,
        factory: sessionmaker[Session],
    ) -> None:
        self._channel = channel
        self._conversation = conversation
        self._factory = factory

    async def process(self, row_ids: list[int]) -> None:
        """Handles the rows in order (one webhook's events are one user's sequence)."""
        for row_id in row_ids:
            await self.process_row(row_id)

    async def process_row(self, row_id: int) -> None:
        event = await asyncio.to_thread(inbox.claim, self._factory, row_id)
        if event is None:
            return  # another worker has it, or it is finished
        key, kind = inbox.event_key(event), self._kind(event)
        try:
            await self.handle(event)
        except Exception as exc:
            # The class name only: exception messages may quote what the citizen wrote.
            logger.warning("line event %s (%s) failed: %s", key, kind, type(exc).__name__)
            try:
                await self._reply_text(event, "line.apology")
            except Exception as reply_exc:
                logger.warning("line event %s: apology not sent: %s", key, type(reply_exc).__name__)
            await asyncio.to_thread(inbox.finish, self._factory, row_id, error=exc)
            return
        await asyncio.to_thread(inbox.finish, self._factory, row_id)
        logger.info("line event %s (%s) done", key, kind)

    @staticmethod
    def _kind(event: dict[str, Any]) -> str:
        kind = str(event.get("type", "unknown"))
        if kind == "message":
            kind += "/" + str((event.get("message") or {}).get("type", "unknown"))
        return kind

    # -- dispatch ------------------------------------------------------------------------------

    async def handle(self, event: dict[str, Any]) -> None:
        kind = event.get("type")
        sender = self._sender(event)
        if kind == "message":
            await self._on_message(event, sender)
        elif kind == "postback":
            data = str((event.get("postback") or {}).get("data", ""))
            await self._converse(event, sender, data)
        elif kind == "follow":
            await self._on_follow(event, sender)
        elif kind == "unfollow":
            # Recorded in the inbox; there is nobody to answer (and no reply token).
            logger.info("line event %s: unfollow recorded", inbox.event_key(event))
        else:
            logger.info("line event %s (%s): nothing to do", inbox.event_key(event), kind)

    async def _on_message(self, event: dict[str, Any], sender: str | None) -> None:
        message = event.get("message") or {}
        message_type = message.get("type")
        if message_type == "text":
            await self._converse(event, sender, str(message.get("text", "")))
        elif message_type == "location":
            await self._on_location(event, sender, message)
        elif message_type == "image":
            await self._on_image(event, sender, message)
        elif message_type == "sticker":
            await self._reply_text(event, "line.sticker")
        else:
            await self._reply_text(event, "line.unsupported")

    async def _converse(self, event: dict[str, Any], sender: str | None, text: str) -> None:
        text = text.strip()
        if sender is None:
            return
        if not text:
            await self._reply_text(event, "line.empty_text")
            return
        await self._profile_language(event, sender)
        try:
            answer = await self._conversation.handle(sender, text)
        except MessageTooLongError as exc:
            language = await self._language(event)
            await self._reply(event, messages.text_messages([_part_in(exc.message, language)]))
            return
        await self._reply(event, messages.from_chat_messages(answer, await self._language(event)))

    async def _on_follow(self, event: dict[str, Any], sender: str | None) -> None:
        answer: list[ChatMessage] = []
        if sender is not None:
            await self._profile_language(event, sender)
            try:
                answer = await self._conversation.handle(sender, GREETING_MESSAGE)
            except Exception as exc:  # the welcome must not depend on the bot being up
                logger.info("line follow: bot greeting unavailable (%s)", type(exc).__name__)
        if answer:
            await self._reply(
                event, messages.from_chat_messages(answer, await self._language(event))
            )
        else:
            await self._reply_text(event, "line.welcome")

    async def _on_location(
        self, event: dict[str, Any], sender: str | None, message: dict[str, Any]
    ) -> None:
        address = message.get("address") or None
        title = message.get("title") or None
        latitude, longitude = float(message["latitude"]), float(message["longitude"])
        if sender is not None and await self._conversation.active_form(sender) == REPORT_FORM:
            # A report is being made: the point is its place, as the form asks for it.
            await self._converse(
                event, sender, share_location_message(latitude, longitude, address)
            )
            return

        def store() -> str | None:
            with unit_of_work(self._factory) as session:
                case = open_report(session, sender) if sender else None
                if case is None:
                    return None
                attach_location(
                    session,
                    case,
                    address=address,
                    latitude=latitude,
                    longitude=longitude,
                    title=title,
                    source=f"line:{message.get('id', '')}",
                )
                return case.case_number

        number = await asyncio.to_thread(store)
        if number is None:
            text = await self._say(event, "line.no_open_report.location")
        elif address:
            text = await self._say(event, "line.location_attached", place=address, number=number)
        else:
            text = await self._say(event, "line.location_attached_no_address", number=number)
        await self._reply(event, messages.text_messages([text]))

    async def _on_image(
        self, event: dict[str, Any], sender: str | None, message: dict[str, Any]
    ) -> None:
        def find() -> int | None:
            with unit_of_work(self._factory) as session:
                case = open_report(session, sender) if sender else None
                return case.id if case else None

        # A report being made: the photo is held and joins the case when it is filed.
        held = sender is not None and await self._conversation.active_form(sender) == REPORT_FORM
        case_id = None if held else await asyncio.to_thread(find)
        if case_id is None and not held:
            # No report to attach to: the photo is not fetched at all (nothing kept needlessly).
            text = await self._say(event, "line.no_open_report.image")
            await self._reply(event, messages.text_messages([text]))
            return
        message_id = str(message.get("id", ""))
        provider = message.get("contentProvider") or {"type": "line"}
        data: dict[str, Any] = {"provider": provider.get("type", "line"), "source": "line"}
        content: bytes | None = None
        content_type: str | None = None
        if data["provider"] == "line":
            try:
                image = await self._channel.client.get_content(
                    message_id, max_bytes=self._channel.max_image_bytes
                )
            except LineApiError as exc:
                logger.warning(
                    "line event %s: image content not fetched: %s",
                    inbox.event_key(event),
                    type(exc).__name__,
                )
                await self._reply_text(event, "line.image_not_stored")
                return
            content, content_type = image.content, image.content_type
            data["line_message_id"] = message_id
        else:  # sent by a LIFF/partner app: LINE holds only the URLs
            data["original_content_url"] = provider.get("originalContentUrl")
            data["preview_image_url"] = provider.get("previewImageUrl")

        def store() -> str | None:
            with unit_of_work(self._factory) as session:
                if held:
                    attach_image(
                        session,
                        None,
                        content=content,
                        content_type=content_type,
                        data=data,
                        held_for=sender,
                    )
                    return None
                case = session.get(Case, case_id)
                if case is None:  # deleted while the photo was being fetched
                    raise LookupError("the report to attach to is gone")
                attach_image(session, case, content=content, content_type=content_type, data=data)
                return case.case_number

        number = await asyncio.to_thread(store)
        reply = await (
            self._say(event, "line.image_held")
            if number is None
            else self._say(event, "line.image_attached", number=number)
        )
        await self._reply(event, messages.text_messages([reply]))

    # -- the channel's own texts ---------------------------------------------------------------

    async def _language(self, event: dict[str, Any]) -> str:
        """The language of the sender's conversation (Japanese when it has none yet)."""
        sender = self._sender(event)
        if sender is None:
            return SOURCE_LOCALE

        def read() -> str | None:
            with unit_of_work(self._factory, write=False) as session:
                return language_of(session, sender)

        try:
            return await asyncio.to_thread(read) or SOURCE_LOCALE
        except SQLAlchemyError:  # the reply matters more than its language
            return SOURCE_LOCALE

    async def _say(self, event: dict[str, Any], message_id: str, **params: object) -> str:
        return translate(await self._language(event), message_id, **params)

    async def _reply_text(self, event: dict[str, Any], message_id: str) -> None:
        await self._reply(event, messages.text_messages([await self._say(event, message_id)]))

    # -- LINE's user language ------------------------------------------------------------------

    async def _profile_language(self, event: dict[str, Any], sender: str) -> None:
        """A conversation with no language yet starts in the language of the citizen's LINE app
        (Get profile), when LINE gives one the city offers; asked once per user, outside any
        transaction. Any failure leaves the message's own language to decide: the citizen is
        answered regardless."""
        source = event.get("source") or {}
        user_id = source.get("userId")
        if source.get("type") != "user" or not isinstance(user_id, str) or not user_id:
            return  # a group or a room: no one user's language
        if not self._channel.asked_profiles.first_time(user_id):
            return

        def current() -> str | None:
            with unit_of_work(self._factory, write=False) as session:
                return language_of(session, sender)

        def start(locale: str) -> bool:
            with unit_of_work(self._factory) as session:
                return profile.start_language(session, sender, locale)

        key = inbox.event_key(event)
        try:
            if await asyncio.to_thread(current) is not None:
                return
            tag = await self._channel.client.profile_language(user_id)
            locale = profile.supported_locale(tag)
            if locale is not None and await asyncio.to_thread(start, locale):
                logger.info("line event %s: conversation starts in %s (LINE profile)", key, locale)
        except (LineApiError, SQLAlchemyError) as exc:  # a race on the row, for the database
            logger.info("line event %s: profile language unknown: %s", key, type(exc).__name__)

    # -- sending -------------------------------------------------------------------------------

    @staticmethod
    def _sender(event: dict[str, Any]) -> str | None:
        source = event.get("source") or {}
        user = source.get("userId") or source.get("groupId") or source.get("roomId")
        return f"line:{user}" if user else None

    @staticmethod
    def _push_target(event: dict[str, Any]) -> str | None:
        source = event.get("source") or {}
        return source.get("groupId") or source.get("roomId") or source.get("userId")

    async def _reply(self, event: dict[str, Any], line_messages: list[dict[str, Any]]) -> None:
        """Reply API; when the reply token is gone (expired, used, or an event handled at
        start-up), the Push API to the same user."""
        if not line_messages:
            return
        token = event.get("replyToken")
        if token:
            try:
                await self._channel.client.reply(token, line_messages)
                return
            except InvalidReplyTokenError:
                logger.info(
                    "line event %s: reply token invalid; pushing instead", inbox.event_key(event)
                )
        target = self._push_target(event)
        if target is None:
            logger.info("line event %s: nobody to answer", inbox.event_key(event))
            return
        await self._channel.client.push(target, line_messages, retry_key=_retry_key(event))


def _part_in(message: str, language: str) -> str:
    """MessageTooLongError says it in English then Japanese in brackets: a Japanese (or easy
    Japanese) conversation gets the Japanese, any other the English."""
    start, end = message.rfind("("), message.rfind(")")
    if not 0 <= start < end:
        return message
    return message[start + 1 : end] if is_japanese(language) else message[:start].rstrip()


async def process_pending(
    channel: LineChannel, conversation: Conversation, factory: sessionmaker[Session]
) -> int:
    """Handles inbox rows left undone (the process died after the 200). Returns how many."""
    row_ids = await asyncio.to_thread(inbox.pending_ids, factory)
    if row_ids:
        logger.info("line inbox: %d event(s) left undone; handling them now", len(row_ids))
        await EventProcessor(channel, conversation, factory).process(row_ids)
    return len(row_ids)


async def resume_line_inbox(app: FastAPI) -> asyncio.Task[int] | None:
    """Start-up hook (call from the lifespan): handles undone inbox rows in the background, so
    start-up is not delayed. No-op when the LINE channel is off."""
    channel: LineChannel | None = getattr(app.state, "line", None)
    if channel is None:
        return None
    task = asyncio.create_task(
        process_pending(channel, app.state.conversation, get_sessionmaker()),
        name="line-inbox-resume",
    )
    app.state.line_resume_task = task  # keep a reference until it finishes
    return task
