"""Enqueueing messages for a citizen, inside the caller's transaction: the delivery commits (or
rolls back) with the change that caused it. Never commits."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.cases.models import Case
from api.channels.base import Outgoing
from api.channels.registry import ChannelRegistry
from api.core.errors import AppError
from api.outbox.models import DeliveryState, OutboxDelivery

SHOWN_PER_CASE = 20  # the latest deliveries shown with a case


def enqueue(
    session: Session,
    case: Case,
    messages: Sequence[Outgoing],
    *,
    channels: ChannelRegistry,
    retry_key: str | None = None,
) -> OutboxDelivery:
    """Queues `messages` for the case's citizen, to be sent together, in order, after the
    commit. Refuses here, before anything is committed, what would never be delivered: a
    channel that carries no messages (409 `channel_not_supported`), one not configured (503),
    no recipient (409 `no_recipient`), nothing to say (422 `empty_message`)."""
    channel = channels.get(case.channel)
    recipient = channel.recipient(case)
    if not any(m.text.strip() for m in messages):
        raise AppError("the message to send is empty", status_code=422, code="empty_message")
    delivery = OutboxDelivery(
        case_id=case.id,
        channel=channel.name,
        recipient=recipient,
        messages=[m.to_json() for m in messages],
        retry_key=retry_key or str(uuid.uuid4()),
        state=DeliveryState.pending.value,
        attempts=0,
    )
    session.add(delivery)
    session.flush()
    return delivery


def of_case(session: Session, case_id: int) -> list[OutboxDelivery]:
    """The case's latest deliveries, oldest first."""
    statement = (
        select(OutboxDelivery)
        .where(OutboxDelivery.case_id == case_id)
        .order_by(OutboxDelivery.id.desc())
        .limit(SHOWN_PER_CASE)
    )
    return list(reversed(list(session.scalars(statement))))


def failed(session: Session, limit: int = 100) -> list[OutboxDelivery]:
    """Deliveries that failed for good, latest first."""
    statement = (
        select(OutboxDelivery)
        .where(OutboxDelivery.state == DeliveryState.failed.value)
        .order_by(OutboxDelivery.id.desc())
        .limit(limit)
    )
    return list(session.scalars(statement))
