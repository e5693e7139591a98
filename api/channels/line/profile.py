"""LINE's user language: the language of the citizen's LINE app (Get profile's `language`, when
the user lets LINE share it) starts a LINE conversation that has no language yet, as the
widget's language menu starts a web one. Messages then switch it as they do everywhere
(api/conversation/language.py)."""

from __future__ import annotations

from collections import OrderedDict

from sqlalchemy.orm import Session

from api.conversation import language as conversation_language
from api.i18n import DOMAIN, base_language, menu_locales

# Users asked per process: enough for a city's LINE friends; the oldest are forgotten first.
ASKED_USERS_KEPT = 50_000


def supported_locale(tag: str | None) -> str | None:
    """The locale the bot has texts in for LINE's language tag (en-US → en, ja → ja), or None
    for a language the city does not offer (the message's own language decides then)."""
    if not tag:
        return None
    language = base_language(tag.replace("_", "-"))
    return language if language in menu_locales(DOMAIN) else None


class AskedUsers:
    """The LINE users whose profile was asked for already (whatever the answer, a failure
    included): LINE is asked once per user, not at every message."""

    def __init__(self, kept: int = ASKED_USERS_KEPT) -> None:
        self._kept = kept
        self._users: OrderedDict[str, None] = OrderedDict()

    def first_time(self, user_id: str) -> bool:
        """True the first time a user is seen (and records them); False after."""
        if user_id in self._users:
            return False
        self._users[user_id] = None
        if len(self._users) > self._kept:
            self._users.popitem(last=False)
        return True


def start_language(session: Session, sender: str, locale: str) -> bool:
    """Sets `locale` as the conversation's language unless it has one already (a message may
    have set it meanwhile). Returns whether it was set."""
    if conversation_language.language_of(session, sender) is not None:
        return False
    conversation_language.remember(session, sender, locale)
    return True
