"""The metrics document (schema version 1): what `GET /api/v1/metrics` returns and
`madoguchi metrics export` writes. It holds counts, rates and masked topic labels only, never a
case's contact, description or a citizen's id. Its JSON Schema is docs/metrics-schema-v1.json."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0"

Unit = Literal["count", "rate", "business_hours", "score", "per_case"]


class Figure(BaseModel):
    """One figure. Rates carry their numerator and denominator, medians and means their
    sample size (`denominator`), so that figures can be added up across periods and cities."""

    model_config = ConfigDict(extra="forbid")

    value: int | float | None = Field(description="null when there is nothing to compute it from")
    unit: Unit
    numerator: int | None = None
    denominator: int | None = None


class Anshin(BaseModel):
    """安心: citizens are answered or acknowledged at any hour; their data is safe."""

    model_config = ConfigDict(extra="forbid")
    out_of_hours_contacts: Figure
    out_of_hours_acknowledged_rate: Figure
    stored_texts_with_personal_data: Figure


class Shinrai(BaseModel):
    """信頼: answers come from reviewed content; promised response times are kept."""

    model_config = ConfigDict(extra="forbid")
    reviewed_answer_rate: Figure
    first_response_target_met_rate: Figure
    resolution_target_met_rate: Figure


class Shinsetsu(BaseModel):
    """親切: how citizens rate the bot and the staff."""

    model_config = ConfigDict(extra="forbid")
    bot_rating_mean: Figure
    staff_rating_mean: Figure
    survey_response_rate: Figure


class Jinsoku(BaseModel):
    """迅速: time to the first staff response and to resolution, in business hours."""

    model_config = ConfigDict(extra="forbid")
    first_response_hours_median: Figure
    resolution_hours_median: Figure


class Kakujitsu(BaseModel):
    """確実: answers that help, resolutions that hold, cases routed right the first time."""

    model_config = ConfigDict(extra="forbid")
    helpful_answer_rate: Figure
    resolved_without_reopening_rate: Figure
    routed_without_transfer_rate: Figure


class Criteria(BaseModel):
    model_config = ConfigDict(extra="forbid")
    anshin: Anshin
    shinrai: Shinrai
    shinsetsu: Shinsetsu
    jinsoku: Jinsoku
    kakujitsu: Kakujitsu


class Activity(BaseModel):
    model_config = ConfigDict(extra="forbid")
    questions: Figure
    answer_rate: Figure
    escalation_rate: Figure
    cases_opened: Figure
    transfers_per_case: Figure
    cases_by_channel: dict[str, int]
    cases_by_kind: dict[str, int]
    questions_by_channel: dict[str, int]


class WeekFigures(BaseModel):
    model_config = ConfigDict(extra="forbid")
    week_start: date = Field(description="Monday, Japan time")
    questions: int
    answered_questions: int = Field(description="answered by the bot without a case")
    cases_opened: int
    cases_by_channel: dict[str, int]


class DepartmentFigures(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str
    name: str
    cases_opened: int
    transfers_per_case: Figure
    criteria: Criteria


class UnansweredTopic(BaseModel):
    model_config = ConfigDict(extra="forbid")
    representative: str = Field(description="the group's most typical question, masked")
    count: int
    department: str | None = Field(description="where most of the group's cases went")


class DepartmentCount(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str
    cases: int


class SplitTopic(BaseModel):
    """One kind of inquiry that reached several departments."""

    model_config = ConfigDict(extra="forbid")
    representative: str = Field(description="the most typical case summary, masked")
    cases: int
    departments: list[DepartmentCount]


class TransferPath(BaseModel):
    model_config = ConfigDict(extra="forbid")
    from_department: str
    to_department: str
    count: int


class Tatewari(BaseModel):
    """縦割り made visible: kinds of inquiry spread over departments, and transfers."""

    model_config = ConfigDict(extra="forbid")
    split_topics: list[SplitTopic]
    transfer_paths: list[TransferPath]


class PeriodOut(BaseModel):
    model_config = ConfigDict(extra="forbid")
    from_: date = Field(alias="from", description="first day, Japan time")
    to: date = Field(description="last day, included")
    timezone: Literal["Asia/Tokyo"] = "Asia/Tokyo"
    as_of: datetime = Field(description="events after this moment are not counted")


class Parameters(BaseModel):
    model_config = ConfigDict(extra="forbid")
    review_window_days: int
    office_hours: dict[str, str]
    rating_scale: list[int]


class MetricsDocument(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    schema_version: Literal["1.0"] = SCHEMA_VERSION
    generated_at: datetime
    period: PeriodOut
    departments_in_scope: list[str] | None = Field(description="null: the whole city")
    parameters: Parameters
    criteria: Criteria
    activity: Activity
    weekly: list[WeekFigures]
    departments: list[DepartmentFigures]
    unanswered_topics: list[UnansweredTopic]
    tatewari: Tatewari


SCHEMA_ID = "urn:madoguchi:metrics-schema:1.0"


def json_schema() -> dict:
    """The JSON Schema of the document, as published in docs/metrics-schema-v1.json."""
    schema = MetricsDocument.model_json_schema(by_alias=True, mode="serialization")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}
