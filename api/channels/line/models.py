"""Tables of the LINE channel: the webhook inbox, and what citizens attach to their reports.

`CaseAttachment` is channel-neutral (a location or a photo on a case); it lives here because
LINE is its first producer.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from api.core.db import Base
from api.core.types import UTCDateTime, utcnow


class InboxStatus(str, enum.Enum):
    pending = "pending"  # stored inside the webhook request, not yet handled
    processing = "processing"  # claimed by one worker
    done = "done"
    failed = "failed"  # handling raised; the citizen got an apology when a reply was possible


class LineInboxEvent(Base):
    """One webhook event, stored before the 200 so that it survives a crash.

    `webhook_event_id` is unique: a redelivered event (or the same delivery arriving twice
    at once) fails the insert and is never handled a second time.
    """

    __tablename__ = "line_inbox_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    webhook_event_id: Mapped[str] = mapped_column(String(100), unique=True)
    event_type: Mapped[str] = mapped_column(String(40))
    is_redelivery: Mapped[bool] = mapped_column(default=False)
    # The raw event as LINE sent it (it may hold the citizen's text; never logged).
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default=InboxStatus.pending.value, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Exception class name only: error messages may quote citizen text.
    last_error: Mapped[str | None] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AttachmentKind(str, enum.Enum):
    location = "location"
    image = "image"


class CaseAttachment(Base):
    """A location or an image a citizen added to a case.

    Images are stored in the database (`content`): one store to back up, transactional with the
    row, and shared by every API process without a common volume. LINE images are small
    (`LINE_MAX_IMAGE_BYTES` caps them); the column is deferred so listing never loads bytes.
    """

    __tablename__ = "case_attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # None while held: a photo sent during a report form waits for the case it belongs to
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    held_for: Mapped[str | None] = mapped_column(String(200), index=True)  # the sender
    kind: Mapped[str] = mapped_column(String(16))
    # location: {"address", "latitude", "longitude", "title"}; image: {"content_type", "size",
    # "sha256", "provider", "line_message_id"} (or the external URLs); plus "source".
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    content_type: Mapped[str | None] = mapped_column(String(100))
    content: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
