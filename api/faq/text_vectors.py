"""Sentence vectors of the FAQ's texts, stored in the database and computed only when missing.

A vector is keyed by the SHA-256 of the encoder's name and the exact text embedded, so an
edit re-embeds only the texts it changed (a new wording, a changed question), a new encoder
version re-embeds everything, and identical texts share one row. Why a table rather than a
file under var/: every API process and host reads the same store (PostgreSQL in production,
several uvicorn workers), it needs no writable local disk, and it is backed up with the
knowledge it belongs to. The rows hold no personal data (FAQ texts written by staff; learned
phrasings are stored masked by the product before they reach the FAQ).

A process memo keeps the vectors of the latest two builds, so a rebuild after an edit reads
from the database only the keys it has not seen.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime

import numpy as np
from sqlalchemy import Integer, LargeBinary, String, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from api.core.db import Base, unit_of_work
from api.core.types import UTCDateTime, utcnow
from api.faq.search.encoders import Encoder

logger = logging.getLogger(__name__)

# Keys per SELECT … WHERE key IN (…) (SQLite's variable limit is 32,766; keep it modest).
READ_CHUNK = 500
# Tries to store new vectors while the database is busy (each waits its busy timeout).
WRITE_ATTEMPTS = 5
# Texts embedded and then stored per transaction by `store_missing` (madoguchi faq embed).
EMBED_CHUNK = 64


class FaqTextVector(Base):
    __tablename__ = "faq_text_vectors"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256(encoder, text)
    encoder: Mapped[str] = mapped_column(String(100))
    dim: Mapped[int] = mapped_column(Integer)
    vector: Mapped[bytes] = mapped_column(LargeBinary)  # float32, little-endian
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


def vector_key(encoder: str, text: str) -> str:
    return hashlib.sha256(f"{encoder}\x1f{text}".encode()).hexdigest()


class TextVectorStore:
    def __init__(self) -> None:
        # encoder name -> key -> vector: the texts of the latest build and of the one before
        # (a process serving two knowledge bases in turn, like the tests, re-reads nothing)
        self._memo: dict[str, dict[str, np.ndarray]] = {}
        self._latest: dict[str, dict[str, np.ndarray]] = {}
        self._lock = threading.Lock()
        self._writers: list[threading.Thread] = []

    def vectors(
        self, session: Session, encoder: Encoder, texts: Sequence[str], kind: str = "passage"
    ) -> np.ndarray:
        """(len(texts), dim) unit vectors: from the memo, then the database, and the rest
        embedded now and stored (in their own transaction: the caller's session is only
        read from)."""
        keys = [vector_key(encoder.name, t) for t in texts]
        with self._lock:
            memo = self._memo.get(encoder.name, {})
            found = {k: memo[k] for k in keys if k in memo}
        wanted = list(dict.fromkeys(k for k in keys if k not in found))
        if wanted:
            found.update(self._read(session, encoder, wanted))
        missing = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k not in found))
        if missing:
            embed = encoder.queries if kind == "query" else encoder.passages
            fresh = embed(missing)
            rows = {vector_key(encoder.name, t): v for t, v in zip(missing, fresh, strict=True)}
            self._store_later(session, encoder, rows)
            found.update(rows)
        out = np.zeros((len(texts), encoder.dim), dtype=np.float32)
        for i, k in enumerate(keys):
            out[i] = found[k]
        with self._lock:  # the memo follows the latest build
            latest = {k: found[k] for k in keys}
            self._memo[encoder.name] = {**self._latest.get(encoder.name, {}), **latest}
            self._latest[encoder.name] = latest
        return out

    @staticmethod
    def _read(session: Session, encoder: Encoder, keys: list[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), READ_CHUNK):
            chunk = keys[start : start + READ_CHUNK]
            rows = session.execute(
                select(FaqTextVector.key, FaqTextVector.dim, FaqTextVector.vector).where(
                    FaqTextVector.key.in_(chunk)
                )
            )
            for key, dim, blob in rows:
                vec = np.frombuffer(blob, dtype="<f4")
                if dim == encoder.dim and vec.shape == (dim,):
                    out[key] = vec.astype(np.float32)
        return out

    def _store_later(self, session: Session, encoder: Encoder, rows: dict[str, np.ndarray]) -> None:
        """Stores new vectors from a thread of its own, in its own transaction: the caller's
        transaction may hold SQLite's write lock until its request ends (BEGIN IMMEDIATE), and
        the knowledge already has the vectors in memory. A failed write only means another
        process embeds these texts again. A session bound to a connection (inside an outer
        transaction: a migration script, the tests) writes in a savepoint of its own instead."""
        records = _records(encoder, rows)
        bind = session.get_bind()
        if not isinstance(bind, Engine):
            with session.begin_nested():
                _insert_missing(session, records)
            return
        thread = threading.Thread(target=_write, args=(bind, records), daemon=True)
        with self._lock:
            self._writers = [t for t in self._writers if t.is_alive()] + [thread]
        thread.start()

    def forget(self) -> None:
        """Drops the process memo: the next build reads every vector from the database."""
        with self._lock:
            self._memo = {}
            self._latest = {}

    def wait(self, timeout: float = 60.0) -> None:
        """Waits for pending writes (tests, the benchmark, the command line before exiting)."""
        with self._lock:
            writers = list(self._writers)
        for thread in writers:
            thread.join(timeout)


def _write(bind: Engine, records: list[tuple[str, str, int, bytes]]) -> None:
    """Inserts the rows not stored yet, retrying while the database is busy (another process
    may store the same keys meanwhile: same text, same vector)."""
    for attempt in range(WRITE_ATTEMPTS):
        try:
            with Session(bind=bind) as own:
                _insert_missing(own, records)
                own.commit()
            return
        except (IntegrityError, OperationalError):
            if attempt + 1 == WRITE_ATTEMPTS:
                logger.warning("could not store %d FAQ text vectors", len(records))
            else:
                time.sleep(0.5 * (attempt + 1))


def _records(encoder: Encoder, rows: dict[str, np.ndarray]) -> list[tuple[str, str, int, bytes]]:
    """Rows of the table for vectors by key: (key, encoder, dim, float32 little-endian)."""
    return [(k, encoder.name, encoder.dim, v.astype("<f4").tobytes()) for k, v in rows.items()]


def _present_keys(session: Session, keys: Sequence[str]) -> set[str]:
    """Which of `keys` the table holds, READ_CHUNK keys per query."""
    present: set[str] = set()
    for start in range(0, len(keys), READ_CHUNK):
        chunk = keys[start : start + READ_CHUNK]
        present.update(
            session.scalars(select(FaqTextVector.key).where(FaqTextVector.key.in_(chunk)))
        )
    return present


def _insert_missing(session: Session, records: list[tuple[str, str, int, bytes]]) -> None:
    present = _present_keys(session, [r[0] for r in records])
    session.add_all(
        FaqTextVector(key=k, encoder=name, dim=dim, vector=blob)
        for k, name, dim, blob in records
        if k not in present
    )
    session.flush()


text_vector_store = TextVectorStore()


def store_missing(
    factory: sessionmaker[Session],
    encoder: Encoder,
    texts: Sequence[str],
    progress: Callable[[int, int], None] | None = None,
    chunk: int = EMBED_CHUNK,
) -> tuple[int, int]:
    """Embeds the texts whose vector the database lacks and stores them, `chunk` texts per
    transaction (embedded outside it, so no writer waits for the encoder; an interrupted run
    keeps what it stored). Returns (distinct texts, texts embedded now)."""
    by_key = {vector_key(encoder.name, t): t for t in dict.fromkeys(texts)}
    with unit_of_work(factory, write=False) as session:
        present = _present_keys(session, list(by_key))
    missing = [text for key, text in by_key.items() if key not in present]
    for start in range(0, len(missing), chunk):
        part = missing[start : start + chunk]
        vectors = encoder.passages(part)
        records = _records(
            encoder, {vector_key(encoder.name, t): v for t, v in zip(part, vectors, strict=True)}
        )
        with unit_of_work(factory) as session:
            _insert_missing(session, records)
        if progress is not None:
            progress(start + len(part), len(missing))
    return len(by_key), len(missing)
