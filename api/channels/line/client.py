"""The one HTTP client of the LINE Messaging API (reply, push, message content, profile language).

Request bodies are checked against line-bot-sdk's v3 models before they leave, so a shape
error shows up here rather than as a 400 from LINE. Transport is httpx (async), pointed at
`LINE_API_BASE_URL` / `LINE_DATA_API_BASE_URL` so tests can use a local stub.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
from linebot.v3.messaging import PushMessageRequest, ReplyMessageRequest

from api.core.errors import ServiceUnavailableError

logger = logging.getLogger(__name__)

_PUSH_ATTEMPTS = 3
_PUSH_BACKOFF_SECONDS = 0.5


class LineApiError(ServiceUnavailableError):
    code = "line_api_error"

    def __init__(self, message: str, *, http_status: int | None = None) -> None:
        super().__init__(message)
        self.http_status = http_status


class InvalidReplyTokenError(LineApiError):
    """The reply token expired or was used already; the caller may push instead."""


@dataclass(frozen=True)
class ImageContent:
    content: bytes
    content_type: str


def _line_message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("message", "")) if isinstance(body, dict) else ""


class LineClient:
    def __init__(
        self,
        *,
        access_token: str,
        api_base_url: str,
        data_api_base_url: str,
        timeout_seconds: float = 10.0,
    ) -> None:
        self._token = access_token
        self._api = api_base_url.rstrip("/")
        self._data = data_api_base_url.rstrip("/")
        self._timeout = timeout_seconds

    def _headers(self, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}", **extra}

    async def reply(self, reply_token: str, messages: list[dict[str, Any]]) -> None:
        body = {"replyToken": reply_token, "messages": messages}
        ReplyMessageRequest.from_dict(body)  # raises on a shape LINE would refuse
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                response = await client.post(
                    f"{self._api}/v2/bot/message/reply", json=body, headers=self._headers()
                )
        except httpx.HTTPError as exc:
            raise LineApiError(f"LINE reply failed: {type(exc).__name__}") from exc
        if response.status_code == 200:
            return
        detail = _line_message(response)
        if response.status_code == 400 and "reply token" in detail.lower():
            raise InvalidReplyTokenError(f"LINE refused the reply token: {detail}", http_status=400)
        raise LineApiError(
            f"LINE reply answered HTTP {response.status_code}: {detail}",
            http_status=response.status_code,
        )

    async def push(
        self,
        to: str,
        messages: list[dict[str, Any]],
        *,
        retry_key: str | None = None,
        attempts: int = _PUSH_ATTEMPTS,
    ) -> str:
        """Pushes with an X-Line-Retry-Key, retrying timeouts and 5xx with the same key (LINE
        accepts a key once: a 409 on a retry means the first attempt got through), up to
        `attempts` times (1 for the outbox, which retries later itself). Returns the retry key."""
        body = {"to": to, "messages": messages}
        PushMessageRequest.from_dict(body)
        key = retry_key or str(uuid.uuid4())
        headers = self._headers(**{"X-Line-Retry-Key": key})
        last_error = "no attempt"
        last_status: int | None = None  # of the last answer, when LINE answered
        for attempt in range(1, attempts + 1):
            try:
                async with httpx.AsyncClient(timeout=self._timeout) as client:
                    response = await client.post(
                        f"{self._api}/v2/bot/message/push", json=body, headers=headers
                    )
            except httpx.HTTPError as exc:
                last_error, last_status = type(exc).__name__, None
            else:
                if response.status_code == 200:
                    return key
                if response.status_code == 409:
                    return key  # LINE already accepted a request with this key
                if response.status_code < 500 and response.status_code != 429:
                    raise LineApiError(
                        f"LINE push answered HTTP {response.status_code}: "
                        f"{_line_message(response)}",
                        http_status=response.status_code,
                    )
                last_error, last_status = f"HTTP {response.status_code}", response.status_code
            if attempt < attempts:
                await asyncio.sleep(_PUSH_BACKOFF_SECONDS * attempt)
        raise LineApiError(
            f"LINE push failed after {attempts} attempt(s): {last_error}", http_status=last_status
        )

    async def get_content(self, message_id: str, *, max_bytes: int) -> ImageContent:
        url = f"{self._data}/v2/bot/message/{message_id}/content"
        try:
            async with (
                httpx.AsyncClient(timeout=self._timeout) as client,
                client.stream("GET", url, headers=self._headers()) as response,
            ):
                if response.status_code != 200:
                    raise LineApiError(
                        f"LINE content answered HTTP {response.status_code}",
                        http_status=response.status_code,
                    )
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise LineApiError(f"LINE content larger than {max_bytes} bytes")
                    chunks.append(chunk)
                content_type = response.headers.get("content-type", "application/octet-stream")
        except httpx.HTTPError as exc:
            raise LineApiError(f"LINE content failed: {type(exc).__name__}") from exc
        return ImageContent(b"".join(chunks), content_type.split(";")[0].strip())

    async def profile_language(self, user_id: str) -> str | None:
        """The user's language from the Get profile endpoint, as LINE gives it (a BCP 47 tag:
        "en", "ja", "zh-Hant"), or None when the user has not let LINE share it. Only
        `language` is read: the display name, picture and status message are personal data
        this service has no use for, and are neither kept nor logged."""
        url = f"{self._api}/v2/bot/profile/{quote(user_id, safe='')}"
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                response = await client.get(url, headers=self._headers())
        except httpx.HTTPError as exc:
            raise LineApiError(f"LINE profile failed: {type(exc).__name__}") from exc
        if response.status_code != 200:
            raise LineApiError(
                f"LINE profile answered HTTP {response.status_code}: {_line_message(response)}",
                http_status=response.status_code,
            )
        try:
            body = response.json()
        except ValueError as exc:
            raise LineApiError("LINE profile answered no JSON") from exc
        language = body.get("language") if isinstance(body, dict) else None
        return (language.strip() or None) if isinstance(language, str) else None
