"""Web chat sessions: the server issues each widget an unguessable conversation id and a secret
token, and every message and the event stream must present the token. A sender id the server
did not issue, or one of another channel (`line:…`), is refused."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from api.channels.web.models import WebChatSession
from api.conversation.models import ConversationLanguage
from api.conversation.state import SENDER, StateQuery
from api.core.errors import AppError, UnauthorizedError
from api.core.types import utcnow
from api.i18n import SOURCE_LOCALE

WEB_PREFIX = "web:"
# last_seen_at is written at most this often, so a chatting citizen does not write every turn.
_TOUCH_EVERY = timedelta(minutes=5)


class ChannelNotAllowedError(AppError):
    status_code = 422
    code = "channel_not_allowed"


class UnknownConversationError(AppError):
    status_code = 403
    code = "unknown_conversation"


class WrongChatTokenError(AppError):
    status_code = 403
    code = "wrong_chat_token"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(session: Session, now: datetime | None = None) -> tuple[str, str]:
    """A new conversation: (sender id, token). The token is shown once and stored hashed.
    The conversation speaks Japanese, as the widget does, until the citizen chooses another
    language or writes in one."""
    now = now or utcnow()
    sender = WEB_PREFIX + secrets.token_hex(16)
    token = secrets.token_urlsafe(32)
    # Plain INSERTs (not ORM objects and their flush): every conversation opens with them.
    session.execute(
        insert(WebChatSession).values(
            sender_id=sender, token_hash=_hash(token), created_at=now, last_seen_at=now
        )
    )
    # Kept now, in the transaction that opens the conversation, rather than by its first
    # message: a first message in Japanese then only reads (no write, no wait for the write
    # lock on SQLite), like the messages after it.
    session.execute(
        insert(ConversationLanguage).values(
            sender_id=sender, language=SOURCE_LOCALE, updated_at=now
        )
    )
    return sender, token


def check_channel(sender: str) -> None:
    if not sender.startswith(WEB_PREFIX):
        channel = sender.split(":", 1)[0] if ":" in sender else sender
        raise ChannelNotAllowedError(
            f"sender {channel!r} is not a web conversation: /api/v1/chat accepts only ids issued "
            "by POST /api/v1/chat/sessions (web:…); LINE users speak through the signed webhook"
        )


def token_from(authorization: str | None, query_token: str | None = None) -> str:
    """The chat token from `Authorization: Bearer <token>` (or, for EventSource, which cannot
    set headers, the `token` query parameter)."""
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return token.strip()
        raise UnauthorizedError("Authorization header must be: Bearer <chat token>")
    if query_token:
        return query_token
    raise UnauthorizedError(
        "missing chat token: open a conversation with POST /api/v1/chat/sessions and send its "
        "token as Authorization: Bearer <token>"
    )


def verify(session: Session, sender: str, token: str, now: datetime | None = None) -> None:
    """Raises unless `token` belongs to the issued web conversation `sender`."""
    check_channel(sender)
    # The check's own columns, alone: NULLs when the conversation was not issued.
    values = session.execute(_TOKEN_ONLY, {"sender": sender}).one()
    TokenCheck(sender, token, now).admit(session, values)


# The conversation's stored token hash and when it was last used (NULL: not issued), built once
# against the state statement's sender parameter.
_ISSUED = WebChatSession.sender_id == SENDER
_TOKEN_COLUMNS = (
    select(WebChatSession.token_hash).where(_ISSUED).scalar_subquery(),
    select(WebChatSession.last_seen_at).where(_ISSUED).scalar_subquery(),
)
_TOKEN_ONLY = select(*_TOKEN_COLUMNS)


class TokenCheck:
    """The check of a chat message's token, read in the statement that reads the conversation's
    state (`api.conversation.state`): one statement before the bot instead of two."""

    query = StateQuery(*_TOKEN_COLUMNS)

    def __init__(self, sender: str, token: str, now: datetime | None = None) -> None:
        self._sender = sender
        self._token = token
        self._now = now

    def admit(self, session: Session, values: Sequence[Any]) -> None:
        """Raises unless the token is the conversation's; notes the use (at most every
        _TOUCH_EVERY). `values`: what the query's own columns read."""
        token_hash, last_seen_at = values
        if token_hash is None:
            raise UnknownConversationError(
                f"conversation {self._sender!r} was not issued by this server (or has expired): "
                "open one with POST /api/v1/chat/sessions"
            )
        if not hmac.compare_digest(token_hash, _hash(self._token)):
            raise WrongChatTokenError(f"the token does not belong to conversation {self._sender!r}")
        now = self._now or utcnow()
        if now - last_seen_at >= _TOUCH_EVERY:
            session.execute(
                update(WebChatSession)
                .where(WebChatSession.sender_id == self._sender)
                .values(last_seen_at=now)
            )


def idle_since(session: Session, cutoff: datetime) -> list[str]:
    """Conversations not used since `cutoff` (for the retention purge)."""
    statement = select(WebChatSession.sender_id).where(WebChatSession.last_seen_at < cutoff)
    return list(session.scalars(statement))
