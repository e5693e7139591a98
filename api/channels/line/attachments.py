"""Locations and photos a citizen sends after a report are attached to that report."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.cases.models import Case, CaseKind, CaseStatus
from api.channels.line.models import AttachmentKind, CaseAttachment
from api.core.types import utcnow


def open_report(session: Session, sender_id: str) -> Case | None:
    """The sender's latest report that is not resolved."""
    return session.scalar(
        select(Case)
        .where(
            Case.sender_id == sender_id,
            Case.kind == CaseKind.report.value,
            Case.status != CaseStatus.resolved.value,
        )
        .order_by(Case.created_at.desc(), Case.id.desc())
        .limit(1)
    )


def attach_location(
    session: Session,
    case: Case,
    *,
    address: str | None,
    latitude: float,
    longitude: float,
    title: str | None,
    source: str,
) -> CaseAttachment:
    now = utcnow()
    data: dict[str, Any] = {
        "address": address,
        "latitude": latitude,
        "longitude": longitude,
        "title": title,
        "source": source,
    }
    attachment = CaseAttachment(
        case_id=case.id, kind=AttachmentKind.location.value, data=data, created_at=now
    )
    session.add(attachment)
    if not (case.location or "").strip() and address:
        case.location = address  # the report named no place: the pin's address is the place
    if case.latitude is None or case.longitude is None:
        case.latitude, case.longitude = latitude, longitude  # the case's point, for nearby cases
    case.updated_at = now
    session.flush()
    return attachment


def attach_image(
    session: Session,
    case: Case,
    *,
    content: bytes | None,
    content_type: str | None,
    data: dict[str, Any],
) -> CaseAttachment:
    now = utcnow()
    data = dict(data)
    if content is not None:
        data.update(size=len(content), sha256=hashlib.sha256(content).hexdigest())
    attachment = CaseAttachment(
        case_id=case.id,
        kind=AttachmentKind.image.value,
        data=data,
        content_type=content_type,
        content=content,
        created_at=now,
    )
    session.add(attachment)
    case.updated_at = now
    session.flush()
    return attachment
