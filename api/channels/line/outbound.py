"""The LINE channel as the outbox sees it: Push API messages to a LINE user, one attempt per
send (the outbox retries with the same X-Line-Retry-Key, so LINE delivers once)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from sqlalchemy.orm import Session, sessionmaker

from api.channels.base import DeliveryError, Outgoing, SenderAddressed
from api.channels.line import messages
from api.channels.line.channel import NOT_CONFIGURED, LineChannel, build_line_channel
from api.channels.line.client import LineApiError
from api.core.config import Settings
from api.core.errors import AppError

LINE_PREFIX = "line:"  # conversations on LINE have the sender id line:<userId>


def _permanent(status: int | None) -> bool:
    # 4xx other than 429 (rate limit) will be refused again; 5xx and timeouts may pass later.
    return status is not None and 400 <= status < 500 and status != 429


class LineOutbound(SenderAddressed):
    label: ClassVar[str] = "LINE"
    name: ClassVar[str] = "line"
    not_configured: ClassVar[str] = NOT_CONFIGURED

    def __init__(self, channel: LineChannel) -> None:
        self.channel = channel

    @staticmethod
    def parse_sender(sender_id: str | None) -> str | None:
        """The LINE user id in a conversation's sender id (``line:<userId>``), or None."""
        sender = sender_id or ""
        if not sender.startswith(LINE_PREFIX) or len(sender) == len(LINE_PREFIX):
            return None
        return sender[len(LINE_PREFIX) :]

    @classmethod
    def build(cls, settings: Settings, factory: sessionmaker[Session]) -> LineOutbound | None:
        channel = build_line_channel(settings)
        return cls(channel) if channel is not None else None

    async def send(self, recipient: str, outgoing: Sequence[Outgoing], *, retry_key: str) -> None:
        """One push: every text a bubble, the last message's buttons as quick replies."""
        buttons = outgoing[-1].buttons if outgoing else ()
        try:
            body = messages.text_messages([m.text for m in outgoing], buttons)
            await self.channel.client.push(recipient, body, retry_key=retry_key, attempts=1)
        except LineApiError as error:
            status = error.http_status
            reason = f"LINE HTTP {status}" if status else "LINE unreachable"
            raise DeliveryError(reason, permanent=_permanent(status)) from error
        except (AppError, ValueError) as error:  # a body LINE would refuse, now and later
            reason = f"LINE message refused: {type(error).__name__}"
            raise DeliveryError(reason, permanent=True) from error
