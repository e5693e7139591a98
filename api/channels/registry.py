"""The channels that carry messages to citizens, built from settings (LINE only when it is
configured). A new channel is a package implementing api.channels.base.Channel and one line in
CHANNEL_TYPES."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.orm import Session, sessionmaker

from api.cases.models import Case
from api.channels.base import Channel, ChannelNotSupportedError
from api.channels.line.outbound import LineOutbound
from api.channels.web.outbound import WebOutbound
from api.core.config import Settings
from api.core.errors import ServiceUnavailableError

CHANNEL_TYPES: tuple[type[Channel], ...] = (WebOutbound, LineOutbound)
_TYPES = {channel.name: channel for channel in CHANNEL_TYPES}


def reachable(case: Case) -> bool:
    """Whether the case's channel can carry a message to its citizen (whether or not it is
    configured here); a phone case, or one without a conversation, cannot."""
    channel = _TYPES.get(case.channel)
    return channel is not None and channel.parse_sender(case.sender_id) is not None


class ChannelRegistry:
    def __init__(self, channels: Mapping[str, Channel]) -> None:
        self._channels = dict(channels)

    def get(self, name: str) -> Channel:
        """The channel `name` (409 `channel_not_supported` for one that carries no messages,
        503 `<name>_not_configured` for one switched off here)."""
        channel = self._channels.get(name)
        if channel is not None:
            return channel
        if name in _TYPES:
            raise ServiceUnavailableError(
                _TYPES[name].not_configured, code=f"{name}_not_configured"
            )
        raise ChannelNotSupportedError(
            f"the '{name}' channel has no way to send a message; contact the citizen directly"
        )


def build_registry(settings: Settings, factory: sessionmaker[Session]) -> ChannelRegistry:
    built = {kind.name: kind.build(settings, factory) for kind in CHANNEL_TYPES}
    return ChannelRegistry({name: c for name, c in built.items() if c is not None})
