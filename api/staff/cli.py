"""`madoguchi staff add|list|disable|enable|role|reset|revoke …`: staff accounts from the
command line (the console and /api/v1/staff/accounts do the same for administrators)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable

from sqlalchemy.orm import Session

from api.core.config import get_settings
from api.core.db import unit_of_work
from api.core.errors import AppError
from api.core.migrate import upgrade_database
from api.core.types import utcnow
from api.staff.models import StaffRole
from api.staff.repository import StaffRepository
from api.staff.service import (
    add_staff,
    list_staff,
    reset_password,
    revoke_tokens,
    update_staff,
)

PASSWORD_VARIABLE = "MADOGUCHI_STAFF_PASSWORD"
ACTOR = "cli"


def _password() -> str:
    from_environment = os.environ.get(PASSWORD_VARIABLE)
    if from_environment:
        return from_environment
    first = getpass.getpass("password: ")
    if getpass.getpass("password again: ") != first:
        raise AppError("the two passwords differ")
    return first


def _run(work: Callable[[Session], str]) -> int:
    """Runs one change in one transaction; prints what it did, or the reason it could not."""
    upgrade_database(get_settings().database_url)
    try:
        with unit_of_work() as session:
            said = work(session)
    except (AppError, ValueError) as error:
        print(f"madoguchi: {getattr(error, 'message', error)}", file=sys.stderr)
        return 2
    print(said)
    return 0


def staff_add(args: argparse.Namespace) -> int:
    def work(session: Session) -> str:
        user = add_staff(
            session,
            args.name,
            _password(),
            StaffRole(args.role),
            args.department or [],
            actor=ACTOR,
        )
        departments = ", ".join(sorted(user.department_codes)) or "all departments"
        return f"created {args.name} ({args.role}; {departments})"

    return _run(work)


def staff_list(args: argparse.Namespace) -> int:
    def work(session: Session) -> str:
        repository, now = StaffRepository(session), utcnow()
        lines = [
            "\t".join(
                (
                    user.username,
                    user.role,
                    ",".join(sorted(user.department_codes)) or "-",
                    "active" if user.active else "disabled",
                    f"{repository.active_tokens(user.id, now)} tokens",
                )
            )
            for user in list_staff(session)
        ]
        return "\n".join(lines) or "no staff accounts"

    return _run(work)


def staff_disable(args: argparse.Namespace) -> int:
    return _run(
        lambda s: (
            update_staff(s, args.name, actor=ACTOR, active=False)
            and f"disabled {args.name}; its sessions and tokens no longer work"
        )
    )


def staff_enable(args: argparse.Namespace) -> int:
    return _run(
        lambda s: update_staff(s, args.name, actor=ACTOR, active=True) and f"enabled {args.name}"
    )


def staff_role(args: argparse.Namespace) -> int:
    def work(session: Session) -> str:
        user = update_staff(
            session,
            args.name,
            actor=ACTOR,
            role=StaffRole(args.role),
            departments=args.department,
        )
        departments = ", ".join(sorted(user.department_codes)) or "all departments"
        return f"{args.name} is now {user.role} ({departments})"

    return _run(work)


def staff_reset(args: argparse.Namespace) -> int:
    return _run(
        lambda s: (
            reset_password(s, args.name, _password(), actor=ACTOR)
            and f"new password set for {args.name}; its sessions and tokens were ended"
        )
    )


def staff_revoke(args: argparse.Namespace) -> int:
    return _run(lambda s: f"revoked {revoke_tokens(s, args.name, actor=ACTOR)} tokens")


def add_staff_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    staff = commands.add_parser("staff", help="staff accounts")
    staff_commands = staff.add_subparsers(dest="staff", required=True)
    roles = [role.value for role in StaffRole]
    add = staff_commands.add_parser(
        "add", help=f"create an account (password from a prompt, or from {PASSWORD_VARIABLE})"
    )
    add.add_argument("name")
    add.add_argument("--department", action="append", help="a department code (repeat for several)")
    add.add_argument("--role", required=True, choices=roles, help="what they may do")
    add.set_defaults(run=staff_add)
    staff_commands.add_parser("list", help="every account").set_defaults(run=staff_list)
    for name, run, what in (
        ("disable", staff_disable, "stop an account signing in; its sessions and tokens end now"),
        ("enable", staff_enable, "let a disabled account sign in again"),
        ("reset", staff_reset, f"set a new password (prompt, or {PASSWORD_VARIABLE})"),
        ("revoke", staff_revoke, "end every session and token of an account"),
    ):
        command = staff_commands.add_parser(name, help=what)
        command.add_argument("name")
        command.set_defaults(run=run)
    role = staff_commands.add_parser("role", help="change an account's role and departments")
    role.add_argument("name")
    role.add_argument("--role", required=True, choices=roles)
    role.add_argument("--department", action="append", help="a department code (repeat)")
    role.set_defaults(run=staff_role)
