"""`madoguchi cases auto-close --waiting-days N` (run it daily, e.g. from cron)."""

from __future__ import annotations

import argparse
import asyncio
import sys

from api.cases.auto_close import auto_close, due
from api.channels.registry import build_registry
from api.core.config import get_settings
from api.core.db import get_sessionmaker, unit_of_work
from api.core.migrate import upgrade_database
from api.core.types import utcnow
from api.outbox.dispatcher import OutboxPolicy


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def cases_auto_close(args: argparse.Namespace) -> int:
    settings = get_settings()
    upgrade_database(settings.database_url)
    now = utcnow()
    if args.dry_run:
        with unit_of_work() as session:
            numbers = due(session, args.waiting_days, now)
        for number in numbers:
            print(f"would close {number}")
        print(
            f"{len(numbers)} case(s) waiting for the citizen for {args.waiting_days} days or more"
        )
        return 0
    report = asyncio.run(
        auto_close(
            get_sessionmaker(),
            waiting_days=args.waiting_days,
            now=now,
            channels=build_registry(settings, get_sessionmaker()),
            policy=OutboxPolicy.from_settings(settings),
        )
    )
    for number in report.closed:
        print(f"closed {number}")
    for number, reason in report.failed:
        print(f"madoguchi: {number}: not closed: {reason}", file=sys.stderr)
    for number in report.retrying:
        print(f"{number}: closed; the message to the citizen will be retried", file=sys.stderr)
    for number, reason in report.untold:
        print(
            f"madoguchi: {number}: closed, but the citizen was not told: {reason}", file=sys.stderr
        )
    print(
        f"auto-closed {len(report.closed)} case(s) waiting for the citizen for "
        f"{args.waiting_days} days or more"
        + (f"; {len(report.failed)} left open" if report.failed else "")
    )
    return 1 if report.failed or report.untold else 0


def add_case_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cases = commands.add_parser("cases", help="cases")
    case_commands = cases.add_subparsers(dest="cases", required=True)
    close = case_commands.add_parser(
        "auto-close",
        help="resolve cases waiting for the citizen with no change for N calendar days "
        "(actor 'system'; the citizen is told, no survey is asked)",
    )
    close.add_argument(
        "--waiting-days",
        type=_positive,
        required=True,
        metavar="N",
        help="calendar days (Japan time) without any change to the case",
    )
    close.add_argument("--dry-run", action="store_true", help="list the cases, change nothing")
    close.set_defaults(run=cases_auto_close)
