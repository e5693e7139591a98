from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session, sessionmaker

from api.channels.web import sessions as chat_sessions
from api.conversation.schemas import ChatIn, ChatMessage, ChatSessionOut
from api.conversation.service import ConversationService
from api.core.db import get_session_factory, unit_of_work

router = APIRouter(prefix="/api/v1", tags=["chat"])

TOKEN_HELP = "Bearer <token> from POST /api/v1/chat/sessions"


async def get_conversation_service(request: Request) -> ConversationService:
    # a coroutine: a plain function dependency would cost a thread-pool hop per message
    return request.app.state.conversation


ConversationDep = Annotated[ConversationService, Depends(get_conversation_service)]
FactoryDep = Annotated[sessionmaker[Session], Depends(get_session_factory)]


def _issue(factory: sessionmaker[Session]) -> tuple[str, str]:
    with unit_of_work(factory) as session:
        return chat_sessions.issue(session)


@router.post("/chat/sessions", response_model=ChatSessionOut, status_code=201)
async def open_chat_session(factory: FactoryDep) -> ChatSessionOut:
    """Opens a web conversation: an unguessable `sender` id and a secret `token`, shown once.
    Send the token with every message (`Authorization: Bearer <token>`) and with the event
    stream (`?token=<token>`); keep both for as long as the conversation lasts."""
    sender, token = await run_in_threadpool(_issue, factory)
    return ChatSessionOut(sender=sender, token=token)


@router.post(
    "/chat",
    response_model=list[ChatMessage],
    response_model_exclude_none=True,
    responses={
        401: {"description": "no chat token (Authorization: Bearer <token>)"},
        403: {"description": "a sender the server did not issue, or a token not its own"},
        422: {"description": "empty, too long or malformed message, or a non-web sender"},
        503: {"description": "the conversation engine is not reachable"},
    },
)
async def chat(
    body: ChatIn,
    conversation: ConversationDep,
    authorization: Annotated[str | None, Header(description=TOKEN_HELP)] = None,
) -> list[ChatMessage]:
    """Sends a citizen's message to the bot and returns the bot's messages in order. The sender
    must be a conversation opened with POST /api/v1/chat/sessions, with its token."""
    chat_sessions.check_channel(body.sender)
    token = chat_sessions.token_from(authorization)
    check = chat_sessions.TokenCheck(body.sender, token)
    return await conversation.handle(body.sender, body.message, check=check)
