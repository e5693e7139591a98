"""Conversations confirming the same new phrasing at the same moment, each in its own committed
transaction (as two API processes would), on SQLite and PostgreSQL: one phrasing, every
confirmation counted once, and it becomes active."""

from __future__ import annotations

import threading

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from api.core.db import unit_of_work
from api.faq import learning
from api.faq.knowledge import KnowledgeCache
from api.faq.learning_models import LearnedPhrasing, PhrasingConfirmation, PhrasingSource
from tests.api.conftest import demo_database

QUESTION = "夜道が暗くて危ない"
SENDERS = [f"web:concurrent-{n}" for n in range(4)]


def test_simultaneous_confirmations_count_once_each(fresh_database_url: str) -> None:
    engine = demo_database(fresh_database_url)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with unit_of_work(factory) as session:
        index = KnowledgeCache().get(session).index

    # The threads start their transactions at the same moment (on SQLite a write transaction
    # waits for the one before it; on PostgreSQL they overlap). A timeout: never a hang.
    start = threading.Barrier(len(SENDERS), timeout=60)
    errors: list[BaseException] = []

    def confirm(sender: str, barrier: threading.Barrier | None = None) -> None:
        try:
            if barrier is not None:
                barrier.wait()
            with unit_of_work(factory) as session:
                learning.confirm(
                    session,
                    index,
                    faq_id="F4",
                    question=QUESTION,
                    sender_id=sender,
                    source=PhrasingSource.chose,
                    min_conversations=2,
                )
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    def check() -> None:
        assert errors == []
        with factory() as session:
            [phrasing] = session.scalars(select(LearnedPhrasing)).all()
            assert (phrasing.state, phrasing.confirmations) == ("active", len(SENDERS))
            rows = session.scalar(select(func.count()).select_from(PhrasingConfirmation))
            assert rows == len(SENDERS)

    try:
        threads = [threading.Thread(target=confirm, args=(s, start)) for s in SENDERS]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        check()
        for sender in SENDERS:  # each one retried, as Rasa may: nothing changes
            confirm(sender)
        check()
    finally:
        engine.dispose()
