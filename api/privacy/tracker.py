"""Rasa's tracker store (an SQL database of its own, `events` table; bot/endpoints.yml): the
conversations the policy says to forget are deleted, and what citizens typed is masked once it is
old enough (the case holds the contact they gave). Plain SQL over Rasa's stable schema
(id, sender_id, type_name, timestamp, intent_name, action_name, data): the API does not import
Rasa, which lives in another environment."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, create_engine, text
from sqlalchemy.engine import URL, Connection, make_url

from api.nlp import mask

# Slots that hold what identifies a person (the bot's contact slot).
PERSONAL_SLOTS = frozenset({"case_contact"})
# Kept in the event's metadata (which Rasa carries along), so a masked event is not read again.
_MASKED_MARK = "madoguchi_masked"


def tracker_engine_url(url: str) -> URL:
    """Rasa's TRACKER_STORE_URL as this environment connects to it: Rasa's form names no driver
    (postgresql://…, psycopg2 in Rasa's environment); the API's environment has psycopg 3."""
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        return parsed.set(drivername="postgresql+psycopg")
    return parsed


def _mask_event(data: dict[str, Any]) -> bool:
    """Masks the event in place; says whether it changed."""
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    if metadata.get(_MASKED_MARK):
        return False
    changed = False
    if data.get("event") == "user":
        for holder in (data, data.get("parse_data") or {}):
            if isinstance(holder.get("text"), str):
                masked = mask(holder["text"])
                changed |= masked != holder["text"]
                holder["text"] = masked
    elif (
        data.get("event") == "slot"
        and data.get("name") in PERSONAL_SLOTS
        and data.get("value") not in (None, "不要")
    ):
        data["value"] = "［連絡先］"
        changed = True
    data["metadata"] = {**metadata, _MASKED_MARK: True}
    return changed


def _forget(connection: Connection, senders: list[str], dry_run: bool) -> int:
    if not senders:
        return 0
    statement = text("SELECT count(*) FROM events WHERE sender_id IN :senders").bindparams(
        bindparam("senders", expanding=True)
    )
    count = int(connection.execute(statement, {"senders": senders}).scalar_one())
    if not dry_run:
        delete = text("DELETE FROM events WHERE sender_id IN :senders").bindparams(
            bindparam("senders", expanding=True)
        )
        connection.execute(delete, {"senders": senders})
    return count


def purge_tracker(
    url: str,
    *,
    idle_before: datetime | None,
    mask_before: datetime | None,
    senders: list[str],
    dry_run: bool,
) -> dict[str, int]:
    """Deletes the events of `senders` and of conversations silent since `idle_before`; masks
    user messages and contact slots older than `mask_before`."""
    engine = create_engine(tracker_engine_url(url))
    counts = {"tracker events deleted": 0, "tracker events masked": 0}
    try:
        with engine.begin() as connection:
            if not _has_events_table(connection):
                return counts
            forget = list(senders)
            if idle_before is not None:
                rows = connection.execute(
                    text(
                        "SELECT sender_id FROM events GROUP BY sender_id HAVING max(timestamp) < :t"
                    ),
                    {"t": idle_before.timestamp()},
                )
                forget += [row[0] for row in rows]
            counts["tracker events deleted"] = _forget(connection, sorted(set(forget)), dry_run)
            if mask_before is not None:
                rows = connection.execute(
                    text(
                        "SELECT id, data FROM events WHERE type_name IN ('user', 'slot') "
                        "AND timestamp < :t AND data NOT LIKE :marked"
                    ),
                    {"t": mask_before.timestamp(), "marked": f'%"{_MASKED_MARK}": true%'},
                ).all()
                for event_id, raw in rows:
                    data = json.loads(raw)
                    if _mask_event(data):
                        counts["tracker events masked"] += 1
                    if not dry_run:
                        connection.execute(
                            text("UPDATE events SET data = :data WHERE id = :id"),
                            {"data": json.dumps(data, ensure_ascii=False), "id": event_id},
                        )
            if dry_run:
                connection.rollback()
    finally:
        engine.dispose()
    return counts


def _has_events_table(connection: Connection) -> bool:
    from sqlalchemy import inspect

    return inspect(connection).has_table("events")
