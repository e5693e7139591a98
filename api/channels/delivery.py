"""A staff reply goes back to the citizen through the channel the case came from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from api.cases.models import Case
from api.channels.line.channel import LineChannel
from api.channels.line.delivery import ChannelNotSupportedError, deliver_to_citizen, line_user_id
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


async def deliver_reply(
    session: Session, case: Case, body: str, *, line: LineChannel | None, author: str
) -> str:
    """Delivers `body` to the citizen of `case` and returns the channel it went through.
    Web replies wait in the widget's outbox (same transaction as the case's history);
    LINE replies are pushed at once."""
    return await deliver_messages(session, case, [Outgoing(body, author)], line=line)


async def deliver_messages(
    session: Session,
    case: Case,
    messages: Sequence[Outgoing],
    *,
    line: LineChannel | None,
    retry_key: str | None = None,
) -> str:
    """Delivers `messages` in order, as `deliver_reply` does one. On LINE they go in a single
    push (one retry key: all or nothing), the buttons of the last one as quick replies."""
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
        return "web"
    if case.channel == "line":
        await deliver_to_citizen(
            case,
            [m.text for m in messages],
            buttons=messages[-1].buttons if messages else (),
            channel=line,
            retry_key=retry_key,
        )
        return "line"
    raise ChannelNotSupportedError(
        f"case {case.case_number} came from the '{case.channel}' channel, which has no way to "
        f"send a reply; contact the citizen directly"
    )
