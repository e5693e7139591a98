"""The API application: the one public face of madoguchi."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from actions.server import router as actions_router
from api.audit.router import router as audit_router
from api.cases.places_router import router as case_places_router
from api.cases.router import router as cases_router
from api.channels.line.channel import build_line_channel
from api.channels.line.events import resume_line_inbox
from api.channels.line.router import router as line_router
from api.channels.registry import build_registry
from api.channels.web.furigana import router as furigana_router
from api.channels.web.language import router as widget_language_router
from api.channels.web.router import router as web_router
from api.console.router import router as console_router
from api.conversation.rasa_client import RasaClient
from api.conversation.router import router as chat_router
from api.conversation.service import ConversationService
from api.core.config import Settings, get_settings
from api.core.db import build_engine, get_sessionmaker, unit_of_work
from api.core.errors import install_error_handlers
from api.core.logging import configure_logging
from api.core.migrate import check_schema
from api.departments.router import router as departments_router
from api.faq.router import router as faq_router
from api.handoff.router import router as presence_router
from api.health.router import router as health_router
from api.metrics.router import router as metrics_router
from api.open311.router import admin_router as open311_keys_router
from api.open311.router import router as open311_router
from api.outbox.dispatcher import Dispatcher, OutboxPolicy
from api.seed import seed_if_empty
from api.staff.router import accounts_router
from api.staff.router import router as auth_router
from api.triage.router import router as triage_router


def _warm_up() -> None:
    from api.faq.knowledge import knowledge_cache
    from api.nlp import get_pipeline

    with unit_of_work(write=False) as session:
        knowledge_cache.get(session)
    get_pipeline()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging()
        # Migrations are a step of their own (`madoguchi db upgrade`): several workers starting
        # at once must not race to migrate. Refuse to serve a database not at head.
        engine = build_engine(settings.database_url)
        try:
            with engine.connect() as connection:
                check_schema(connection, settings.database_url)
        finally:
            engine.dispose()
        if settings.seed_demo_city:
            with unit_of_work() as session:
                seed_if_empty(session, settings.city_dir)
        await resume_line_inbox(app)
        # Messages to citizens: routes deliver theirs right after the commit; this loop picks
        # up retries and what a stopped process left behind.
        factory = get_sessionmaker()
        app.state.outbox = Dispatcher(
            factory,
            build_registry(settings, factory),
            policy=OutboxPolicy.from_settings(settings),
        )
        outbox_task = asyncio.create_task(app.state.outbox.run())
        # Build the search index and load the Japanese pipeline now, not on a citizen's first
        # question (a few seconds with word vectors).
        await asyncio.to_thread(_warm_up)
        yield
        outbox_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await outbox_task
        await app.state.rasa.close()

    app = FastAPI(
        title="madoguchi",
        version="0.1.0",
        description="FAQ chatbot and inquiry triage for Japanese cities",
        lifespan=lifespan,
    )
    rasa_token = settings.rasa_auth_token.get_secret_value() if settings.rasa_auth_token else None
    rasa = RasaClient(settings.rasa_url, settings.rasa_timeout_seconds, rasa_token)
    app.state.rasa = rasa
    # Tests replace app.state.session_factory; services read it when they need a session.
    app.state.session_factory = get_sessionmaker
    app.state.conversation = ConversationService(
        rasa,
        settings.max_message_chars,
        lambda: app.state.session_factory(),
        seal_secret=settings.admin_token.get_secret_value(),
    )
    app.state.settings = settings  # the channels of the outbox are built from it
    app.state.line = build_line_channel(settings)  # None when LINE is not configured
    install_error_handlers(app)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=[o.strip() for o in settings.widget_origins.split(",") if o.strip()],
        allow_methods=["GET", "POST", "PUT"],
        allow_headers=["Content-Type", "Last-Event-ID", "Authorization"],
    )
    # Routes are matched in order: the chat and the action server, which take most requests,
    # come first.
    for router in (
        chat_router,
        actions_router,
        health_router,
        auth_router,
        accounts_router,
        audit_router,
        furigana_router,
        widget_language_router,
        cases_router,
        case_places_router,
        departments_router,
        faq_router,
        metrics_router,
        open311_keys_router,
        open311_router,
        presence_router,
        triage_router,
    ):
        app.include_router(router)
    app.include_router(line_router)
    app.include_router(web_router)
    app.include_router(console_router)
    return app


def app() -> FastAPI:
    """Factory for `uvicorn --factory api.main:app`."""
    return create_app()
