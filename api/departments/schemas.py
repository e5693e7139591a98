from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

_HOURS_PATTERN = r"^\d{2}:\d{2}-\d{2}:\d{2}$"
_DAY_KEYS = {"weekdays", "saturday", "sunday"}
_LOCALE_PATTERN = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")


class DepartmentFields(BaseModel):
    """What an administrator may change about a department."""

    name: str = Field(min_length=1, max_length=200)
    names: dict[str, str] = Field(
        default_factory=dict,
        description="the name in other languages, by locale code",
        examples=[{"en": "Road Maintenance Division"}],
    )
    bureau: str | None = None
    handles: str = ""
    keywords: list[str] = Field(default_factory=list)
    phone: str | None = None
    emergency_phone: str | None = Field(
        default=None, max_length=40, description="24-hour line for immediate danger"
    )
    email: str | None = None
    hours: dict[str, str] = Field(default_factory=dict)
    first_response_target_hours: int = Field(default=8, ge=1)
    resolution_target_hours: int = Field(default=40, ge=1)

    @field_validator("names", mode="before")
    @classmethod
    def _no_names_is_empty(cls, value: object) -> object:
        return {} if value is None else value

    @field_validator("names")
    @classmethod
    def _valid_names(cls, value: dict[str, str]) -> dict[str, str]:
        cleaned = {}
        for locale, name in value.items():
            if not _LOCALE_PATTERN.match(locale):
                raise ValueError(f"{locale!r} is not a locale code (en, zh-Hans, ko, vi …)")
            if locale == "ja":
                raise ValueError("the Japanese name is `name`")
            if not name.strip() or len(name) > 200:
                raise ValueError(f"names.{locale}: 1 to 200 characters")
            cleaned[locale] = name.strip()
        return cleaned

    @field_validator("hours")
    @classmethod
    def _valid_hours(cls, value: dict[str, str]) -> dict[str, str]:
        for day, span in value.items():
            if day not in _DAY_KEYS:
                raise ValueError(f"unknown day {day!r}; use {', '.join(sorted(_DAY_KEYS))}")
            if not re.match(_HOURS_PATTERN, span) or span[:5] >= span[6:]:
                raise ValueError(f"{day}: hours must look like 08:30-17:15")
        return value


class DepartmentIn(DepartmentFields):
    """One department of a city's directory, as written in departments.yml."""

    code: str = Field(min_length=1, max_length=64)


class DepartmentOut(DepartmentIn):
    model_config = ConfigDict(from_attributes=True)
