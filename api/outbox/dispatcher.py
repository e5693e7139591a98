"""Delivers the outbox after the commit, never inside a transaction: claim due rows in one short
transaction, call the channel with none open, record the outcome in another short one.

A claimed row is `sending` until its lease (next_attempt_at) ends; a process that dies
mid-send leaves it so, and any dispatcher takes it up again once the lease is over (the retry
key makes the repeated send deliver once). On PostgreSQL several API workers claim with
FOR UPDATE SKIP LOCKED; on SQLite the claim's write transaction (BEGIN IMMEDIATE) already
excludes every other writer, so a row is claimed once either way."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.cases import service as cases
from api.cases.models import Case
from api.channels.base import DeliveryError, Outgoing
from api.channels.registry import ChannelRegistry
from api.core.config import Settings
from api.core.db import unit_of_work
from api.core.types import utcnow
from api.outbox.models import DeliveryState, OutboxDelivery

logger = logging.getLogger(__name__)

BATCH = 20
# A sending row whose lease ended was left by a dead process: claimable again.
_CLAIMABLE = (DeliveryState.pending.value, DeliveryState.sending.value)


@dataclass(frozen=True)
class OutboxPolicy:
    """How hard the dispatcher tries; a city sets it with the MADOGUCHI_OUTBOX_* variables."""

    max_attempts: int = 8
    backoff: timedelta = timedelta(seconds=10)  # 10 s, 20 s, 40 s … about 20 min over 8 tries
    lease: timedelta = timedelta(seconds=60)  # longer than a channel's timeout
    poll_seconds: float = 5.0

    @classmethod
    def from_settings(cls, settings: Settings) -> OutboxPolicy:
        return cls(
            max_attempts=settings.outbox_max_attempts,
            backoff=timedelta(seconds=settings.outbox_backoff_seconds),
            lease=timedelta(seconds=settings.outbox_lease_seconds),
            poll_seconds=settings.outbox_poll_seconds,
        )


@dataclass(frozen=True)
class Claim:
    id: int
    case_id: int | None
    channel: str
    recipient: str
    messages: tuple[Outgoing, ...]
    retry_key: str
    attempts: int


@dataclass
class DispatchReport:
    delivered: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return len(self.delivered) + len(self.retrying) + len(self.failed)


class Dispatcher:
    def __init__(
        self,
        factory: sessionmaker[Session],
        channels: ChannelRegistry,
        *,
        policy: OutboxPolicy | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.factory = factory
        self.channels = channels
        self.policy = policy or OutboxPolicy()
        self.clock = clock

    async def deliver(self, ids: Sequence[int] | None = None) -> DispatchReport:
        """One round: the due deliveries (only `ids`, when given), each sent once."""
        report = DispatchReport()
        batches = [None] if ids is None else [ids[i : i + BATCH] for i in range(0, len(ids), BATCH)]
        for batch in batches:
            claims = await asyncio.to_thread(self._claim, None if batch is None else list(batch))
            for claim in claims:
                error = await self._send(claim)
                state = await asyncio.to_thread(self._record, claim, error)
                {
                    DeliveryState.delivered: report.delivered,
                    DeliveryState.pending: report.retrying,
                    DeliveryState.failed: report.failed,
                }.get(state, []).append(claim.id)
        return report

    async def deliver_now(self, ids: Sequence[int]) -> None:
        """Right after the commit that enqueued `ids` (a route's background task): delivery is
        immediate in the normal case; whatever fails here, the poller takes up again."""
        try:
            await self.deliver(ids)
        except Exception as exc:
            logger.warning("outbox delivery after the commit failed: %s", type(exc).__name__)

    async def run(self, poll_seconds: float | None = None) -> None:
        """Delivers until cancelled, every `poll_seconds` (the policy's by default): retries
        that came due, and what a process that stopped left behind (routes deliver their own
        messages at once)."""
        poll_seconds = self.policy.poll_seconds if poll_seconds is None else poll_seconds
        while True:
            try:
                while (await self.deliver()).handled:
                    pass
            except Exception as exc:  # the database is away: try again at the next poll
                logger.warning("outbox dispatcher round failed: %s", type(exc).__name__)
            await asyncio.sleep(poll_seconds)

    # -- the three steps ------------------------------------------------------------------------

    def _claim(self, ids: list[int] | None) -> list[Claim]:
        now = self.clock()
        with unit_of_work(self.factory) as session:
            statement = select(OutboxDelivery).where(
                OutboxDelivery.state.in_(_CLAIMABLE), OutboxDelivery.next_attempt_at <= now
            )
            if ids is not None:
                statement = statement.where(OutboxDelivery.id.in_(ids))
            statement = statement.order_by(OutboxDelivery.id).limit(BATCH)
            rows = list(session.scalars(statement.with_for_update(skip_locked=True)))
            claims = []
            for row in rows:
                row.state = DeliveryState.sending.value
                row.attempts += 1
                row.next_attempt_at = now + self.policy.lease
                claims.append(
                    Claim(
                        id=row.id,
                        case_id=row.case_id,
                        channel=row.channel,
                        recipient=row.recipient,
                        messages=tuple(Outgoing.from_json(m) for m in row.messages),
                        retry_key=row.retry_key,
                        attempts=row.attempts,
                    )
                )
            return claims

    async def _send(self, claim: Claim) -> DeliveryError | None:
        try:
            channel = self.channels.get(claim.channel)
        except Exception:  # switched off since it was enqueued: it may come back
            return DeliveryError(f"{claim.channel} channel not configured", permanent=False)
        try:
            await channel.send(claim.recipient, claim.messages, retry_key=claim.retry_key)
        except DeliveryError as error:
            return error
        except Exception as exc:  # a bug or an outage we did not foresee: try again later
            return DeliveryError(f"unexpected {type(exc).__name__}", permanent=False)
        return None

    def _record(self, claim: Claim, error: DeliveryError | None) -> DeliveryState | None:
        now = self.clock()
        with unit_of_work(self.factory) as session:
            row = session.get(OutboxDelivery, claim.id, with_for_update=True)
            if (
                row is None
                or row.state != DeliveryState.sending.value
                or row.attempts != claim.attempts
            ):
                return None  # our lease ran out and another dispatcher took the row over
            if error is None:
                row.state = DeliveryState.delivered.value
                row.delivered_at = now
                row.last_error = None
                _forget(row)
                return DeliveryState.delivered
            row.last_error = error.reason
            logger.warning(
                "outbox delivery %d (%s) attempt %d failed: %s",
                row.id,
                row.channel,
                row.attempts,
                error.reason,
            )
            if not error.permanent and row.attempts < self.policy.max_attempts:
                row.state = DeliveryState.pending.value
                row.next_attempt_at = now + self.policy.backoff * 2 ** (row.attempts - 1)
                return DeliveryState.pending
            row.state = DeliveryState.failed.value
            _forget(row)
            case = session.get(Case, row.case_id) if row.case_id is not None else None
            if case is not None:
                cases.record_undelivered(session, case.case_number, error.reason)
            return DeliveryState.failed


def _forget(row: OutboxDelivery) -> None:
    # Over: the case's history keeps what was said; the outbox keeps no personal data.
    row.recipient = ""
    row.messages = []
