"""The one client of the internal Rasa server(s) (REST channel).

`RASA_URL` may name several replicas (comma-separated) sharing one tracker store and one lock
store: each conversation goes to the replica its sender hashes to, and to the next one when
that replica cannot be reached (refused connection: the message never got there, so sending
it elsewhere cannot answer it twice)."""

from __future__ import annotations

import asyncio
import hashlib
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import aiohttp

from api.core.errors import ServiceUnavailableError

# aiohttp rather than httpx: every message crosses this client, and under load httpx's send took
# more of the API's CPU than all else it does with a message (py-spy on `make loadtest`'s closed
# loop: its pool checks every pooled connection for each request, and makes its locks through a
# failed `import sniffio` each time). aiohttp's connector takes a free connection off a list.


class RasaUnavailableError(ServiceUnavailableError):
    code = "rasa_unavailable"


def replica_order(sender: str, replicas: int) -> list[int]:
    """The replicas to try for `sender`, in order: its own (a stable hash), then the others."""
    first = int.from_bytes(hashlib.sha256(sender.encode()).digest()[:8], "big") % replicas
    return [(first + step) % replicas for step in range(replicas)]


@dataclass(frozen=True)
class _Reply:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class RasaClient:
    def __init__(
        self, base_url: str, timeout_seconds: float, auth_token: str | None = None
    ) -> None:
        self._base_urls = [u.strip().rstrip("/") for u in base_url.split(",") if u.strip()]
        if not self._base_urls:
            raise ValueError("RASA_URL names no server")
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._auth_token = auth_token
        # One pooled session (kept-alive connections) per event loop: a session cannot outlive
        # the loop it was made in (tests run one loop per request).
        self._session: aiohttp.ClientSession | None = None
        self._session_loop: asyncio.AbstractEventLoop | None = None

    async def _http(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is None or self._session_loop is not loop or self._session.closed:
            await self._forget_session()
            self._session = aiohttp.ClientSession(
                timeout=self._timeout,
                connector=aiohttp.TCPConnector(limit=200),
                # Rasa's answers are ours, not a browser's: no cookies to keep.
                cookie_jar=aiohttp.DummyCookieJar(),
            )
            self._session_loop = loop
        return self._session

    async def _forget_session(self) -> None:
        """Drops the session of an event loop that has ended (its connections ended with it;
        a loop still running elsewhere closes its own)."""
        stale, stale_loop = self._session, self._session_loop
        self._session = self._session_loop = None
        if stale is None or stale.closed or stale_loop is None or not stale_loop.is_closed():
            return
        connector = stale.connector
        stale.detach()
        if connector is not None:
            await connector.close()  # nothing to wait for: the loop's transports are gone

    async def close(self) -> None:
        if self._session is not None and self._session_loop is asyncio.get_running_loop():
            await self._session.close()
        self._session = self._session_loop = None

    async def _request(self, sender: str, method: str, path: str, **kwargs: Any) -> _Reply:
        """The answer of the sender's replica, or of the next one when it refuses connections
        (the message never got there). Raises aiohttp.ClientError, asyncio.TimeoutError."""
        last: aiohttp.ClientConnectorError | None = None
        for index in replica_order(sender, len(self._base_urls)):
            try:
                return await self._fetch(method, f"{self._base_urls[index]}{path}", None, kwargs)
            except aiohttp.ClientConnectorError as exc:
                last = exc
        assert last is not None
        raise last

    async def _fetch(
        self, method: str, url: str, timeout: float | None, kwargs: dict[str, Any]
    ) -> _Reply:
        options = {"timeout": aiohttp.ClientTimeout(total=timeout)} if timeout else {}
        async with (await self._http()).request(method, url, **options, **kwargs) as response:
            return _Reply(response.status, await response.read())

    async def _tracker(self, sender: str, params: dict[str, str]) -> dict[str, Any]:
        path = f"/conversations/{quote(sender, safe=':')}/tracker"
        try:
            reply = await self._request(sender, "GET", path, params=params)
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise RasaUnavailableError("the conversation engine (Rasa) is not reachable") from exc
        if reply.status != 200:
            raise RasaUnavailableError(
                f"the conversation engine (Rasa) answered HTTP {reply.status}"
            )
        try:
            return reply.json() or {}
        except ValueError as exc:
            raise RasaUnavailableError(
                "the conversation engine (Rasa) sent an unreadable tracker"
            ) from exc

    async def events(self, sender: str) -> list[dict[str, Any]]:
        """The conversation's events from Rasa's tracker store (Rasa's HTTP API)."""
        if not self._auth_token:
            raise RasaUnavailableError(
                "conversation transcripts need RASA_AUTH_TOKEN (Rasa's --auth-token)"
            )
        tracker = await self._tracker(sender, {"token": self._auth_token, "include_events": "ALL"})
        return list(tracker.get("events") or [])

    async def active_loop(self, sender: str) -> str | None:
        """The form the conversation is in (None: none), from the tracker without its events."""
        params = {"include_events": "NONE"}
        if self._auth_token:
            params["token"] = self._auth_token
        loop = (await self._tracker(sender, params)).get("active_loop") or {}
        return loop.get("name") or None

    async def send(
        self, sender: str, message: str, *, metadata: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Sends one citizen message and returns the bot's messages as Rasa's REST channel
        gives them: [{"recipient_id", "text"?, "buttons"?, "image"?, "custom"?}]. `metadata`
        goes with the message into the tracker, where the actions read it."""
        body: dict[str, Any] = {"sender": sender, "message": message}
        if metadata:
            body["metadata"] = metadata
        try:
            reply = await self._request(sender, "POST", "/webhooks/rest/webhook", json=body)
        except asyncio.TimeoutError as exc:
            raise RasaUnavailableError(
                "the conversation engine (Rasa) did not answer in time"
            ) from exc
        except aiohttp.ClientError as exc:
            raise RasaUnavailableError("the conversation engine (Rasa) is not reachable") from exc
        if reply.status != 200:
            raise RasaUnavailableError(
                f"the conversation engine (Rasa) answered HTTP {reply.status}"
            )
        try:
            body = reply.json()
        except ValueError as exc:
            raise RasaUnavailableError(
                "the conversation engine (Rasa) sent an unreadable answer"
            ) from exc
        return body if isinstance(body, list) else []

    async def is_ready(self) -> bool:
        """Whether at least one replica is up (the others fail over to it)."""
        for base_url in self._base_urls:
            if await self._replica_ready(base_url):
                return True
        return False

    async def _replica_ready(self, base_url: str) -> bool:
        try:
            reply = await self._fetch("GET", f"{base_url}/status", 3.0, {})
            if reply.status == 200:
                return True
            # /status needs --enable-api; the root answers whenever the server is up.
            return (await self._fetch("GET", f"{base_url}/", 3.0, {})).status == 200
        except (aiohttp.ClientError, asyncio.TimeoutError):
            return False
