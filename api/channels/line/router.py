"""POST /line/webhook: signature first, then store the events, answer 200, handle them after."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from api.channels.line import inbox
from api.channels.line.channel import LineChannel, LineNotConfiguredError
from api.channels.line.events import EventProcessor
from api.channels.line.signature import is_valid_signature
from api.core.db import get_session_factory, unit_of_work
from api.core.errors import AppError, UnauthorizedError

logger = logging.getLogger(__name__)

router = APIRouter(tags=["line"])


def _store(factory: sessionmaker[Session], events: list[dict[str, Any]]) -> list[int]:
    with unit_of_work(factory) as session:
        return inbox.store_events(session, events)


@router.post(
    "/line/webhook",
    responses={
        200: {"description": "events stored; they are handled after the response"},
        401: {"description": "missing or wrong X-Line-Signature"},
        503: {"description": "the LINE channel is not configured"},
    },
)
async def line_webhook(
    request: Request,
    background: BackgroundTasks,
    factory: Annotated[sessionmaker[Session], Depends(get_session_factory)],
) -> dict[str, Any]:
    """The LINE platform's webhook. Events are committed to the inbox before the 200, so none
    is lost if the process stops; a redelivered event (same webhookEventId) is ignored."""
    channel: LineChannel | None = getattr(request.app.state, "line", None)
    if channel is None:
        raise LineNotConfiguredError()
    body = await request.body()
    if not is_valid_signature(
        channel.channel_secret, body, request.headers.get("x-line-signature")
    ):
        logger.warning("line webhook: missing or invalid signature; request ignored")
        raise UnauthorizedError("missing or invalid X-Line-Signature")
    try:
        payload = json.loads(body)
    except ValueError as exc:
        raise AppError("the webhook body is not JSON", code="invalid_request") from exc
    events = payload.get("events") if isinstance(payload, dict) else None
    if not isinstance(events, list):
        raise AppError("the webhook body has no events list", code="invalid_request")
    new_ids = await asyncio.to_thread(_store, factory, events) if events else []
    if new_ids:
        processor = EventProcessor(channel, request.app.state.conversation, factory)
        background.add_task(processor.process, new_ids)
    return {}
