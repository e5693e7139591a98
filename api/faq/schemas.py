from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator


class FaqRecord(BaseModel):
    """One FAQ entry as a city's export gives it (the CSV columns, documented in
    demo_city/README.md)."""

    id: str = Field(min_length=1, max_length=64)
    question: str = Field(min_length=1)
    answer: str = Field(min_length=1)
    department: str | None = None
    alternatives: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    url: str | None = None
    question_en: str | None = Field(default=None, description="the question in English")
    answer_en: str | None = Field(default=None, description="the answer in English")
    answer_easy: str | None = Field(
        default=None, description="the answer in やさしい日本語 (easy Japanese)"
    )

    @field_validator("question_en", "answer_en", "answer_easy")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        # An empty cell or field means "no such text", not an empty answer.
        return value.strip() or None if value is not None else None


class FaqOut(FaqRecord):
    model_config = ConfigDict(from_attributes=True)
