from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Datatype = Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]


class AttributeValue(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(min_length=1, max_length=100)
    name: str = Field(min_length=1, max_length=200)


class CategoryAttribute(BaseModel):
    """One extra question of a category (an Open311 service definition attribute)."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_\-]+$")
    description: str = Field(min_length=1, max_length=500)
    datatype: Datatype = "string"
    required: bool = False
    datatype_description: str | None = None
    values: list[AttributeValue] = Field(default_factory=list)

    @model_validator(mode="after")
    def _lists_have_values(self) -> CategoryAttribute:
        if self.datatype.endswith("valuelist") and not self.values:
            raise ValueError(f"attribute {self.code}: a {self.datatype} needs values")
        return self


class CategoryIn(BaseModel):
    """One report category as written in departments.yml (`report_categories:`)."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")
    name: str = Field(min_length=1, max_length=200)
    department: str = Field(min_length=1, max_length=64)
    description: str = ""
    keywords: list[str] = Field(default_factory=list)
    attributes: list[CategoryAttribute] = Field(default_factory=list)
