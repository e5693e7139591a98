"""The language kept per conversation: switched by each message that shows one."""

from __future__ import annotations

import re

from sqlalchemy import update
from sqlalchemy.orm import Session

from api.conversation.models import ConversationLanguage
from api.core.db import insert_for
from api.core.types import utcnow
from api.i18n import SOURCE_LOCALE, base_language

_KANA = re.compile(r"[\u3041-\u309f\u30a1-\u30ff\uff66-\uff9d]")


def heard(current: str | None, message: str, detected: str | None) -> str | None:
    """The language `message` switches the conversation to (None: it stays). Kanji alone
    (緑町3丁目, 住民票) is a name given in another language's conversation, not a switch to
    Japanese: a Japanese sentence has kana. A variant (ja-x-easy, やさしい日本語) is kept by
    messages in its base language: the citizen writes ordinary Japanese to an easy-Japanese bot."""
    if current and detected and current != detected and base_language(current) == detected:
        return None
    if detected == "ja" and current not in (None, "ja") and not _KANA.search(message):
        return None
    return detected


def remember(session: Session, sender_id: str, language: str | None) -> str | None:
    """Keeps `language` as the conversation's (None: the message told nothing, the previous
    language stays). Returns the conversation's language after the message."""
    return _keep(session, sender_id, language_of(session, sender_id), language)


def follow(
    session: Session, sender_id: str, current: str | None, message: str, detected: str | None
) -> str | None:
    """The conversation's language after the citizen's `message` (`current`: the language kept
    so far, already read; `detected`: the message's, or None), kept when the message switches
    it (`heard`), without reading the row again."""
    return _keep(session, sender_id, current, heard(current, message, detected))


def _keep(
    session: Session, sender_id: str, current: str | None, language: str | None
) -> str | None:
    """Keeps `language` when it differs from `current`, the conversation's language as read
    (None: none yet); `language` None keeps `current`. Returns the language after."""
    if language is None or language == current:
        return current
    now = utcnow()
    if current is None:
        # One statement (no savepoint and retry): two first messages at once, the second
        # updates the row the first inserted.
        session.execute(
            insert_for(session)(ConversationLanguage)
            .values(sender_id=sender_id, language=language, updated_at=now)
            .on_conflict_do_update(
                index_elements=[ConversationLanguage.sender_id],
                set_={"language": language, "updated_at": now},
            )
        )
        return language
    session.execute(
        update(ConversationLanguage)
        .where(ConversationLanguage.sender_id == sender_id)
        .values(language=language, updated_at=now)
    )
    return language


def language_of(session: Session, sender_id: str | None) -> str | None:
    if not sender_id:
        return None
    row = session.get(ConversationLanguage, sender_id)
    return None if row is None else row.language


def citizen_language(session: Session, sender_id: str | None, case_language: str | None) -> str:
    """The language to tell a citizen something in: their conversation's now, else the one
    their case was opened in, else Japanese."""
    return language_of(session, sender_id) or case_language or SOURCE_LOCALE
