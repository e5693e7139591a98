from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from api.conversation.schemas import ChatIn, ChatMessage
from api.conversation.service import ConversationService

router = APIRouter(prefix="/api/v1", tags=["chat"])


def get_conversation_service(request: Request) -> ConversationService:
    return request.app.state.conversation


ConversationDep = Annotated[ConversationService, Depends(get_conversation_service)]


@router.post(
    "/chat",
    response_model=list[ChatMessage],
    response_model_exclude_none=True,
    responses={
        422: {"description": "empty, too long or malformed message, or invalid sender"},
        503: {"description": "the conversation engine is not reachable"},
    },
)
async def chat(body: ChatIn, conversation: ConversationDep) -> list[ChatMessage]:
    """Sends a citizen's message to the bot and returns the bot's messages in order."""
    return await conversation.handle(body.sender, body.message)
