"""The texts of a case in progress that the actions route and read entities from: the
description, and the triage text (the description with the place, which opening the case routes
and keeps the entities of). One definition, for the actions and for their preparation outside
the write transaction (actions/prepare.py)."""

from __future__ import annotations

from actions.tracker import Tracker

DESCRIPTION = "case_description"
LOCATION = "case_location"


def triage_text(description: str, location: str | None) -> str:
    return f"{description}\n{location or ''}"


def routed_texts(tracker: Tracker, opening: bool) -> tuple[str, ...]:
    """The texts the actions of the case in progress route: its description (none before
    there is one), and the triage text too when the action opens the case (`opening`)."""
    description = tracker.slot(DESCRIPTION)
    if not isinstance(description, str) or not description:
        return ()
    if not opening:
        return (description,)
    location = tracker.slot(LOCATION)
    return description, triage_text(description, location if isinstance(location, str) else None)
