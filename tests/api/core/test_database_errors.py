"""A dropped database connection is a 503 with a reason the client can act on, not a 500."""

from __future__ import annotations

import psycopg
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.exc import InterfaceError, OperationalError

from api.core.errors import install_error_handlers


def _app(error: Exception) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/boom")
    def boom() -> None:
        raise error

    return app


def test_a_terminated_connection_is_a_503_database_unavailable() -> None:
    orig = psycopg.OperationalError("terminating connection due to administrator command")
    error = OperationalError("SELECT secret FROM cases", {"p": "住所"}, orig)
    response = TestClient(_app(error), raise_server_exceptions=False).get("/boom")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    body = response.json()["error"]
    assert body["code"] == "database_unavailable"
    assert "secret" not in body["message"] and "住所" not in body["message"]


def test_a_closed_connection_is_a_503_too() -> None:
    error = InterfaceError("SELECT 1", {}, psycopg.InterfaceError("the connection is closed"))
    response = TestClient(_app(error), raise_server_exceptions=False).get("/boom")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "database_unavailable"


def test_other_errors_stay_500() -> None:
    response = TestClient(_app(RuntimeError("bug")), raise_server_exceptions=False).get("/boom")
    assert response.status_code == 500
