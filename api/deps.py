"""Dependency aliases shared by the routers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header
from sqlalchemy.orm import Session

from api.core.config import Settings, get_settings
from api.core.db import get_session
from api.staff.auth import StaffPrincipal, authenticate_bearer

SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def _current_staff(
    settings: SettingsDep,
    authorization: Annotated[str | None, Header()] = None,
) -> StaffPrincipal:
    return authenticate_bearer(authorization, settings)


CurrentStaff = Annotated[StaffPrincipal, Depends(_current_staff)]
