"""The one client of the internal Rasa server(s) (REST channel).

`RASA_URL` may name several replicas (comma-separated) sharing one tracker store and one lock
store: each conversation goes to the replica its sender hashes to, and to the next one when
that replica cannot be reached (refused connection: the message never got there, so sending
it elsewhere cannot answer it twice)."""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any
from urllib.parse import quote

import httpx

from api.core.errors import ServiceUnavailableError


class RasaUnavailableError(ServiceUnavailableError):
    code = "rasa_unavailable"


def replica_order(sender: str, replicas: int) -> list[int]:
    """The replicas to try for `sender`, in order: its own (a stable hash), then the others."""
    first = int.from_bytes(hashlib.sha256(sender.encode()).digest()[:8], "big") % replicas
    return [(first + step) % replicas for step in range(replicas)]


class RasaClient:
    def __init__(
        self, base_url: str, timeout_seconds: float, auth_token: str | None = None
    ) -> None:
        self._base_urls = [u.strip().rstrip("/") for u in base_url.split(",") if u.strip()]
        if not self._base_urls:
            raise ValueError("RASA_URL names no server")
        self._timeout = timeout_seconds
        self._auth_token = auth_token
        # One pooled client (kept-alive connections) per event loop: a client cannot outlive
        # the loop it was made in (tests run one loop per request).
        self._client: httpx.AsyncClient | None = None
        self._client_loop: asyncio.AbstractEventLoop | None = None

    def _http(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        if self._client is None or self._client_loop is not loop:
            self._client = httpx.AsyncClient(
                timeout=self._timeout,
                limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
            )
            self._client_loop = loop
        return self._client

    async def close(self) -> None:
        if self._client is not None and self._client_loop is asyncio.get_running_loop():
            await self._client.aclose()
        self._client = self._client_loop = None

    async def _request(self, sender: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """The request to the sender's replica, or the next one when it refuses connections."""
        last: httpx.HTTPError | None = None
        for index in replica_order(sender, len(self._base_urls)):
            try:
                return await self._http().request(
                    method, f"{self._base_urls[index]}{path}", **kwargs
                )
            except httpx.ConnectError as exc:
                last = exc
        assert last is not None
        raise last

    async def _tracker(self, sender: str, params: dict[str, str]) -> dict[str, Any]:
        path = f"/conversations/{quote(sender, safe=':')}/tracker"
        try:
            response = await self._request(sender, "GET", path, params=params)
        except httpx.HTTPError as exc:
            raise RasaUnavailableError("the conversation engine (Rasa) is not reachable") from exc
        if response.status_code != 200:
            raise RasaUnavailableError(
                f"the conversation engine (Rasa) answered HTTP {response.status_code}"
            )
        return response.json() or {}

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

    async def send(self, sender: str, message: str) -> list[dict[str, Any]]:
        """Sends one citizen message and returns the bot's messages as Rasa's REST channel
        gives them: [{"recipient_id", "text"?, "buttons"?, "image"?, "custom"?}]."""
        try:
            response = await self._request(
                sender,
                "POST",
                "/webhooks/rest/webhook",
                json={"sender": sender, "message": message},
            )
        except httpx.TimeoutException as exc:
            raise RasaUnavailableError(
                "the conversation engine (Rasa) did not answer in time"
            ) from exc
        except httpx.HTTPError as exc:
            raise RasaUnavailableError("the conversation engine (Rasa) is not reachable") from exc
        if response.status_code != 200:
            raise RasaUnavailableError(
                f"the conversation engine (Rasa) answered HTTP {response.status_code}"
            )
        try:
            body = response.json()
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
            client = self._http()
            response = await client.get(f"{base_url}/status", timeout=3.0)
            if response.status_code == 200:
                return True
            # /status needs --enable-api; the root answers whenever the server is up.
            response = await client.get(f"{base_url}/", timeout=3.0)
            return response.status_code == 200
        except httpx.HTTPError:
            return False
