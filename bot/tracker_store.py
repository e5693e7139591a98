"""Rasa's SQL tracker store, reading a conversation's latest session in one pass
(bot/endpoints.yml: `type: bot.tracker_store.SQLTrackerStore`).

Rasa 3.6 selects the latest session's events by joining the conversation's events with a
subquery (the latest `session_started` timestamp). PostgreSQL's planner, expecting about one
event per sender, runs that subquery again for each of the conversation's events: each read
visits n² rows for a conversation of n events (about 70 after five messages with a form, some
hundreds for a long one), twice per message (the tracker is read, then its stored events are
counted before the new ones are saved), and Rasa's event loop waits meanwhile: its tracker
store is synchronous, so every conversation on the replica waits with it.

Here the session's start is a scalar subquery that depends on nothing of the outer row,
evaluated once per statement; the rows and their order are Rasa's. The table, the events and
everything else are Rasa's own (api/privacy/tracker.py reads and purges the same table).

Its connections are also checked before use (pre-ping), as the API's are: Rasa's own pool
hands out a connection the server has closed (restart, failover, terminated backend), and
Rasa then answers that message from an empty in-memory tracker, the conversation forgotten."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore as RasaSQLTrackerStore
from rasa.core.tracker_store import create_engine_kwargs
from rasa.shared.core.events import SessionStarted
from sqlalchemy.orm import sessionmaker


class SQLTrackerStore(RasaSQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # creates the tables, waiting for the database
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sessionmaker(bind=self.engine)

    def _event_query(
        self, session: Any, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> Any:
        events = self.SQLEvent
        query = session.query(events).filter(events.sender_id == sender_id)
        if not fetch_events_from_all_sessions:
            session_start = (
                session.query(sa.func.max(events.timestamp))
                .filter(
                    events.sender_id == sender_id,
                    events.type_name == SessionStarted.type_name,
                )
                .scalar_subquery()
            )
            # Events after the latest session start, or all of them before any session began.
            query = query.filter(sa.or_(events.timestamp >= session_start, session_start.is_(None)))
        return query.order_by(events.id)
