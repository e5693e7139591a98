"""Dependency aliases shared by the routers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy.orm import Session, sessionmaker

from api.core.config import Settings, settings_dependency
from api.core.db import get_read_session, get_session, get_session_factory, unit_of_work
from api.core.errors import AppError
from api.staff.auth import StaffPrincipal, authenticate_bearer
from api.staff.service import principal_for_token
from api.staff.session import (
    CSRF_HEADER,
    SAFE_METHODS,
    SESSION_COOKIE,
    csrf_is_valid,
)

# Paging offsets beyond this are refused (422): larger numbers would overflow the database.
MAX_OFFSET = 1_000_000_000

# The request's unit of work commits when the route returns, before the response is sent
# (scope "function"): a client never sees a success that is not yet committed, and its next
# request, whose reads no longer wait for writers, reads what it wrote.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
# Routes that only read: on SQLite they never wait for a writer.
ReadSessionDep = Annotated[Session, Depends(get_read_session, scope="function")]
FactoryDep = Annotated[sessionmaker[Session], Depends(get_session_factory)]
SettingsDep = Annotated[Settings, Depends(settings_dependency)]


def _current_staff(
    request: Request,
    settings: SettingsDep,
    factory: FactoryDep,
    authorization: Annotated[str | None, Header()] = None,
) -> StaffPrincipal:
    """A bearer token (API clients), or the console's session cookie with its CSRF header.
    Looked up in a short read of its own: a route that then waits on the network (Rasa, LINE)
    holds no transaction."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if authorization is None and cookie:
        if request.method not in SAFE_METHODS and not csrf_is_valid(
            cookie, request.headers.get(CSRF_HEADER)
        ):
            raise AppError("missing or wrong CSRF token", status_code=403, code="csrf")
        authorization = f"Bearer {cookie}"

    def lookup(token: str) -> StaffPrincipal | None:
        with unit_of_work(factory, write=False) as session:
            return principal_for_token(session, token)

    return authenticate_bearer(authorization, settings, lookup)


CurrentStaff = Annotated[StaffPrincipal, Depends(_current_staff)]


def _current_admin(staff: CurrentStaff) -> StaffPrincipal:
    if not staff.is_admin:
        raise AppError("administrators only", status_code=403, code="forbidden")
    return staff


CurrentAdmin = Annotated[StaffPrincipal, Depends(_current_admin)]
