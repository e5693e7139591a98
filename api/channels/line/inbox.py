"""The webhook inbox: every event is stored inside the webhook request (before the 200), then
claimed by exactly one worker, handled, and marked done.

- Durability: a crash after the 200 leaves the row `pending`; `pending_ids()` finds it at the
  next start-up.
- No double handling: `webhook_event_id` is unique, so a redelivery (or the same delivery
  arriving twice at once, on SQLite or PostgreSQL) fails the insert; and a row is handled only
  by whoever moves it from `pending` to `processing` (one atomic UPDATE).
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from api.channels.line.models import InboxStatus, LineInboxEvent
from api.core.db import unit_of_work
from api.core.types import utcnow

logger = logging.getLogger(__name__)

# A row claimed longer ago than this belongs to a worker that died; start-up takes it again.
STALE_CLAIM = timedelta(minutes=10)


def event_key(event: dict[str, Any]) -> str:
    """LINE's webhookEventId; events without one (never seen in practice) get a content hash."""
    key = event.get("webhookEventId")
    if isinstance(key, str) and key:
        return key[:100]
    raw = json.dumps(event, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return "sha256:" + hashlib.sha256(raw).hexdigest()[:64]


def store_events(session: Session, events: list[dict[str, Any]]) -> list[int]:
    """Inserts the events not seen before; returns the new rows' ids in the webhook's order."""
    new_ids: list[int] = []
    for event in events:
        if not isinstance(event, dict):
            continue
        key = event_key(event)
        event_type = str(event.get("type", "unknown"))[:40]
        redelivery = bool((event.get("deliveryContext") or {}).get("isRedelivery", False))
        if session.scalar(select(LineInboxEvent.id).where(LineInboxEvent.webhook_event_id == key)):
            logger.info("line event %s (%s) already received; skipped", key, event_type)
            continue
        row = LineInboxEvent(
            webhook_event_id=key,
            event_type=event_type,
            is_redelivery=redelivery,
            payload=event,
            status=InboxStatus.pending.value,
            attempts=0,
            received_at=utcnow(),
        )
        try:
            # A savepoint: a concurrent twin with the same key loses only this insert.
            with session.begin_nested():
                session.add(row)
                session.flush()
        except IntegrityError:
            logger.info("line event %s (%s) received concurrently; skipped", key, event_type)
            continue
        logger.info("line event %s (%s) stored, redelivery=%s", key, event_type, redelivery)
        new_ids.append(row.id)
    return new_ids


def claim(factory: sessionmaker[Session], row_id: int) -> dict[str, Any] | None:
    """Moves a row from pending (or a stale claim) to processing; returns its event, or None
    when another worker has it or it is finished."""
    now = utcnow()
    with unit_of_work(factory) as session:
        result = session.execute(
            update(LineInboxEvent)
            .where(
                LineInboxEvent.id == row_id,
                or_(
                    LineInboxEvent.status == InboxStatus.pending.value,
                    (LineInboxEvent.status == InboxStatus.processing.value)
                    & (LineInboxEvent.claimed_at < now - STALE_CLAIM),
                ),
            )
            .values(
                status=InboxStatus.processing.value,
                claimed_at=now,
                attempts=LineInboxEvent.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return None
        return session.scalar(select(LineInboxEvent.payload).where(LineInboxEvent.id == row_id))


# What a handled event keeps: enough to tell what it was, nothing the citizen wrote or sent
# and not their LINE user id (the unique webhook_event_id column keeps redeliveries out).
_KEPT_KEYS = ("type", "mode", "timestamp", "webhookEventId", "deliveryContext")


def redacted(event: dict[str, Any]) -> dict[str, Any]:
    kept: dict[str, Any] = {k: event[k] for k in _KEPT_KEYS if k in event}
    source = event.get("source")
    if isinstance(source, dict) and "type" in source:
        kept["source"] = {"type": source["type"]}
    message = event.get("message")
    if isinstance(message, dict):
        kept["message"] = {k: message[k] for k in ("type", "id") if k in message}
    kept["redacted"] = True
    return kept


def finish(
    factory: sessionmaker[Session], row_id: int, *, error: BaseException | None = None
) -> None:
    """Marks the event handled, and drops what the citizen sent from the stored payload:
    once handled, the inbox has no use for it (personal data is kept no longer than needed)."""
    with unit_of_work(factory) as session:
        payload = session.scalar(select(LineInboxEvent.payload).where(LineInboxEvent.id == row_id))
        session.execute(
            update(LineInboxEvent)
            .where(LineInboxEvent.id == row_id)
            .values(
                status=(InboxStatus.failed if error else InboxStatus.done).value,
                last_error=type(error).__name__[:200] if error else None,
                processed_at=utcnow(),
                payload=redacted(payload) if isinstance(payload, dict) else {"redacted": True},
            )
            .execution_options(synchronize_session=False)
        )


def pending_ids(factory: sessionmaker[Session], now: datetime | None = None) -> list[int]:
    """Rows left undone: never started, or claimed by a worker that died."""
    now = now or utcnow()
    with unit_of_work(factory) as session:
        return list(
            session.scalars(
                select(LineInboxEvent.id)
                .where(
                    or_(
                        LineInboxEvent.status == InboxStatus.pending.value,
                        (LineInboxEvent.status == InboxStatus.processing.value)
                        & (LineInboxEvent.claimed_at < now - STALE_CLAIM),
                    )
                )
                .order_by(LineInboxEvent.id)
            )
        )
