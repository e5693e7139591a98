from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from api.cases.models import CaseKind, CaseStatus
from api.outbox.schemas import DeliveryOut
from api.sla.service import CaseSla


def _strip_required(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value.strip()


class RoutingAlternative(BaseModel):
    department: str
    confidence: float


class NewCase(BaseModel):
    """What any channel needs to open a case."""

    kind: CaseKind
    channel: str = Field(min_length=1, max_length=32)
    sender_id: str | None = Field(default=None, max_length=200)
    description: str = Field(min_length=1, max_length=5000)
    location: str | None = Field(default=None, max_length=1000)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    contact: str | None = Field(default=None, max_length=300)
    contact_declined: bool = False
    urgent: bool = False
    department: str | None = None  # routed automatically when None
    # ISO 639-1; None: the language of the sender's conversation, if the chat detected one.
    language: str | None = Field(default=None, max_length=16)
    idempotency_key: str | None = Field(default=None, max_length=300)

    @field_validator("description")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("description must not be blank")
        return value.strip()

    @model_validator(mode="after")
    def _whole_point(self) -> NewCase:
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("latitude and longitude go together")
        return self


class PhoneCaseIn(BaseModel):
    """A case the call centre opens from a phone call."""

    kind: CaseKind = CaseKind.inquiry
    description: str = Field(min_length=1, max_length=5000)
    location: str | None = Field(default=None, max_length=1000)
    contact: str | None = Field(default=None, max_length=300)
    department: str | None = Field(default=None, description="routed automatically when omitted")

    _description = field_validator("description")(_strip_required)


class CaseEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: str
    actor: str
    data: dict[str, Any]
    created_at: datetime


class CaseSummaryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    sla: CaseSla | None = None  # filled by the router: business hours against the targets
    live_waiting: bool = False  # filled by the router: the citizen waits for a person now
    case_number: str
    kind: str
    status: str
    channel: str
    department: str = Field(validation_alias="department_code")
    urgent: bool
    language: str | None = Field(
        default=None, description="the citizen's language (ISO 639-1), when a chat detected it"
    )
    summary: str
    assignee: str | None
    transfer_count: int
    created_at: datetime
    updated_at: datetime


class CaseOut(CaseSummaryOut):
    sender_id: str | None
    description: str
    location: str | None
    latitude: float | None
    longitude: float | None
    contact: str | None
    contact_declined: bool
    routing_confidence: float | None
    routing_alternatives: list[RoutingAlternative]
    entities: list[dict[str, Any]]
    resolution_message: str | None
    resolved_at: datetime | None
    # Told to the citizen with the number: it lets them ask about the case from elsewhere.
    access_code: str | None
    events: list[CaseEventOut]
    # Messages to the citizen, latest last: a route that sends one answers at once with it
    # `pending`; the outbox delivers it after the commit.
    deliveries: list[DeliveryOut] = Field(default_factory=list)


class CaseList(BaseModel):
    items: list[CaseSummaryOut]
    total: int
    limit: int
    offset: int


class AssignIn(BaseModel):
    assignee: str | None = Field(default=None, max_length=200, description="None unassigns")


class TransferIn(BaseModel):
    department: str = Field(min_length=1, max_length=64)
    reason: str = Field(min_length=1, max_length=1000)

    _reason = field_validator("reason")(_strip_required)


class CommentIn(BaseModel):
    body: str = Field(min_length=1, max_length=5000)

    _body = field_validator("body")(_strip_required)


class ReplyIn(BaseModel):
    body: str = Field(min_length=1, max_length=5000, description="sent to the citizen as is")

    _body = field_validator("body")(_strip_required)


class StatusIn(BaseModel):
    status: CaseStatus
    message: str | None = Field(
        default=None, max_length=2000, description="citizen-readable message, required to resolve"
    )
    survey: bool = Field(
        default=True,
        description="ask the citizen for a satisfaction survey; ignored unless status is resolved",
    )
