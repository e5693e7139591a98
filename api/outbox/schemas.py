from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class DeliveryOut(BaseModel):
    """Where a message to the citizen stands (no recipient, no text: those are in the case)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    channel: str
    state: str  # pending, sending, delivered, failed
    attempts: int
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
