"""What every citizen-facing channel offers the outbox: who a case's citizen is on it, and a
way to send them messages. Domain code never imports a channel; it enqueues (api.outbox) and the
dispatcher calls `Channel.send` after the commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from sqlalchemy.orm import Session, sessionmaker

from api.cases.models import Case
from api.conversation.schemas import ChatButton
from api.core.config import Settings
from api.core.errors import AppError


@dataclass(frozen=True)
class Outgoing:
    """One message for the citizen: who it is from ("staff", or "bot" for automatic
    messages, as the widget labels it) and the choices shown under it."""

    text: str
    author: str = "staff"
    buttons: Sequence[ChatButton] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "author": self.author,
            "buttons": [{"title": b.title, "payload": b.payload} for b in self.buttons],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Outgoing:
        buttons = tuple(ChatButton(**b) for b in data.get("buttons") or ())
        return cls(str(data["text"]), str(data.get("author") or "staff"), buttons)


class DeliveryError(Exception):
    """A send that did not reach the citizen. `permanent`: trying again cannot help (LINE
    refused the request); otherwise the outbox retries later. `reason` is short and holds no
    personal data (it goes to logs and to the case's history)."""

    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason[:200]
        self.permanent = permanent


class ChannelNotSupportedError(AppError):
    # The case is fine and so is the request; what it asks for conflicts with the case's channel.
    status_code = 409
    code = "channel_not_supported"


class NoRecipientError(AppError):
    status_code = 409
    code = "no_recipient"


class SenderAddressed:
    """For a channel whose citizen's address is in the conversation's sender id."""

    label: ClassVar[str]  # the channel's name in messages

    @staticmethod
    def parse_sender(sender_id: str | None) -> str | None:
        raise NotImplementedError

    def reachable(self, case: Case) -> bool:
        return self.parse_sender(case.sender_id) is not None

    def recipient(self, case: Case) -> str:
        address = self.parse_sender(case.sender_id)
        if address is None:
            raise NoRecipientError(f"case {case.case_number} has no {self.label} user to reply to")
        return address


class Channel(Protocol):
    """A channel that carries messages to citizens (one package under api/channels)."""

    name: ClassVar[str]
    not_configured: ClassVar[str]  # says which settings switch the channel on

    @staticmethod
    def parse_sender(sender_id: str | None) -> str | None:
        """The channel's own address in a conversation's sender id, or None."""
        ...

    @classmethod
    def build(cls, settings: Settings, factory: sessionmaker[Session]) -> Channel | None:
        """The channel as `settings` configure it, or None when it is off."""
        ...

    def reachable(self, case: Case) -> bool: ...

    def recipient(self, case: Case) -> str:
        """Where the case's citizen is reached (raises 409 `no_recipient` when nowhere)."""
        ...

    async def send(self, recipient: str, messages: Sequence[Outgoing], *, retry_key: str) -> None:
        """Sends `messages` in order; sending twice with one `retry_key` delivers them once.
        Raises DeliveryError."""
        ...
