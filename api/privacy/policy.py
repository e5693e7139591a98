"""The retention policy: how long each kind of personal data is kept (from Settings)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from api.core.config import Settings


@dataclass(frozen=True)
class RetentionPolicy:
    conversation: timedelta  # web conversations and Rasa's tracker, counted from the last word
    closed_case_contact: timedelta  # contact and place of resolved cases, from the resolution
    line_inbox: timedelta  # handled LINE webhook events
    event_stream: timedelta  # messages waiting in the widget's event stream
    mask_tracker_after: timedelta  # what citizens typed, masked in Rasa's tracker

    @classmethod
    def from_settings(cls, settings: Settings) -> RetentionPolicy:
        return cls(
            conversation=timedelta(days=settings.retain_conversation_days),
            closed_case_contact=timedelta(days=settings.retain_closed_case_contact_days),
            line_inbox=timedelta(days=settings.retain_line_inbox_days),
            event_stream=timedelta(days=settings.retain_event_stream_days),
            mask_tracker_after=timedelta(hours=settings.mask_tracker_after_hours),
        )


@dataclass(frozen=True)
class Cutoffs:
    conversation: datetime
    closed_case_contact: datetime
    line_inbox: datetime
    event_stream: datetime
    mask_tracker: datetime

    @classmethod
    def at(cls, policy: RetentionPolicy, now: datetime) -> Cutoffs:
        return cls(
            conversation=now - policy.conversation,
            closed_case_contact=now - policy.closed_case_contact,
            line_inbox=now - policy.line_inbox,
            event_stream=now - policy.event_stream,
            mask_tracker=now - policy.mask_tracker_after,
        )
