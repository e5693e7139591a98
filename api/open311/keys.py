"""API keys of Open311 clients: issued by administrators, shown once, stored as SHA-256,
and limited to a number of posts per minute (a fixed window counted in the database, so
every API process shares it)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from sqlalchemy import case, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.audit import service as audit
from api.core.errors import AppError, ConflictError, NotFoundError
from api.core.types import utcnow
from api.open311.models import Open311Client

KEY_PREFIX = "o311_"
DEFAULT_REQUESTS_PER_MINUTE = 30


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def issue_key(
    session: Session, name: str, *, requests_per_minute: int, actor: str
) -> tuple[Open311Client, str]:
    """A new client and its key (the only time the key is seen in clear)."""
    name = name.strip()
    if not name:
        raise AppError("a client needs a name", status_code=422)
    if requests_per_minute < 1:
        raise AppError("requests_per_minute must be at least 1", status_code=422)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    client = Open311Client(
        name=name,
        key_hash=_hash(key),
        key_prefix=key[: len(KEY_PREFIX) + 4],
        requests_per_minute=requests_per_minute,
        created_by=actor,
        created_at=utcnow(),
    )
    try:
        with session.begin_nested():
            session.add(client)
            session.flush()
    except IntegrityError:
        raise ConflictError(f"an Open311 client named {name!r} exists") from None
    audit.record(
        session,
        actor,
        "open311.key_issued",
        "open311_client",
        name,
        after={"requests_per_minute": requests_per_minute, "key_prefix": client.key_prefix},
    )
    return client, key


def list_clients(session: Session) -> list[Open311Client]:
    return list(session.scalars(select(Open311Client).order_by(Open311Client.id)))


def revoke_key(session: Session, name: str, *, actor: str) -> Open311Client:
    client = session.scalar(select(Open311Client).where(Open311Client.name == name))
    if client is None:
        raise NotFoundError(f"no Open311 client named {name!r}")
    if client.revoked_at is None:
        client.revoked_at = utcnow()
        audit.record(session, actor, "open311.key_revoked", "open311_client", name)
        session.flush()
    return client


def client_for_key(session: Session, key: str | None) -> Open311Client | None:
    """The active client holding `key`, or None."""
    if not key:
        return None
    digest = _hash(key)
    client = session.scalar(select(Open311Client).where(Open311Client.key_hash == digest))
    if client is None or client.revoked_at is not None:
        return None
    # The lookup is by hash; the comparison guards against a collation surprise.
    return client if hmac.compare_digest(client.key_hash, digest) else None


def take_request(session: Session, client: Open311Client, now: datetime | None = None) -> int:
    """Counts one request in the client's current minute, atomically; returns the seconds to
    wait when the limit is reached (0 when the request may go on)."""
    now = now or utcnow()
    window = now.replace(second=0, microsecond=0)
    count = session.execute(
        update(Open311Client)
        .where(Open311Client.id == client.id)
        .values(
            window_count=case(
                (Open311Client.window_started_at == window, Open311Client.window_count + 1),
                else_=1,
            ),
            window_started_at=window,
        )
        .returning(Open311Client.window_count)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    if count > client.requests_per_minute:
        return max(1, 60 - now.second)
    return 0
