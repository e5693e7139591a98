"""Automatic close: cases waiting for the citizen with no change for N calendar days are
resolved by the system, the citizen is told through the case's channel, and no survey is
asked (the citizen did not see the case through)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, sessionmaker

from api.cases import service
from api.cases.models import Case, CaseStatus
from api.cases.numbering import JAPAN
from api.cases.resolution import enqueue_resolution
from api.channels.registry import ChannelRegistry
from api.conversation.language import citizen_language
from api.core.db import unit_of_work
from api.core.errors import AppError
from api.i18n import translate
from api.outbox.dispatcher import Dispatcher, OutboxPolicy

logger = logging.getLogger(__name__)


@dataclass
class AutoCloseReport:
    closed: list[str] = field(default_factory=list)  # case numbers
    failed: list[tuple[str, str]] = field(default_factory=list)  # (case number, reason)
    # Closed, but the channel refused the message for good: (case number, reason).
    untold: list[tuple[str, str]] = field(default_factory=list)
    # Closed; the message is still to be delivered (the API's outbox dispatcher retries it).
    retrying: list[str] = field(default_factory=list)


def cutoff(waiting_days: int, now: datetime) -> datetime:
    """Cases last changed before this moment have waited `waiting_days` calendar days (Japan
    time): on the 27th with 7 days, those last changed on the 20th or before."""
    today = now.astimezone(JAPAN).date()
    return datetime.combine(today - timedelta(days=waiting_days - 1), time(), tzinfo=JAPAN)


def _stale(before: datetime) -> Select[tuple[Case]]:
    return select(Case).where(
        Case.status == CaseStatus.waiting_citizen.value, Case.updated_at < before
    )


def due(session: Session, waiting_days: int, now: datetime) -> list[str]:
    """The numbers of the cases an automatic close would resolve now, oldest change first."""
    statement = _stale(cutoff(waiting_days, now)).order_by(Case.updated_at, Case.id)
    return [case.case_number for case in session.scalars(statement)]


async def auto_close(
    factory: sessionmaker[Session],
    *,
    waiting_days: int,
    now: datetime,
    channels: ChannelRegistry,
    policy: OutboxPolicy | None = None,
) -> AutoCloseReport:
    """Resolves every due case, each in its own transaction with its message to the citizen
    queued in the outbox: one that cannot be told (LINE not configured) stays open and is
    reported, the others are closed. The messages are then delivered, after every commit; one
    refused is reported too (the case stays closed; its history says the citizen was not
    told)."""
    if waiting_days < 1:
        raise ValueError("waiting_days must be at least 1")
    before = cutoff(waiting_days, now)
    with unit_of_work(factory) as session:
        numbers = due(session, waiting_days, now)
    report = AutoCloseReport()
    deliveries: dict[int, str] = {}  # delivery id -> case number
    for number in numbers:
        try:
            with unit_of_work(factory) as session:
                # Read again, locked: staff may have changed the case since it was listed.
                case = session.scalar(
                    _stale(before).where(Case.case_number == number).with_for_update()
                )
                if case is None:
                    continue
                language = citizen_language(session, case.sender_id, case.language)
                message = translate(language, "auto_close.notice", number=number, days=waiting_days)
                service.close_as_system(session, case, message, now)
                delivery = enqueue_resolution(
                    session,
                    case,
                    actor=service.SYSTEM_ACTOR,
                    survey=False,
                    channels=channels,
                    now=now,
                )
                delivery_id = delivery.id if delivery is not None else None
        except AppError as exc:  # refused before anything changed (LINE not configured …)
            logger.warning("auto-close of case %s failed: %s", number, exc.code)
            report.failed.append((number, exc.message))
            continue
        report.closed.append(number)
        if delivery_id is not None:
            deliveries[delivery_id] = number
    if deliveries:  # after the commits: no network call inside a transaction
        sent = await Dispatcher(factory, channels, policy=policy).deliver(list(deliveries))
        report.untold = [(deliveries[i], "the channel refused the message") for i in sent.failed]
        report.retrying = [deliveries[i] for i in sent.retrying]
    return report
