"""The routes every chat message goes through resolve their dependencies on the event loop:
FastAPI runs a plain-function dependency in the thread pool, a hop per request for what
returns a cached object (the settings, the session factory, the conversation service)."""

from __future__ import annotations

import inspect

import pytest
from fastapi import APIRouter
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from actions.server import router as actions_router
from api.conversation.router import router as chat_router

HOT_PATHS = [
    ("/api/v1/chat", chat_router),
    ("/api/v1/chat/sessions", chat_router),
    ("/webhook", actions_router),
]


def _dependencies(dependant: Dependant) -> list[Dependant]:
    found = []
    for dependency in dependant.dependencies:
        found.append(dependency)
        found.extend(_dependencies(dependency))
    return found


@pytest.mark.parametrize(("path", "router"), HOT_PATHS, ids=[path for path, _ in HOT_PATHS])
def test_a_message_route_waits_for_no_thread_to_resolve_its_dependencies(
    path: str, router: APIRouter
) -> None:
    [route] = [r for r in router.routes if isinstance(r, APIRoute) and r.path == path]
    plain = [
        getattr(d.call, "__name__", repr(d.call))
        for d in _dependencies(route.dependant)
        if d.call is not None and not inspect.iscoroutinefunction(d.call)
    ]
    assert route.dependant.dependencies  # the routes do have dependencies to check
    assert plain == []
