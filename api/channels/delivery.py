"""A staff reply goes back to the citizen through the channel the case came from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from api.cases.models import Case
from api.channels.line.channel import LineChannel
from api.channels.line.delivery import (
    ChannelNotSupportedError,
    configured_channel,
    line_user,
    line_user_id,
    push_text,
)
from api.channels.web import outbox
from api.conversation.schemas import ChatButton
from api.core.errors import AppError


@dataclass(frozen=True)
class Outgoing:
    """One message for the citizen: who it is from ("staff", or "bot" for automatic
    messages, as the widget labels it) and the choices shown under it."""

    text: str
    author: str = "staff"
    buttons: Sequence[ChatButton] = field(default_factory=tuple)


def reachable(case: Case) -> bool:
    """Whether the case's channel can carry a message to its citizen (web widget or LINE);
    a phone case, or one without a conversation, cannot."""
    if case.channel == "web":
        return bool(case.sender_id)
    if case.channel == "line":
        return line_user_id(case.sender_id) is not None
    return False


@dataclass(frozen=True)
class PendingPush:
    """A LINE push decided inside a transaction and sent once it committed: no network call
    waits while the database is locked, and what the push says is already on record."""

    user_id: str
    texts: tuple[str, ...]
    buttons: tuple[ChatButton, ...]
    channel: LineChannel
    retry_key: str | None = None

    async def send(self) -> None:
        await push_text(
            self.user_id,
            list(self.texts),
            buttons=self.buttons,
            channel=self.channel,
            retry_key=self.retry_key,
        )


def prepare_messages(
    session: Session,
    case: Case,
    messages: Sequence[Outgoing],
    *,
    line: LineChannel | None,
    retry_key: str | None = None,
) -> PendingPush | None:
    """Delivers `messages` in order through the case's channel, within the caller's
    transaction: web messages wait in the widget's outbox (the same transaction as the case's
    history); for LINE, returns the push to send after the commit (one push, one retry key:
    all or nothing; the buttons of the last message as quick replies). Everything that can be
    refused (no recipient, LINE not configured, a channel without replies) is refused here,
    before anything is committed."""
    if case.channel == "web":
        if not case.sender_id:
            raise AppError(
                f"case {case.case_number} has no conversation to reply to",
                status_code=409,
                code="no_recipient",
            )
        for message in messages:
            outbox.post(
                session,
                case.sender_id,
                message.text,
                case_id=case.id,
                author=message.author,
                buttons=message.buttons,
            )
        return None
    if case.channel == "line":
        texts = tuple(m.text for m in messages)
        if not any(t.strip() for t in texts):
            raise AppError("the message to send is empty", status_code=422, code="empty_message")
        return PendingPush(
            user_id=line_user(case),
            texts=texts,
            buttons=tuple(messages[-1].buttons) if messages else (),
            channel=configured_channel(line),
            retry_key=retry_key,
        )
    raise ChannelNotSupportedError(
        f"case {case.case_number} came from the '{case.channel}' channel, which has no way to "
        f"send a reply; contact the citizen directly"
    )
