"""Typed application errors rendered in one place, so every error body has the same shape."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

logger = logging.getLogger(__name__)


class AppError(Exception):
    status_code = 400
    code = "bad_request"
    # Extra response headers (Retry-After …) and fields of the error body.
    headers: dict[str, str] | None = None
    extra: dict[str, object] | None = None

    def __init__(self, message: str, *, status_code: int | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        if status_code is not None:
            self.status_code = status_code
        if code is not None:
            self.code = code


class NotFoundError(AppError):
    status_code = 404
    code = "not_found"


class ConflictError(AppError):
    status_code = 409
    code = "conflict"


class UnauthorizedError(AppError):
    status_code = 401
    code = "unauthorized"


class ServiceUnavailableError(AppError):
    status_code = 503
    code = "service_unavailable"


class DatabaseUnavailableError(ServiceUnavailableError):
    """The database cannot be reached (restarted, its connection dropped): nothing was done,
    the request can be sent again."""

    code = "database_unavailable"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.headers = {"Retry-After": "5"}


def _body(code: str, message: str, **extra: object) -> dict[str, object]:
    return {"error": {"code": code, "message": message, **extra}}


def render(exc: AppError) -> JSONResponse:
    """The response of an error; also for endpoints that must commit before they answer one."""
    headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else {}
    headers.update(exc.headers or {})
    return JSONResponse(
        _body(exc.code, exc.message, **(exc.extra or {})),
        status_code=exc.status_code,
        headers=headers or None,
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(_: Request, exc: AppError) -> JSONResponse:
        return render(exc)

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    async def _database_error(_: Request, exc: Exception) -> JSONResponse:
        # The unit of work rolled back; the pool's pre-ping replaces the dropped connection
        # on the next checkout. Never the statement or its parameters in the log.
        logger.warning("database unavailable: %s", type(getattr(exc, "orig", exc)).__name__)
        return render(
            DatabaseUnavailableError("the database is not reachable; send the request again")
        )

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = [
            {
                "location": ".".join(str(part) for part in err.get("loc", ())),
                "message": err.get("msg", ""),
                "type": err.get("type", ""),
            }
            for err in exc.errors()
        ]
        summary = "; ".join(f"{d['location']}: {d['message']}" for d in details)
        return JSONResponse(
            _body("invalid_request", summary or "invalid request", details=details),
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            _body(f"http_{exc.status_code}", str(exc.detail)),
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )
