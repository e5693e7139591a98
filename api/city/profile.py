"""The city's own settings that are not a department: its name, the number that answers day
and night, and the one-line notice the bot gives before it asks for a contact. They live in
the city's directory (`MADOGUCHI_CITY_DIR/city.yml`), beside departments.yml and faq.csv."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, ValidationError

from api.core.config import get_settings

CITY_FILE = "city.yml"
DEFAULT_PRIVACY_NOTICE = (
    "いただいた連絡先は、このご用件のご連絡にだけ使い、対応が終わってから一定期間の後に消去します。"
)


class CityProfileIn(BaseModel):
    name: str = Field(default="", max_length=100)
    # Answered 24 hours a day (宿直・守衛室): the fallback when a department has no
    # emergency line of its own.
    emergency_phone: str | None = Field(default=None, max_length=40)
    privacy_notice: str = Field(default=DEFAULT_PRIVACY_NOTICE, min_length=1, max_length=300)
    # The same notice in English, for English conversations (the Japanese one otherwise).
    privacy_notice_en: str | None = Field(default=None, max_length=400)


@dataclass(frozen=True)
class CityProfile:
    name: str
    emergency_phone: str | None
    privacy_notice: str
    privacy_notice_en: str | None = None

    def notice(self, language: str) -> str:
        return (self.privacy_notice_en if language == "en" else None) or self.privacy_notice


class CityProfileError(ValueError):
    pass


def load_profile(city_dir: Path) -> CityProfile:
    path = city_dir / CITY_FILE
    raw: object = {}
    if path.exists():
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise CityProfileError(f"{path}: not valid YAML: {exc}") from exc
    try:
        profile = CityProfileIn.model_validate(raw)
    except ValidationError as exc:
        raise CityProfileError(f"{path}: {exc}") from exc
    return CityProfile(
        name=profile.name,
        emergency_phone=profile.emergency_phone,
        privacy_notice=profile.privacy_notice.strip(),
        privacy_notice_en=(profile.privacy_notice_en or "").strip() or None,
    )


@lru_cache(maxsize=1)
def city_profile() -> CityProfile:
    return load_profile(get_settings().city_dir)
