from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from api.core.db import get_session_factory

router = APIRouter(tags=["health"])


@router.get("/health", responses={503: {"description": "a component is down"}})
async def health(
    request: Request, factory: Annotated[sessionmaker[Session], Depends(get_session_factory)]
) -> JSONResponse:
    """Reports the database and the conversation engine; 503 when either is down."""
    try:
        with factory() as session:
            session.execute(text("SELECT 1"))
        database = "ok"
    except Exception as exc:  # any driver error means "down" here
        database = f"error: {type(exc).__name__}"
    rasa = "ok" if await request.app.state.rasa.is_ready() else "unreachable"
    healthy = database == "ok" and rasa == "ok"
    return JSONResponse(
        {"status": "ok" if healthy else "degraded", "database": database, "rasa": rasa},
        status_code=200 if healthy else 503,
    )
