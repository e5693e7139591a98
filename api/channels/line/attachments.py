"""Locations and photos a citizen sends after a report are attached to that report."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from api.cases.models import Case, CaseKind, CaseStatus
from api.channels.line.models import AttachmentKind, CaseAttachment
from api.core.types import utcnow

# A photo held for a report that was never filed (the citizen stopped) is dropped after this.
HELD_LIFETIME = timedelta(days=1)


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
    case: Case | None,
    *,
    content: bytes | None,
    content_type: str | None,
    data: dict[str, Any],
    held_for: str | None = None,
) -> CaseAttachment:
    """Attaches a photo to `case`, or, with `case` None, holds it for the sender `held_for`
    whose report is still being made (adopt_held_photos moves it onto the case)."""
    now = utcnow()
    data = dict(data)
    if content is not None:
        data.update(size=len(content), sha256=hashlib.sha256(content).hexdigest())
    attachment = CaseAttachment(
        case_id=case.id if case is not None else None,
        held_for=None if case is not None else held_for,
        kind=AttachmentKind.image.value,
        data=data,
        content_type=content_type,
        content=content,
        created_at=now,
    )
    session.add(attachment)
    if case is not None:
        case.updated_at = now
    else:  # photos of reports never filed are not kept
        session.execute(
            delete(CaseAttachment).where(
                CaseAttachment.case_id.is_(None), CaseAttachment.created_at < now - HELD_LIFETIME
            )
        )
    session.flush()
    return attachment


def held_photo_count(session: Session, sender_id: str) -> int:
    return (
        session.scalar(
            select(func.count()).where(
                CaseAttachment.held_for == sender_id, CaseAttachment.case_id.is_(None)
            )
        )
        or 0
    )


def adopt_held_photos(session: Session, case: Case) -> int:
    """The photos the sender sent while making this report now belong to it."""
    if not case.sender_id:
        return 0
    held = list(
        session.scalars(
            select(CaseAttachment).where(
                CaseAttachment.held_for == case.sender_id, CaseAttachment.case_id.is_(None)
            )
        )
    )
    for attachment in held:
        attachment.case_id, attachment.held_for = case.id, None
    session.flush()
    return len(held)
