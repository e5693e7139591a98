"""The `madoguchi` command line (console script of the API environment).
The database is the one DATABASE_URL names."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from api.core.config import get_settings
from api.core.db import unit_of_work
from api.core.migrate import upgrade_database


def _db_upgrade(_: argparse.Namespace) -> int:
    upgrade_database(get_settings().database_url)
    print("database is at the latest schema")
    return 0


def _city_load(args: argparse.Namespace) -> int:
    from api.seed import load_city

    upgrade_database(get_settings().database_url)
    with unit_of_work() as session:
        departments, entries = load_city(session, Path(args.directory))
    print(f"loaded {departments} departments and {entries} FAQ entries from {args.directory}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="madoguchi", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    db = commands.add_parser("db", help="database schema").add_subparsers(dest="db", required=True)
    db.add_parser("upgrade", help="apply all migrations").set_defaults(run=_db_upgrade)

    city = commands.add_parser("city", help="a city's directory and FAQ")
    city_commands = city.add_subparsers(dest="city", required=True)
    load = city_commands.add_parser("load", help="load departments.yml and faq.csv of DIRECTORY")
    load.add_argument("directory")
    load.set_defaults(run=_city_load)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
