"""The language kept per conversation: switched by each message that shows one."""

from __future__ import annotations

from sqlalchemy.orm import Session

from api.conversation.models import ConversationLanguage
from api.core.types import utcnow


def remember(session: Session, sender_id: str, language: str | None) -> str | None:
    """Keeps `language` as the conversation's (None: the message told nothing, the previous
    language stays). Returns the conversation's language after the message."""
    row = session.get(ConversationLanguage, sender_id)
    if language is None:
        return None if row is None else row.language
    if row is None:
        session.add(ConversationLanguage(sender_id=sender_id, language=language))
    elif row.language != language:
        row.language = language
        row.updated_at = utcnow()
    return language


def language_of(session: Session, sender_id: str | None) -> str | None:
    if not sender_id:
        return None
    row = session.get(ConversationLanguage, sender_id)
    return None if row is None else row.language
