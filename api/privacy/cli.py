"""`madoguchi privacy purge [--dry-run]` (the retention policy, everywhere data lives; safe to
run daily) and `madoguchi privacy erase CASE_NUMBER` (a citizen's request to delete their data)."""

from __future__ import annotations

import argparse
import sys

from api.core.config import get_settings
from api.core.db import begin_write, get_sessionmaker
from api.core.errors import AppError
from api.core.migrate import upgrade_database
from api.core.types import utcnow
from api.privacy.policy import Cutoffs, RetentionPolicy
from api.privacy.service import PurgeReport, erase_case, purge
from api.privacy.tracker import purge_tracker


def _print(report: PurgeReport, tracker: dict[str, int], dry_run: bool) -> None:
    verb = "would remove" if dry_run else "removed"
    for what, count in {**report.counts, **tracker}.items():
        print(f"{verb}\t{count}\t{what}")


def privacy_purge(args: argparse.Namespace) -> int:
    settings = get_settings()
    upgrade_database(settings.database_url)
    now = utcnow()
    cutoffs = Cutoffs.at(RetentionPolicy.from_settings(settings), now)
    session = begin_write(get_sessionmaker()())  # reads, then deletes and masks
    try:
        report = purge(session, cutoffs, now)
        if args.dry_run:
            session.rollback()
        else:
            session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
    # After the API database's commit: the tracker store is another database.
    tracker = {}
    if settings.tracker_store_url:
        tracker = purge_tracker(
            settings.tracker_store_url,
            idle_before=cutoffs.conversation,
            mask_before=cutoffs.mask_tracker,
            senders=report.senders,
            dry_run=args.dry_run,
        )
    _print(report, tracker, args.dry_run)
    return 0


def privacy_erase(args: argparse.Namespace) -> int:
    settings = get_settings()
    upgrade_database(settings.database_url)
    session = begin_write(get_sessionmaker()())  # reads, then deletes and masks
    try:
        report = erase_case(session, args.case_number, actor=args.actor, now=utcnow())
        session.commit()
    except AppError as error:
        session.rollback()
        print(f"madoguchi: {error.message}", file=sys.stderr)
        return 2
    finally:
        session.close()
    tracker = {}
    if settings.tracker_store_url and report.senders:
        tracker = purge_tracker(
            settings.tracker_store_url,
            idle_before=None,
            mask_before=None,
            senders=report.senders,
            dry_run=False,
        )
    _print(report, tracker, dry_run=False)
    return 0


def add_privacy_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    privacy = commands.add_parser("privacy", help="personal data: retention and erasure")
    privacy_commands = privacy.add_subparsers(dest="privacy", required=True)
    run = privacy_commands.add_parser(
        "purge", help="apply the retention policy to the API database and Rasa's tracker store"
    )
    run.add_argument("--dry-run", action="store_true", help="count, change nothing")
    run.set_defaults(run=privacy_purge)
    erase = privacy_commands.add_parser(
        "erase", help="delete a citizen's data by case number (the anonymous counts stay)"
    )
    erase.add_argument("case_number")
    erase.add_argument("--actor", default="cli", help="who asked (for the audit log)")
    erase.set_defaults(run=privacy_erase)
