"""The website channel: the demo city page, the embeddable widget script, and the event stream
that brings staff replies into an open widget."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, StreamingResponse
from sqlalchemy.orm import Session, sessionmaker

from api.channels.web import outbox
from api.channels.web import sessions as chat_sessions
from api.conversation.schemas import SENDER_PATTERN
from api.core.db import get_session_factory, unit_of_work

STATIC = Path(__file__).parent / "static"
POLL_SECONDS = 1.0
HEARTBEAT_SECONDS = 15.0
MAX_ID = 2**53  # larger ids do not exist; larger numbers would overflow the database's integer

router = APIRouter(tags=["web widget"])


@router.get("/", include_in_schema=False)
def demo_page() -> FileResponse:
    """A page of the fictional demo city with the chat widget embedded."""
    return FileResponse(STATIC / "demo.html", media_type="text/html; charset=utf-8")


@router.get("/widget.js", include_in_schema=False)
def widget_script() -> FileResponse:
    """Add the chat to any page: <script src="https://…/widget.js" defer></script>."""
    return FileResponse(
        STATIC / "widget.js",
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "public, max-age=300"},
    )


def _fetch(factory: sessionmaker[Session], sender: str, last_id: int) -> list[dict]:
    with factory() as session:
        return [
            {
                "id": m.id,
                "text": m.body,
                "author": m.author,
                "at": m.created_at.isoformat(),
                "buttons": m.buttons or [],  # added later: older widgets ignore it
            }
            for m in outbox.after(session, sender, last_id)
        ]


@router.get(
    "/api/v1/chat/{sender}/events",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/event-stream": {}}},
        401: {"description": "no chat token"},
        403: {"description": "a sender the server did not issue, or a token not its own"},
        422: {"description": "a non-web sender"},
    },
)
async def chat_events(
    request: Request,
    factory: Annotated[sessionmaker[Session], Depends(get_session_factory)],
    sender: Annotated[str, PathParam(pattern=SENDER_PATTERN)],
    after: Annotated[int, Query(ge=0, le=MAX_ID, description="last message id the widget has")] = 0,
    last_event_id: Annotated[str | None, Header()] = None,
    token: Annotated[
        str | None,
        Query(max_length=200, description="the chat token (EventSource cannot set headers)"),
    ] = None,
    authorization: Annotated[str | None, Header(description="Bearer <chat token>")] = None,
) -> StreamingResponse:
    """Server-sent events: each message for this conversation sent outside the chat's own
    answers (staff replies, a resolution and its survey) as `event: staff_reply` with data
    `{"id", "text", "author", "at", "buttons": [{"title", "payload"}]}`; `author` is "staff",
    or "bot" for automatic messages. Reads the database, so replies made on any API process
    arrive, and a reconnecting browser (Last-Event-ID) misses nothing. Needs the
    conversation's token: `?token=` (EventSource) or `Authorization: Bearer`."""
    chat_sessions.check_channel(sender)
    secret = chat_sessions.token_from(authorization, token)

    def verify() -> None:
        with unit_of_work(factory) as session:
            chat_sessions.verify(session, sender, secret)

    await asyncio.to_thread(verify)
    start = after
    if last_event_id and last_event_id.isascii() and last_event_id.isdigit():
        start = min(int(last_event_id[:20]), MAX_ID)

    async def stream() -> AsyncIterator[str]:
        last_id = start
        idle = 0.0
        yield "retry: 3000\n\n"
        while not await request.is_disconnected():
            for message in await asyncio.to_thread(_fetch, factory, sender, last_id):
                last_id = message["id"]
                data = json.dumps(message, ensure_ascii=False)
                yield f"id: {last_id}\nevent: staff_reply\ndata: {data}\n\n"
                idle = 0.0
            if idle >= HEARTBEAT_SECONDS:  # keeps proxies from closing a quiet stream
                yield ": ping\n\n"
                idle = 0.0
            await asyncio.sleep(POLL_SECONDS)
            idle += POLL_SECONDS

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
