"""FastAPI dependencies: the channels and a dispatcher bound to the request's session factory
(tests bind it to their rolled-back connection)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.channels.registry import ChannelRegistry, build_registry
from api.deps import FactoryDep
from api.outbox.dispatcher import Dispatcher, OutboxPolicy


def get_channels(request: Request, factory: FactoryDep) -> ChannelRegistry:
    return build_registry(request.app.state.settings, factory)


ChannelsDep = Annotated[ChannelRegistry, Depends(get_channels)]


def get_dispatcher(request: Request, factory: FactoryDep, channels: ChannelsDep) -> Dispatcher:
    policy = OutboxPolicy.from_settings(request.app.state.settings)
    return Dispatcher(factory, channels, policy=policy)


DispatcherDep = Annotated[Dispatcher, Depends(get_dispatcher)]
