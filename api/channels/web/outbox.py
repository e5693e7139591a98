"""Messages waiting for a citizen's web widget."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.channels.web.models import WebOutboxMessage
from api.conversation.schemas import ChatButton

MAX_BATCH = 50


def post(
    session: Session,
    sender_id: str,
    body: str,
    *,
    case_id: int | None,
    author: str,
    buttons: Sequence[ChatButton] = (),
    delivery_key: str | None = None,
) -> int:
    """Queues a message for the widget; `buttons` are choices shown under it (each sends its
    payload as the citizen's next message); `delivery_key` is the outbox delivery's retry key."""
    message = WebOutboxMessage(
        sender_id=sender_id,
        case_id=case_id,
        author=author,
        body=body,
        buttons=[{"title": b.title, "payload": b.payload} for b in buttons],
        delivery_key=delivery_key,
    )
    session.add(message)
    session.flush()
    return message.id


def after(session: Session, sender_id: str, last_id: int) -> list[WebOutboxMessage]:
    statement = (
        select(WebOutboxMessage)
        .where(WebOutboxMessage.sender_id == sender_id, WebOutboxMessage.id > last_id)
        .order_by(WebOutboxMessage.id)
        .limit(MAX_BATCH)
    )
    return list(session.scalars(statement))
