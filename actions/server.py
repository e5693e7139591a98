"""POST /webhook: Rasa's action server, served by the API process."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session, sessionmaker

# Importing the handler modules registers their actions.
from actions import asks, cases, faq, forms, messages  # noqa: F401
from actions.protocol import ActionCall, ActionResult, text
from actions.registry import ActionContext, registry
from actions.tracker import Tracker
from api.core.db import get_session_factory, unit_of_work

logger = logging.getLogger(__name__)
router = APIRouter(tags=["rasa action server"])


@router.post(
    "/webhook",
    response_model=ActionResult,
    responses={404: {"description": "unknown action"}},
)
def run_action(
    call: ActionCall,
    factory: Annotated[sessionmaker[Session], Depends(get_session_factory)],
) -> ActionResult | JSONResponse:
    handler = registry.get(call.next_action)
    if handler is None:
        return JSONResponse(
            {"action_name": call.next_action, "error": f"no action named {call.next_action!r}"},
            status_code=404,
        )
    try:
        with unit_of_work(factory) as session:
            context = ActionContext(tracker=Tracker(call.sender_id, call.tracker), session=session)
            return handler(context)
    except Exception:
        # The citizen gets an apology and a way forward; the details go to the log only
        # (the traceback carries no message text: handlers never put citizen text in errors).
        logger.exception("action %s failed for sender %s", call.next_action, call.sender_id)
        return ActionResult(responses=[text(messages.APOLOGY)])
