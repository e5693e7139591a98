"""`madoguchi staff add NAME --department D --role R`."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from api.core.config import get_settings
from api.core.db import unit_of_work
from api.core.errors import AppError
from api.core.migrate import upgrade_database
from api.staff.models import StaffRole
from api.staff.service import add_staff

PASSWORD_VARIABLE = "MADOGUCHI_STAFF_PASSWORD"


def _password() -> str:
    from_environment = os.environ.get(PASSWORD_VARIABLE)
    if from_environment:
        return from_environment
    first = getpass.getpass("password: ")
    if getpass.getpass("password again: ") != first:
        raise AppError("the two passwords differ")
    return first


def staff_add(args: argparse.Namespace) -> int:
    upgrade_database(get_settings().database_url)
    try:
        with unit_of_work() as session:
            user = add_staff(
                session,
                args.name,
                _password(),
                StaffRole(args.role),
                args.department or [],
                actor="cli",
            )
            departments = ", ".join(sorted(user.department_codes)) or "all departments"
    except (AppError, ValueError) as error:
        print(f"madoguchi: {getattr(error, 'message', error)}", file=sys.stderr)
        return 2
    print(f"created {args.name} ({args.role}; {departments})")
    return 0


def add_staff_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    staff = commands.add_parser("staff", help="staff accounts")
    staff_commands = staff.add_subparsers(dest="staff", required=True)
    add = staff_commands.add_parser(
        "add", help=f"create an account (password from a prompt, or from {PASSWORD_VARIABLE})"
    )
    add.add_argument("name")
    add.add_argument("--department", action="append", help="a department code (repeat for several)")
    add.add_argument(
        "--role", required=True, choices=[role.value for role in StaffRole], help="what they may do"
    )
    add.set_defaults(run=staff_add)
