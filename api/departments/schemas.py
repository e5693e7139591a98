from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class DepartmentIn(BaseModel):
    """One department of a city's directory, as written in departments.yml."""

    code: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    bureau: str | None = None
    handles: str = ""
    keywords: list[str] = Field(default_factory=list)
    phone: str | None = None
    email: str | None = None
    hours: dict[str, str] = Field(default_factory=dict)
    first_response_target_hours: int = Field(default=8, ge=1)
    resolution_target_hours: int = Field(default=40, ge=1)


class DepartmentOut(DepartmentIn):
    model_config = ConfigDict(from_attributes=True)
