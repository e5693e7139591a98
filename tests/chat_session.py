"""Opening a web conversation the way the widget does: the server issues the sender id and the
token every chat message (and the event stream) must carry."""

from __future__ import annotations

from typing import Any, Protocol


class _Poster(Protocol):
    def post(self, url: str, **kwargs: Any) -> Any: ...


def open_chat_session(client: _Poster, base_url: str = "") -> tuple[str, dict[str, str]]:
    """(sender, headers) of a new conversation; works with TestClient and httpx clients."""
    response = client.post(f"{base_url}/api/v1/chat/sessions")
    assert response.status_code == 201, response.text
    body = response.json()
    return body["sender"], {"Authorization": f"Bearer {body['token']}"}


def chat_token(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ")
