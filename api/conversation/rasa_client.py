"""The one client of the internal Rasa server (REST channel)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from api.core.errors import ServiceUnavailableError


class RasaUnavailableError(ServiceUnavailableError):
    code = "rasa_unavailable"


class RasaClient:
    def __init__(
        self, base_url: str, timeout_seconds: float, auth_token: str | None = None
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout_seconds
        self._auth_token = auth_token

    async def events(self, sender: str) -> list[dict[str, Any]]:
        """The conversation's events from Rasa's tracker store (Rasa's HTTP API)."""
        if not self._auth_token:
            raise RasaUnavailableError(
                "conversation transcripts need RASA_AUTH_TOKEN (Rasa's --auth-token)"
            )
        url = f"{self._base_url}/conversations/{quote(sender, safe=':')}/tracker"
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                response = await client.get(
                    url, params={"token": self._auth_token, "include_events": "ALL"}
                )
        except httpx.HTTPError as exc:
            raise RasaUnavailableError("the conversation engine (Rasa) is not reachable") from exc
        if response.status_code != 200:
            raise RasaUnavailableError(
                f"the conversation engine (Rasa) answered HTTP {response.status_code}"
            )
        return list(response.json().get("events") or [])

    async def active_loop(self, sender: str) -> str | None:
        """The form the conversation is in (None: none), from the tracker without its events."""
        url = f"{self._base_url}/conversations/{quote(sender, safe=':')}/tracker"
        params = {"include_events": "NONE"}
        if self._auth_token:
            params["token"] = self._auth_token
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                response = await client.get(url, params=params)
        except httpx.HTTPError as exc:
            raise RasaUnavailableError("the conversation engine (Rasa) is not reachable") from exc
        if response.status_code != 200:
            raise RasaUnavailableError(
                f"the conversation engine (Rasa) answered HTTP {response.status_code}"
            )
        loop = (response.json() or {}).get("active_loop") or {}
        return loop.get("name") or None

    async def send(self, sender: str, message: str) -> list[dict[str, Any]]:
        """Sends one citizen message and returns the bot's messages as Rasa's REST channel
        gives them: [{"recipient_id", "text"?, "buttons"?, "image"?, "custom"?}]."""
        url = f"{self._base_url}/webhooks/rest/webhook"
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                response = await client.post(url, json={"sender": sender, "message": message})
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
        try:
            async with httpx.AsyncClient(timeout=3.0) as client:
                response = await client.get(f"{self._base_url}/status")
                if response.status_code == 200:
                    return True
                # /status needs --enable-api; the root answers whenever the server is up.
                response = await client.get(f"{self._base_url}/")
                return response.status_code == 200
        except httpx.HTTPError:
            return False
