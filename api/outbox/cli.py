"""`madoguchi outbox deliver` (one round now, e.g. when no API process runs) and
`madoguchi outbox failed` (the deliveries that did not reach the citizen)."""

from __future__ import annotations

import argparse
import asyncio

from api.cases.models import Case
from api.channels.registry import build_registry
from api.core.config import get_settings
from api.core.db import get_sessionmaker, unit_of_work
from api.core.migrate import upgrade_database
from api.outbox import service
from api.outbox.dispatcher import Dispatcher, OutboxPolicy


def outbox_deliver(_: argparse.Namespace) -> int:
    settings = get_settings()
    upgrade_database(settings.database_url)
    factory = get_sessionmaker()
    dispatcher = Dispatcher(
        factory, build_registry(settings, factory), policy=OutboxPolicy.from_settings(settings)
    )
    delivered = retrying = failed = 0
    while True:  # every due delivery, a batch at a time
        report = asyncio.run(dispatcher.deliver())
        delivered += len(report.delivered)
        retrying += len(report.retrying)
        failed += len(report.failed)
        if not report.handled:
            break
    print(f"delivered {delivered}, to retry later {retrying}, failed {failed}")
    return 1 if failed else 0


def outbox_failed(args: argparse.Namespace) -> int:
    upgrade_database(get_settings().database_url)
    with unit_of_work(write=False) as session:
        rows = service.failed(session, args.limit)
        numbers = {
            case.id: case.case_number
            for case in session.query(Case).filter(Case.id.in_({r.case_id for r in rows}))
        }
        for row in rows:
            number = numbers.get(row.case_id or -1, "-")
            print(
                f"{row.id}\t{number}\t{row.channel}\t{row.attempts}\t"
                f"{row.updated_at.isoformat()}\t{row.last_error or ''}"
            )
    print(f"{len(rows)} failed deliver{'y' if len(rows) == 1 else 'ies'}")
    return 0


def add_outbox_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    outbox = commands.add_parser("outbox", help="messages to citizens waiting for delivery")
    outbox_commands = outbox.add_subparsers(dest="outbox", required=True)
    deliver = outbox_commands.add_parser(
        "deliver", help="deliver every due message now (retries included), then stop"
    )
    deliver.set_defaults(run=outbox_deliver)
    failed = outbox_commands.add_parser(
        "failed",
        help="list the deliveries that did not reach the citizen "
        "(id, case, channel, attempts, time, reason)",
    )
    failed.add_argument("--limit", type=int, default=100, help="at most this many (latest first)")
    failed.set_defaults(run=outbox_failed)
