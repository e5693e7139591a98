"""Open311 GeoReport v2 under /open311/v2/, and the administrators' API for its keys.

Every answer under /open311 is in the spec's shapes, errors included; the format follows
the resource's extension (services.json, requests/2026-000123.xml …)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session, sessionmaker

from api.core.config import get_settings
from api.core.db import unit_of_work
from api.deps import CurrentAdmin, SessionDep
from api.open311 import keys, service
from api.open311.formats import Format, Open311Error, render, render_error, split_resource
from api.open311.models import Open311Client

router = APIRouter(prefix="/open311/v2", tags=["open311"])
admin_router = APIRouter(prefix="/api/v1/open311/keys", tags=["open311"])


def _answer(resource: str, request: Request, expected: str, build: Callable[[Format], Response]):
    """Resolves the format, then renders `build`'s answer or its Open311Error in it."""
    fmt: Format = "xml"
    try:
        name, fmt = split_resource(resource, request.headers.get("accept"))
        if name != expected:
            raise Open311Error(404, f"no resource {resource!r}")
        service.check_jurisdiction(
            get_settings().open311_jurisdiction_id, request.query_params.get("jurisdiction_id")
        )
        return build(fmt)
    except Open311Error as error:
        return render_error(error, fmt)


@router.get("/{resource}", summary="GET services, or GET requests (with filters)")
def list_resource(resource: str, request: Request, session: SessionDep) -> Response:
    expected = resource.partition(".")[0]
    if expected == "services":
        return _answer(
            resource,
            request,
            "services",
            lambda fmt: render(service.services(session), fmt, root="services"),
        )

    def requests(fmt: Format) -> Response:
        query = service.parse_query(request.query_params)
        rows = service.find_requests(session, query)
        items = [service.request_out(session, row) for row in rows]
        return render(items, fmt, root="service_requests")

    return _answer(resource, request, "requests", requests)


@router.get("/services/{resource}", summary="GET a service definition")
def service_definition(resource: str, request: Request, session: SessionDep) -> Response:
    code = resource.rpartition(".")[0] or resource
    return _answer(
        resource,
        request,
        code,
        lambda fmt: render(
            service.service_definition(session, code), fmt, root="service_definition"
        ),
    )


@router.get("/requests/{resource}", summary="GET a service request")
def one_request(resource: str, request: Request, session: SessionDep) -> Response:
    number = resource.rpartition(".")[0] or resource

    def build(fmt: Format) -> Response:
        row = service.find_request(session, number)
        return render([service.request_out(session, row)], fmt, root="service_requests")

    return _answer(resource, request, number, build)


@router.get("/tokens/{resource}", summary="GET a service request id from a token")
def token(resource: str, request: Request) -> Response:
    """Requests are created at once (the POST answers with service_request_id), so no token
    is ever issued."""
    name = resource.rpartition(".")[0] or resource

    def build(_: Format) -> Response:
        raise Open311Error(
            404, f"token {name!r} not found: requests here are created at once, not queued"
        )

    return _answer(resource, request, name, build)


@router.post("/{resource}", summary="POST a service request (form-encoded, with api_key)")
async def post_request(
    resource: str,
    request: Request,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> Response:
    """Opens a case for the service's department. The API key is checked and counted in a
    transaction of its own, so refused and malformed posts count against the limit too."""
    fmt: Format = "xml"
    try:
        name, fmt = split_resource(resource, request.headers.get("accept"))
        if name != "requests":
            raise Open311Error(404, f"no resource {resource!r}")
        form = await _form(request)
        service.check_jurisdiction(
            get_settings().open311_jurisdiction_id, (form.get("jurisdiction_id") or [None])[0]
        )
        factory = request.app.state.session_factory()
        return await run_in_threadpool(_admit_and_create, factory, form, idempotency_key, fmt)
    except Open311Error as error:
        return render_error(error, fmt)


def _admit_and_create(
    factory: sessionmaker[Session],
    form: dict[str, list[str]],
    idempotency_key: str | None,
    fmt: Format,
) -> Response:
    """The database work of a post, off the event loop: the key's count commits on its own."""
    with unit_of_work(factory) as session:
        client_id = _admit(session, (form.get("api_key") or [None])[0])
    with unit_of_work(factory) as session:
        return _create(session, form, client_id, idempotency_key, fmt)


async def _form(request: Request) -> dict[str, list[str]]:
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        raise Open311Error(
            400, "send the request as application/x-www-form-urlencoded (the spec's encoding)"
        )
    try:
        data = await request.form()
    except Exception:  # the multipart parser's errors have no common base
        raise Open311Error(400, "the form could not be read") from None
    form: dict[str, list[str]] = {}
    for key, value in data.multi_items():
        if isinstance(value, str):
            form.setdefault(key, []).append(value)
    return form


def _admit(session: Session, api_key: str | None) -> int:
    client = keys.client_for_key(session, api_key)
    if client is None:
        raise Open311Error(403, "api_key is missing or not valid")
    wait = keys.take_request(session, client)
    if wait:
        raise Open311Error(
            429,
            f"too many requests: {client.requests_per_minute} per minute for this api_key",
            headers={"Retry-After": str(wait)},
        )
    return client.id


def _create(
    session: Session,
    form: dict[str, list[str]],
    client_id: int,
    idempotency_key: str | None,
    fmt: Format,
) -> Response:
    client = session.get(Open311Client, client_id)
    assert client is not None
    posted = service.parse_post(session, form)
    case = service.create_request(session, client, posted, idempotency_key=idempotency_key)
    body = [
        {
            "service_request_id": case.case_number,
            "service_notice": service.service_notice(session, case),
            "account_id": None,
        }
    ]
    return render(body, fmt, root="service_requests", status=201)


# --- keys, for administrators ---------------------------------------------------------------


class KeyIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    requests_per_minute: int | None = Field(default=None, ge=1, le=10000)


class KeyOut(BaseModel):
    name: str
    key_prefix: str
    requests_per_minute: int
    created_by: str
    created_at: str
    revoked: bool


class IssuedKey(KeyOut):
    api_key: str = Field(description="shown once: only its SHA-256 is stored")


def _key_out(client: Open311Client) -> dict[str, object]:
    return {
        "name": client.name,
        "key_prefix": client.key_prefix,
        "requests_per_minute": client.requests_per_minute,
        "created_by": client.created_by,
        "created_at": client.created_at.isoformat(),
        "revoked": client.revoked_at is not None,
    }


@admin_router.get("", response_model=list[KeyOut])
def list_keys(session: SessionDep, admin: CurrentAdmin) -> list[KeyOut]:
    return [KeyOut(**_key_out(c)) for c in keys.list_clients(session)]


@admin_router.post("", response_model=IssuedKey, status_code=201)
def issue_key(body: KeyIn, session: SessionDep, admin: CurrentAdmin) -> IssuedKey:
    """Issues a key for an Open311 client application; the key is in this answer only."""
    per_minute = body.requests_per_minute or get_settings().open311_requests_per_minute
    client, key = keys.issue_key(
        session, body.name, requests_per_minute=per_minute, actor=admin.name
    )
    return IssuedKey(**_key_out(client), api_key=key)


@admin_router.delete("/{name}", response_model=KeyOut)
def revoke_key(name: str, session: SessionDep, admin: CurrentAdmin) -> KeyOut:
    return KeyOut(**_key_out(keys.revoke_key(session, name, actor=admin.name)))
