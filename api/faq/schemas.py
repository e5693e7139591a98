from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


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


class FaqOut(FaqRecord):
    model_config = ConfigDict(from_attributes=True)
