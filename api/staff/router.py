from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm

from api.deps import CurrentStaff, SessionDep, SettingsDep
from api.staff.auth import StaffPrincipal
from api.staff.schemas import LoginIn, MeOut, TokenOut
from api.staff.service import issue_token, principal_of, revoke_token
from api.staff.session import CSRF_COOKIE, SESSION_COOKIE, csrf_token_for

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


@router.post("/token", response_model=TokenOut, responses={401: {"description": "wrong login"}})
def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    settings: SettingsDep,
) -> TokenOut:
    """OAuth2 password flow: a bearer token for the API, valid for MADOGUCHI_TOKEN_TTL_HOURS."""
    ttl = timedelta(hours=settings.token_ttl_hours)
    access_token, user = issue_token(session, form.username, form.password, ttl)
    me = _me(principal_of(user))
    return TokenOut(
        access_token=access_token,
        expires_in=int(ttl.total_seconds()),
        role=me.role,
        departments=me.departments,
    )


def _me(principal: StaffPrincipal) -> MeOut:
    departments = sorted(principal.departments) if principal.departments is not None else None
    return MeOut(username=principal.name, role=principal.role, departments=departments)


@router.post("/session", response_model=MeOut, responses={401: {"description": "wrong login"}})
def sign_in(body: LoginIn, response: Response, session: SessionDep, settings: SettingsDep) -> MeOut:
    """The console's sign-in: an HttpOnly session cookie, and a CSRF cookie that the console
    repeats in the X-CSRF-Token header of every change."""
    ttl = timedelta(hours=settings.token_ttl_hours)
    token, user = issue_token(session, body.username, body.password, ttl)
    common = {
        "max_age": int(ttl.total_seconds()),
        "samesite": "strict",
        "secure": settings.secure_cookies,
        "path": "/",
    }
    response.set_cookie(SESSION_COOKIE, token, httponly=True, **common)
    response.set_cookie(CSRF_COOKIE, csrf_token_for(token), httponly=False, **common)
    return _me(principal_of(user))


@router.delete("/session", status_code=204)
def sign_out(request: Request, response: Response, session: SessionDep, _: CurrentStaff) -> None:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        revoke_token(session, token)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")


@router.get("/me", response_model=MeOut)
def me(staff: CurrentStaff) -> MeOut:
    return _me(staff)
