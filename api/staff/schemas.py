from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from api.staff.models import StaffRole


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int  # seconds
    role: str
    departments: list[str] | None  # None: every department


class LoginIn(BaseModel):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=200)


class MeOut(BaseModel):
    username: str
    role: str
    departments: list[str] | None  # None: every department


class StaffAccountOut(BaseModel):
    username: str
    role: str
    departments: list[str]
    active: bool
    created_at: datetime
    active_tokens: int = Field(description="sessions and API tokens not yet expired")


class StaffAccountIn(BaseModel):
    username: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9._@-]*$")
    password: str = Field(min_length=1, max_length=200)
    role: StaffRole
    departments: list[str] = Field(default_factory=list, max_length=100)


class StaffAccountPatch(BaseModel):
    """Only the fields given change. `active: false` ends the account's sessions and tokens."""

    active: bool | None = None
    role: StaffRole | None = None
    departments: list[str] | None = Field(default=None, max_length=100)


class PasswordIn(BaseModel):
    password: str = Field(min_length=1, max_length=200)


class RevokedOut(BaseModel):
    revoked: int
