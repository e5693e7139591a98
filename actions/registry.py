"""Maps action names to handlers; one registry for the whole action server."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from actions.protocol import ActionResult
from actions.tracker import Tracker
from api.faq.knowledge import Knowledge, knowledge_cache


@dataclass
class ActionContext:
    tracker: Tracker
    session: Session
    _knowledge: Knowledge | None = field(default=None, init=False)

    @property
    def knowledge(self) -> Knowledge:
        if self._knowledge is None:
            self._knowledge = knowledge_cache.get(self.session)
        return self._knowledge


Handler = Callable[[ActionContext], ActionResult]


class ActionRegistry:
    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}

    def register(self, name: str) -> Callable[[Handler], Handler]:
        def decorator(handler: Handler) -> Handler:
            if name in self._handlers:
                raise ValueError(f"action {name} registered twice")
            self._handlers[name] = handler
            return handler

        return decorator

    def get(self, name: str) -> Handler | None:
        return self._handlers.get(name)

    @property
    def names(self) -> list[str]:
        return sorted(self._handlers)


registry = ActionRegistry()
