"""Staff replies back to the citizen, through the channel the case came from."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from api.cases.models import Case
from api.channels.base import ChannelNotSupportedError
from api.channels.line import messages
from api.channels.line.channel import LineChannel, LineNotConfiguredError, build_line_channel
from api.conversation.schemas import ChatButton
from api.core.config import get_settings
from api.core.errors import AppError

logger = logging.getLogger(__name__)

LINE_PREFIX = "line:"


def configured_channel(channel: LineChannel | None) -> LineChannel:
    """`channel`, else the one the settings configure (503 when LINE is not configured)."""
    channel = channel or build_line_channel(get_settings())
    if channel is None:
        raise LineNotConfiguredError()
    return channel


async def push_text(
    user_id: str,
    text: str | Sequence[str],
    *,
    buttons: Sequence[ChatButton] = (),
    channel: LineChannel | None = None,
    retry_key: str | None = None,
) -> str:
    """Sends `text` (or several texts, one bubble each) to a LINE user with the Push API
    (split to LINE's limits, at most five messages), with an X-Line-Retry-Key so that retries
    are not delivered twice. `buttons` become quick replies on the last bubble.
    Returns the retry key. Pass `channel` (app.state.line) when at hand."""
    texts = [text] if isinstance(text, str) else list(text)
    if not any(t.strip() for t in texts):
        raise AppError("the message to send is empty", status_code=422, code="empty_message")
    line_messages = messages.text_messages(texts, buttons)
    key = await configured_channel(channel).client.push(user_id, line_messages, retry_key=retry_key)
    logger.info("line push sent (%d message(s), retry key %s)", len(line_messages), key)
    return key


def line_user_id(sender_id: str | None) -> str | None:
    """The LINE user id in a conversation's sender id (``line:<userId>``), or None."""
    sender = sender_id or ""
    if not sender.startswith(LINE_PREFIX) or len(sender) == len(LINE_PREFIX):
        return None
    return sender[len(LINE_PREFIX) :]


def line_user(case: Case) -> str:
    """The LINE user id of the citizen who opened `case` (409 when it has none)."""
    user_id = line_user_id(case.sender_id)
    if user_id is None:
        raise AppError(
            f"case {case.case_number} has no LINE user to reply to",
            status_code=409,
            code="no_recipient",
        )
    return user_id


async def deliver_to_citizen(
    case: Case,
    text: str | Sequence[str],
    *,
    buttons: Sequence[ChatButton] = (),
    channel: LineChannel | None = None,
    retry_key: str | None = None,
) -> None:
    """Sends a staff reply (or several messages, with choices under the last) to the citizen
    who opened `case`, on the case's channel."""
    if case.channel == "line":
        await push_text(
            line_user(case), text, buttons=buttons, channel=channel, retry_key=retry_key
        )
        return
    raise ChannelNotSupportedError(
        f"case {case.case_number} came from the '{case.channel}' channel; replies on that "
        f"channel are not supported yet (only 'line')"
    )
