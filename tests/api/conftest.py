from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from api.core.db import build_engine, get_session_factory, unit_of_work
from api.core.migrate import upgrade_database
from api.departments.schemas import DepartmentIn
from api.departments.service import upsert_departments
from api.faq.knowledge import knowledge_cache
from api.faq.schemas import FaqRecord
from api.faq.service import upsert_faq
from tests.conftest import ADMIN_TOKEN

_migrated: dict[str, Engine] = {}


def _engine_for(url: str) -> Engine:
    if url not in _migrated:
        upgrade_database(url)
        _migrated[url] = build_engine(url)
    return _migrated[url]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")


@pytest.fixture
def session_factory(database_url: str) -> Iterator[sessionmaker[Session]]:
    """Sessions that share one connection whose outer transaction is rolled back afterwards;
    each session's commit only releases a savepoint."""
    engine = _engine_for(database_url)
    connection = engine.connect()
    transaction = connection.begin()
    factory = sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )
    knowledge_cache.clear()
    try:
        yield factory
    finally:
        transaction.rollback()
        connection.close()
        knowledge_cache.clear()


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as session:
        yield session


def demo_departments() -> list[DepartmentIn]:
    return [
        DepartmentIn(
            code="roads",
            name="道路維持課",
            names={"en": "Road Maintenance Division"},
            handles="道路の穴・陥没、街灯、カーブミラー、側溝",
            keywords=["道路", "陥没", "穴", "街灯", "カーブミラー", "側溝"],
            phone="000-210-3001",
            emergency_phone="000-210-3999",
            first_response_target_hours=4,
        ),
        DepartmentIn(
            code="waste",
            name="ごみ減量推進課",
            handles="家庭ごみの分別と収集、粗大ごみ、不法投棄",
            keywords=["ごみ", "粗大ごみ", "不法投棄", "分別"],
            phone="000-210-1234",
        ),
        DepartmentIn(
            code="residents",
            name="市民課",
            handles="住民票、戸籍、印鑑登録、マイナンバーカード",
            keywords=["住民票", "戸籍", "印鑑", "マイナンバー"],
            phone="000-210-2000",
        ),
        DepartmentIn(
            code="general",
            name="市民相談課",
            handles="どこに聞けばよいか分からない相談",
            phone="000-210-1000",
        ),
    ]


def demo_faq() -> list[FaqRecord]:
    return [
        FaqRecord(
            id="F1",
            question="粗大ごみの出し方を教えてください",
            answer="粗大ごみは事前申込制です。粗大ごみ受付センターに電話で申し込み、処理券を貼って出してください。",
            department="waste",
            alternatives=["大きなごみを捨てたい", "家具の捨て方"],
        ),
        FaqRecord(
            id="F2",
            question="住民票の写しはどこで取れますか",
            answer="住民票の写しは市民課の窓口、またはマイナンバーカードでコンビニ交付を利用して取得できます。",
            department="residents",
            alternatives=["住民票がほしい"],
        ),
        FaqRecord(
            id="F3",
            question="道路に穴があいているときはどこに連絡すればよいですか",
            answer="道路の穴や陥没は道路維持課にご連絡ください。",
            department="roads",
        ),
        FaqRecord(
            id="F4",
            question="街灯が切れているときの連絡先",
            answer="街灯の球切れは道路維持課で対応します。電柱の番号をお知らせください。",
            department="roads",
        ),
    ]


@pytest.fixture
def seeded(session: Session) -> Session:
    upsert_departments(session, demo_departments())
    upsert_faq(session, demo_faq())
    session.commit()
    return session


@pytest.fixture
def client(session_factory: sessionmaker[Session]) -> Iterator[TestClient]:
    from api.main import create_app

    app = create_app()
    app.dependency_overrides[get_session_factory] = lambda: session_factory
    app.state.session_factory = lambda: session_factory
    # No lifespan: the test database is migrated and seeded by the fixtures above.
    yield TestClient(app, raise_server_exceptions=False)


@pytest.fixture
def auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def demo_database(url: str) -> Engine:
    """A database of its own at `url`, migrated and holding the demo departments and FAQ: for
    tests of concurrency, which need real connections rather than the shared one above."""
    upgrade_database(url)
    engine = build_engine(url)
    with unit_of_work(sessionmaker(bind=engine)) as session:
        upsert_departments(session, demo_departments())
        upsert_faq(session, demo_faq())
    return engine
