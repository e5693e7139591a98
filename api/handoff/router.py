"""Presence of staff in the console: who could answer a live chat right now."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.core.types import utcnow
from api.deps import CurrentStaff, SessionDep
from api.handoff import presence

router = APIRouter(prefix="/api/v1/staff/presence", tags=["staff"])


@router.post("", status_code=204)
def check_in(staff: CurrentStaff, session: SessionDep) -> Response:
    """The console calls this every minute while it is open: its member of staff can be
    offered to citizens who ask for a person (live chat)."""
    presence.mark_seen(session, staff.name, utcnow())
    return Response(status_code=204)


@router.delete("", status_code=204)
def check_out(staff: CurrentStaff, session: SessionDep) -> Response:
    presence.mark_gone(session, staff.name)
    return Response(status_code=204)
