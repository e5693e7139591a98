from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from api.core.db import get_session_factory, unit_of_work
from api.faq.knowledge import knowledge_cache

router = APIRouter(tags=["health"])


def _database(factory: sessionmaker[Session]) -> tuple[str, str]:
    """(database state, knowledge state): "fresh" when the bot answers from the database's
    current FAQ and directory, "rebuilding" while a staff edit is being built in."""
    try:
        with unit_of_work(factory, write=False) as session:
            session.execute(text("SELECT 1"))
            return "ok", "fresh" if knowledge_cache.is_fresh(session) else "rebuilding"
    except Exception as exc:  # any driver error means "down" here
        return f"error: {type(exc).__name__}", "unknown"


@router.get("/health", responses={503: {"description": "a component is down"}})
async def health(
    request: Request, factory: Annotated[sessionmaker[Session], Depends(get_session_factory)]
) -> JSONResponse:
    """Reports the database and the conversation engine (503 when either is down), and whether
    the bot's knowledge already holds the latest FAQ edit (`knowledge`: fresh / rebuilding;
    the previous knowledge answers while an edit is built in)."""
    database, knowledge = await run_in_threadpool(_database, factory)
    rasa = "ok" if await request.app.state.rasa.is_ready() else "unreachable"
    healthy = database == "ok" and rasa == "ok"
    return JSONResponse(
        {
            "status": "ok" if healthy else "degraded",
            "database": database,
            "rasa": rasa,
            "knowledge": knowledge,
        },
        status_code=200 if healthy else 503,
    )
