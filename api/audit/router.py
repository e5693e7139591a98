from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from api.audit.models import AuditEntry
from api.deps import CurrentAdmin, ReadSessionDep

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


class AuditEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    actor: str
    action: str
    target_type: str
    target_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@router.get("", response_model=list[AuditEntryOut], responses={403: {"description": "admins"}})
def read_audit_log(
    session: ReadSessionDep,
    _: CurrentAdmin,
    target_type: str | None = None,
    target_id: str | None = None,
    actor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[AuditEntryOut]:
    """The audit log, newest first (administrators only)."""
    statement = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    for column, value in (
        (AuditEntry.target_type, target_type),
        (AuditEntry.target_id, target_id),
        (AuditEntry.actor, actor),
    ):
        if value is not None:
            statement = statement.where(column == value)
    return [AuditEntryOut.model_validate(entry) for entry in session.scalars(statement)]
