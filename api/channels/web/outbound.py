"""The web widget as the outbox sees it: a send appends to the widget's outbox, which its event
stream reads. The retry key is stored with the messages, so a send repeated after a crash
finds them there and adds nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import ClassVar

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.channels.base import Outgoing, SenderAddressed
from api.channels.web import outbox
from api.channels.web.models import WebOutboxMessage
from api.core.config import Settings
from api.core.db import unit_of_work
from api.outbox.models import OutboxDelivery


class WebOutbound(SenderAddressed):
    label: ClassVar[str] = "web"
    name: ClassVar[str] = "web"
    not_configured: ClassVar[str] = "the web channel is always on"

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self.factory = factory

    @staticmethod
    def parse_sender(sender_id: str | None) -> str | None:
        return sender_id or None

    @classmethod
    def build(cls, settings: Settings, factory: sessionmaker[Session]) -> WebOutbound:
        return cls(factory)  # always on: the widget is part of the API

    async def send(self, recipient: str, outgoing: Sequence[Outgoing], *, retry_key: str) -> None:
        await asyncio.to_thread(self._append, recipient, outgoing, retry_key)

    def _append(self, recipient: str, outgoing: Sequence[Outgoing], retry_key: str) -> None:
        with unit_of_work(self.factory) as session:
            done = select(WebOutboxMessage.id).where(WebOutboxMessage.delivery_key == retry_key)
            if session.scalar(done.limit(1)) is not None:
                return
            case_id = session.scalar(
                select(OutboxDelivery.case_id).where(OutboxDelivery.retry_key == retry_key)
            )
            for message in outgoing:
                outbox.post(
                    session,
                    recipient,
                    message.text,
                    case_id=case_id,
                    author=message.author,
                    buttons=message.buttons,
                    delivery_key=retry_key,
                )
