"""The LINE channel's configuration, built once from Settings (None when it is off)."""

from __future__ import annotations

from dataclasses import dataclass, field

from api.channels.line.client import LineClient
from api.channels.line.profile import AskedUsers
from api.core.config import Settings
from api.core.errors import ServiceUnavailableError

NOT_CONFIGURED = (
    "LINE channel is not configured: set LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN"
)


class LineNotConfiguredError(ServiceUnavailableError):
    code = "line_not_configured"

    def __init__(self, message: str = NOT_CONFIGURED) -> None:
        super().__init__(message)


@dataclass(frozen=True)
class LineChannel:
    channel_secret: str
    client: LineClient
    max_image_bytes: int
    # The users whose profile language was asked for (once per user and process).
    asked_profiles: AskedUsers = field(default_factory=AskedUsers)


def _secret(value: object) -> str:
    getter = getattr(value, "get_secret_value", None)
    return (getter() if getter else "").strip()


def build_line_channel(settings: Settings) -> LineChannel | None:
    """The channel, or None when the secret or the access token is missing (endpoint off)."""
    secret = _secret(settings.line_channel_secret)
    token = _secret(settings.line_channel_access_token)
    if not secret or not token:
        return None
    return LineChannel(
        channel_secret=secret,
        client=LineClient(
            access_token=token,
            api_base_url=settings.line_api_base_url,
            data_api_base_url=settings.line_data_api_base_url,
            timeout_seconds=settings.line_timeout_seconds,
        ),
        max_image_bytes=settings.line_max_image_bytes,
    )
