"""Writing the audit log: one entry per staff action, in the action's own transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit.models import AuditEntry
from api.core.types import utcnow


def record(
    session: Session,
    actor: str,
    action: str,
    target_type: str,
    target_id: str,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        at=utcnow(),
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=target_id,
        before=before,
        after=after,
    )
    session.add(entry)
    return entry


def entries_for(session: Session, target_type: str, target_id: str) -> list[AuditEntry]:
    statement = (
        select(AuditEntry)
        .where(AuditEntry.target_type == target_type, AuditEntry.target_id == target_id)
        .order_by(AuditEntry.id)
    )
    return list(session.scalars(statement))
