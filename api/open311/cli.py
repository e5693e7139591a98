"""`madoguchi open311 keys add NAME | list | revoke NAME`: API keys of Open311 clients."""

from __future__ import annotations

import argparse
import sys

from api.core.config import get_settings
from api.core.db import unit_of_work
from api.core.errors import AppError
from api.core.migrate import upgrade_database
from api.open311 import keys


def _add(args: argparse.Namespace) -> int:
    settings = get_settings()
    upgrade_database(settings.database_url)
    per_minute = args.per_minute or settings.open311_requests_per_minute
    try:
        with unit_of_work() as session:
            client, key = keys.issue_key(
                session, args.name, requests_per_minute=per_minute, actor="cli"
            )
            name = client.name
    except AppError as error:
        print(f"madoguchi: {error.message}", file=sys.stderr)
        return 2
    print(f"issued a key for {name} ({per_minute} posts per minute); it is shown only now:")
    print(key)
    return 0


def _list(_: argparse.Namespace) -> int:
    upgrade_database(get_settings().database_url)
    with unit_of_work() as session:
        for client in keys.list_clients(session):
            state = "revoked" if client.revoked_at else "active"
            print(f"{client.name}\t{client.key_prefix}…\t{client.requests_per_minute}/min\t{state}")
    return 0


def _revoke(args: argparse.Namespace) -> int:
    upgrade_database(get_settings().database_url)
    try:
        with unit_of_work() as session:
            keys.revoke_key(session, args.name, actor="cli")
    except AppError as error:
        print(f"madoguchi: {error.message}", file=sys.stderr)
        return 2
    print(f"revoked the key of {args.name}")
    return 0


def add_open311_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    open311 = commands.add_parser("open311", help="Open311 GeoReport v2")
    sub = open311.add_subparsers(dest="open311", required=True)
    key_commands = sub.add_parser("keys", help="API keys of client applications")
    key_sub = key_commands.add_subparsers(dest="keys", required=True)
    add = key_sub.add_parser("add", help="issue a key (printed once; only its hash is stored)")
    add.add_argument("name", help="the client application")
    add.add_argument("--per-minute", type=int, metavar="N", help="posts per minute allowed")
    add.set_defaults(run=_add)
    key_sub.add_parser("list", help="clients and their key prefixes").set_defaults(run=_list)
    revoke = key_sub.add_parser("revoke", help="revoke a client's key")
    revoke.add_argument("name")
    revoke.set_defaults(run=_revoke)
