"""A staff reply goes back to the citizen through the channel the case came from."""

from __future__ import annotations

from sqlalchemy.orm import Session

from api.cases.models import Case
from api.channels.line.channel import LineChannel
from api.channels.line.delivery import ChannelNotSupportedError, deliver_to_citizen
from api.channels.web import outbox
from api.core.errors import AppError


async def deliver_reply(
    session: Session, case: Case, body: str, *, line: LineChannel | None, author: str
) -> str:
    """Delivers `body` to the citizen of `case` and returns the channel it went through.
    Web replies wait in the widget's outbox (same transaction as the case's history);
    LINE replies are pushed at once."""
    if case.channel == "web":
        if not case.sender_id:
            raise AppError(
                f"case {case.case_number} has no conversation to reply to",
                status_code=409,
                code="no_recipient",
            )
        outbox.post(session, case.sender_id, body, case_id=case.id, author=author)
        return "web"
    if case.channel == "line":
        await deliver_to_citizen(case, body, channel=line)
        return "line"
    raise ChannelNotSupportedError(
        f"case {case.case_number} came from the '{case.channel}' channel, which has no way to "
        f"send a reply; contact the citizen directly"
    )
