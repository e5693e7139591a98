"""What a conversation holds when a citizen's message arrives, read in one query: its kept
language, and whether a survey or a handoff may answer the message instead of the bot. Most
messages find no survey and no handoff: then neither is read any further. A channel's own
check of the message (the web chat's token) adds its columns to the same query.

The statements are built once, against the `SENDER` parameter: building a statement of five
subqueries cost the API more CPU than PostgreSQL's running it (0.7 → 0.4 ms per message)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, String, bindparam, exists, select
from sqlalchemy.orm import Session

from api.conversation.models import ConversationLanguage
from api.handoff.models import Handoff
from api.survey.models import OPEN_STEPS, CaseSurvey

# The conversation a state statement reads: pass {"sender": sender_id} when executing one.
SENDER = bindparam("sender", type_=String())

_LANGUAGE = (
    select(ConversationLanguage.language)
    .where(ConversationLanguage.sender_id == SENDER)
    .scalar_subquery()
)
_SURVEY_OPEN = exists().where(
    CaseSurvey.sender_id == SENDER, CaseSurvey.step.in_([step.value for step in OPEN_STEPS])
)
_HANDOFF_LIVE = exists().where(Handoff.sender_id == SENDER, Handoff.ended_at.is_(None))


class StateQuery:
    """The state statement, with a channel's own columns (written against `SENDER`) after the
    state's. Build one per kind of check, once (a module constant), not one per message."""

    def __init__(self, *also: ColumnElement[Any]) -> None:
        self.also = also
        self.statement: Select[Any] = select(_LANGUAGE, _SURVEY_OPEN, _HANDOFF_LIVE, *also)


PLAIN_STATE = StateQuery()


@dataclass(frozen=True)
class ConversationState:
    language: str | None  # the conversation's kept language (None: none yet)
    survey_open: bool  # some survey of this sender still takes answers
    handoff_live: bool  # a handoff of this sender has not ended
    also: tuple[Any, ...] = ()  # the values of the query's `also` columns, in order


def read_state(
    session: Session, sender_id: str, query: StateQuery = PLAIN_STATE
) -> ConversationState:
    row = session.execute(query.statement, {"sender": sender_id}).one()
    return ConversationState(
        language=row[0], survey_open=bool(row[1]), handoff_live=bool(row[2]), also=tuple(row[3:])
    )
