"""The SQL statements a test's code sends, watched on an engine or a connection."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event


def statements_during(bind: Any, run: Callable[[], object], *verbs: str) -> list[str]:
    """The statements `bind` (an Engine or a Connection) sends while `run()` runs, in order,
    those whose first word is one of `verbs` (SELECT, INSERT …; all of them when none given)."""
    wanted = tuple(verb.upper() for verb in verbs)
    sent: list[str] = []

    def watch(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not wanted or statement.lstrip().upper().startswith(wanted):
            sent.append(statement)

    event.listen(bind, "before_cursor_execute", watch)
    try:
        run()
    finally:
        event.remove(bind, "before_cursor_execute", watch)
    return sent
