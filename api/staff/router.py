from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm

from api.deps import SessionDep, SettingsDep
from api.staff.schemas import TokenOut
from api.staff.service import issue_token, principal_of

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
    principal = principal_of(user)
    departments = sorted(principal.departments) if principal.departments is not None else None
    return TokenOut(
        access_token=access_token,
        expires_in=int(ttl.total_seconds()),
        role=user.role,
        departments=departments,
    )
