"""POST /webhook: Rasa's action server, served by the API process."""

from __future__ import annotations

import hmac
import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

# Importing the handler modules registers their actions.
from actions import asks, cases, faq, forms, language, messages  # noqa: F401
from actions.prepare import prepare
from actions.protocol import ActionCall, ActionResult, text
from actions.registry import ActionContext, registry
from actions.tracker import Tracker
from api.conversation.language import language_of
from api.core.config import Settings, settings_dependency
from api.core.db import get_session_factory, unit_of_work
from api.core.errors import UnauthorizedError

logger = logging.getLogger(__name__)
router = APIRouter(tags=["rasa action server"])


@router.post(
    "/webhook",
    response_model=ActionResult,
    responses={
        401: {"description": "missing or wrong ?token= (ACTION_ENDPOINT_TOKEN)"},
        404: {"description": "unknown action"},
    },
)
def run_action(
    call: ActionCall,
    factory: Annotated[sessionmaker[Session], Depends(get_session_factory)],
    settings: Annotated[Settings, Depends(settings_dependency)],
    token: Annotated[str | None, Query(max_length=200, description="ACTION_ENDPOINT_TOKEN")] = None,
) -> ActionResult | JSONResponse:
    expected = settings.action_endpoint_token
    if expected is not None and not hmac.compare_digest(
        (token or "").encode(), expected.get_secret_value().encode()
    ):
        raise UnauthorizedError("the action server answers Rasa only: missing or wrong ?token=")
    handler = registry.get(call.next_action)
    if handler is None:
        return JSONResponse(
            {"action_name": call.next_action, "error": f"no action named {call.next_action!r}"},
            status_code=404,
        )
    tracker = Tracker(call.sender_id, call.tracker)
    prepare(factory, call.next_action, tracker, settings.admin_token.get_secret_value())
    try:
        with unit_of_work(factory) as session:
            return handler(ActionContext(tracker=tracker, session=session))
    except Exception:
        # The citizen gets an apology and a way forward; the details go to the log only
        # (the traceback carries no message text: handlers never put citizen text in errors).
        logger.exception("action %s failed for sender %s", call.next_action, call.sender_id)
        return ActionResult(responses=[text(_apology(factory, call.sender_id))])


def _apology(factory: sessionmaker[Session], sender_id: str) -> str:
    """The apology in the conversation's language (Japanese when the database cannot say)."""
    try:
        with unit_of_work(factory) as session:
            language = language_of(session, sender_id)
    except SQLAlchemyError:
        language = None
    return messages.say(language or "ja", "apology")
