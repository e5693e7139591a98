"""The Rasa client's answers to what a Rasa server can do wrong: refuse connections, be slow,
fail, or send something unreadable. Each case gets a clear RasaUnavailableError (the chat route
turns it into 503 rasa_unavailable), and only a refused connection moves to another replica."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest
from aiohttp import web

from api.conversation.rasa_client import RasaClient, RasaUnavailableError, replica_order
from bench.processes import free_port

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@asynccontextmanager
async def rasa_like(
    handler: Handler, hits: list[str], port: int | None = None
) -> AsyncIterator[str]:
    """A server on a free port answering Rasa's REST webhook and tracker routes with `handler`."""

    async def counted(request: web.Request) -> web.StreamResponse:
        hits.append(request.path)
        return await handler(request)

    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", counted)
    app.router.add_get("/conversations/{sender}/tracker", counted)
    runner = web.AppRunner(app)
    await runner.setup()
    port = port or free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def echo(request: web.Request) -> web.Response:
    body = await request.json()
    return web.json_response(
        [{"recipient_id": body["sender"], "text": f"受け取りました: {body['message']}"}]
    )


def send_once(handler: Handler, message: str) -> list[dict[str, object]]:
    """One message from web:abc to a one-replica client of a server answering with `handler`."""

    async def run() -> list[dict[str, object]]:
        async with rasa_like(handler, []) as url:
            client = RasaClient(url, 5.0)
            try:
                return await client.send("web:abc", message)
            finally:
                await client.close()

    return asyncio.run(run())


def _sender_whose_replica_is(first: int, replicas: int) -> str:
    return next(
        f"web:{n:032x}" for n in range(1000) if replica_order(f"web:{n:032x}", replicas)[0] == first
    )


def test_the_bot_answer_comes_back_in_order() -> None:
    assert send_once(echo, "粗大ごみ") == [
        {"recipient_id": "web:abc", "text": "受け取りました: 粗大ごみ"}
    ]


def test_a_replica_that_refuses_connections_is_skipped() -> None:
    hits: list[str] = []

    async def run() -> list[dict[str, object]]:
        async with rasa_like(echo, hits) as url:
            # The sender's own replica is the closed port: the message never got there.
            client = RasaClient(f"http://127.0.0.1:{free_port()},{url}", 5.0)
            try:
                return await client.send(_sender_whose_replica_is(0, 2), "こんにちは")
            finally:
                await client.close()

    assert [m["text"] for m in asyncio.run(run())] == ["受け取りました: こんにちは"]
    assert hits == ["/webhooks/rest/webhook"]


def test_a_slow_replica_is_reported_and_its_message_not_sent_again_elsewhere() -> None:
    slow_hits: list[str] = []
    other_hits: list[str] = []

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(3)
        return await echo(request)

    async def run() -> None:
        async with rasa_like(slow, slow_hits) as slow_url, rasa_like(echo, other_hits) as url:
            client = RasaClient(f"{slow_url},{url}", 0.3)
            try:
                await client.send(_sender_whose_replica_is(0, 2), "道路に穴があいています")
            finally:
                await client.close()

    with pytest.raises(RasaUnavailableError, match="did not answer in time"):
        asyncio.run(run())
    # It may have reached Rasa: sending it to the other replica could answer it twice.
    assert slow_hits == ["/webhooks/rest/webhook"] and other_hits == []


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (500, "[]", "answered HTTP 500"),
        (200, "<html>proxy error</html>", "unreadable answer"),
        (200, "\x00\xff", "unreadable answer"),
    ],
)
def test_a_failing_or_unreadable_answer_is_a_clear_error(
    status: int, body: str, reason: str
) -> None:
    async def broken(_request: web.Request) -> web.Response:
        return web.Response(status=status, text=body, content_type="application/json")

    with pytest.raises(RasaUnavailableError, match=reason):
        send_once(broken, "こんにちは")


def test_an_answer_that_is_not_a_list_of_messages_says_nothing() -> None:
    async def odd(_request: web.Request) -> web.Response:
        return web.json_response({"text": "not a list"})

    assert send_once(odd, "こんにちは") == []


def test_the_active_form_is_read_from_the_tracker_with_the_token() -> None:
    seen: list[dict[str, str]] = []

    async def tracker(request: web.Request) -> web.Response:
        seen.append(dict(request.query))
        return web.json_response({"active_loop": {"name": "report_form"}})

    async def run() -> str | None:
        async with rasa_like(tracker, []) as url:
            client = RasaClient(url, 5.0, auth_token="secret")
            try:
                return await client.active_loop("line:U1")
            finally:
                await client.close()

    assert asyncio.run(run()) == "report_form"
    assert seen == [{"include_events": "NONE", "token": "secret"}]


def test_one_client_serves_one_event_loop_after_another() -> None:
    """Tests (and the TestClient) run each request in a loop of its own: a pooled session of
    an ended loop must not be reused."""
    port = free_port()
    client = RasaClient(f"http://127.0.0.1:{port}", 5.0)

    async def run(close: bool) -> list[dict[str, object]]:
        async with rasa_like(echo, [], port):
            answer = await client.send("web:abc", "はい")
            if close:  # as the API's lifespan does at shutdown
                await client.close()
            return answer

    # The first loop ends with the client's session still open; the second must not use it.
    assert asyncio.run(run(close=False))[0]["text"] == "受け取りました: はい"
    assert asyncio.run(run(close=True))[0]["text"] == "受け取りました: はい"
