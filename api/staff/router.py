from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from fastapi.security import OAuth2PasswordRequestForm
from sqlalchemy.orm import Session

from api.core.errors import render
from api.core.types import utcnow
from api.deps import CurrentAdmin, CurrentStaff, SessionDep, SettingsDep
from api.staff.auth import StaffPrincipal
from api.staff.models import StaffUser
from api.staff.repository import StaffRepository
from api.staff.schemas import (
    LoginIn,
    MeOut,
    PasswordIn,
    RevokedOut,
    StaffAccountIn,
    StaffAccountOut,
    StaffAccountPatch,
    TokenOut,
)
from api.staff.service import (
    add_staff,
    list_staff,
    principal_of,
    reset_password,
    revoke_token,
    revoke_tokens,
    sign_in,
    update_staff,
)
from api.staff.session import CSRF_COOKIE, SESSION_COOKIE, csrf_token_for

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])

_SIGN_IN_ERRORS: dict[int | str, dict[str, str]] = {
    401: {"description": "「ユーザー名またはパスワードが違います。」 (code wrong_login)"},
    429: {
        "description": "too many failures: wait (sign_in_throttled) or locked (sign_in_locked);"
        " Retry-After and `retry_at` say when to try again"
    },
}


def _address(request: Request) -> str | None:
    return request.client.host if request.client else None


@router.post("/token", response_model=TokenOut, responses=_SIGN_IN_ERRORS)
def token(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    settings: SettingsDep,
) -> TokenOut | JSONResponse:
    """OAuth2 password flow: a bearer token for the API, valid for MADOGUCHI_TOKEN_TTL_HOURS.
    Throttled like the console's sign-in."""
    ttl = timedelta(hours=settings.token_ttl_hours)
    result = sign_in(session, form.username, form.password, ttl, _address(request))
    if result.error is not None:
        return render(result.error)  # returned, not raised: the failure's record is committed
    assert result.token is not None and result.user is not None
    access_token, user = result.token, result.user
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


@router.post("/session", response_model=MeOut, responses=_SIGN_IN_ERRORS)
def console_sign_in(
    request: Request, body: LoginIn, session: SessionDep, settings: SettingsDep
) -> MeOut | JSONResponse:
    """The console's sign-in: an HttpOnly session cookie, and a CSRF cookie that the console
    repeats in the X-CSRF-Token header of every change. After a few failures (per account and
    per client address) each try must wait longer; after more, the account is locked for a
    while: the message says until when."""
    ttl = timedelta(hours=settings.token_ttl_hours)
    result = sign_in(session, body.username, body.password, ttl, _address(request))
    if result.error is not None:
        return render(result.error)  # returned, not raised: the failure's record is committed
    assert result.token is not None and result.user is not None
    token, user = result.token, result.user
    response = JSONResponse(_me(principal_of(user)).model_dump())
    common = {
        "max_age": int(ttl.total_seconds()),
        "samesite": "strict",
        "secure": settings.secure_cookies,
        "path": "/",
    }
    response.set_cookie(SESSION_COOKIE, token, httponly=True, **common)
    response.set_cookie(CSRF_COOKIE, csrf_token_for(token), httponly=False, **common)
    return response


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


accounts_router = APIRouter(prefix="/api/v1/staff/accounts", tags=["staff accounts"])
_ADMIN_ERRORS: dict[int | str, dict[str, str]] = {
    401: {"description": "not signed in"},
    403: {"description": "administrators only"},
    404: {"description": "no such account"},
}


def _account(session: Session, user: StaffUser) -> StaffAccountOut:
    return StaffAccountOut(
        username=user.username,
        role=user.role,
        departments=sorted(user.department_codes),
        active=user.active,
        created_at=user.created_at,
        active_tokens=StaffRepository(session).active_tokens(user.id, utcnow()),
    )


@accounts_router.get("", response_model=list[StaffAccountOut], responses=_ADMIN_ERRORS)
def list_accounts(session: SessionDep, _: CurrentAdmin) -> list[StaffAccountOut]:
    """Every staff account, by name, with its role, departments and whether it may sign in."""
    return [_account(session, user) for user in list_staff(session)]


@accounts_router.post(
    "",
    response_model=StaffAccountOut,
    status_code=201,
    responses={**_ADMIN_ERRORS, 409: {"description": "name taken or reserved"}},
)
def create_account(
    body: StaffAccountIn, session: SessionDep, admin: CurrentAdmin
) -> StaffAccountOut:
    """A new account; the password must pass the policy (422 weak_password says why)."""
    user = add_staff(
        session, body.username, body.password, body.role, body.departments, actor=admin.name
    )
    return _account(session, user)


@accounts_router.patch(
    "/{username}",
    response_model=StaffAccountOut,
    responses={**_ADMIN_ERRORS, 409: {"description": "own account, or staff without department"}},
)
def update_account(
    username: str, body: StaffAccountPatch, session: SessionDep, admin: CurrentAdmin
) -> StaffAccountOut:
    """Disable (its sessions and tokens stop working at once), re-enable, or change the role
    and departments. Nobody disables or demotes their own account."""
    user = update_staff(
        session,
        username,
        actor=admin.name,
        active=body.active,
        role=body.role,
        departments=body.departments,
    )
    return _account(session, user)


@accounts_router.post(
    "/{username}/password", response_model=StaffAccountOut, responses=_ADMIN_ERRORS
)
def reset_account_password(
    username: str, body: PasswordIn, session: SessionDep, admin: CurrentAdmin
) -> StaffAccountOut:
    """Sets a new password (policy-checked), ends every session and token of the account and
    lifts a sign-in lock."""
    return _account(session, reset_password(session, username, body.password, actor=admin.name))


@accounts_router.delete("/{username}/tokens", response_model=RevokedOut, responses=_ADMIN_ERRORS)
def revoke_account_tokens(username: str, session: SessionDep, admin: CurrentAdmin) -> RevokedOut:
    """Ends every console session and API token of the account."""
    return RevokedOut(revoked=revoke_tokens(session, username, actor=admin.name))
