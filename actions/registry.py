"""Maps action names to handlers; one registry for the whole action server."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy.orm import Session

from actions.protocol import ActionResult
from actions.tracker import Tracker
from api.conversation.language import language_of
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

    @cached_property
    def kept_language(self) -> str | None:
        """The conversation's language as the API keeps it (None: none yet), read once per
        action call: an action asks for its reply language several times, and only the API's
        chat path changes it, never during an action."""
        return language_of(self.session, self.tracker.sender_id)


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
