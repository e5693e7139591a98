"""What a conversation holds when a citizen's message arrives, read in one query: its kept
language, and whether a survey or a handoff may answer the message instead of the bot. Most
messages find no survey and no handoff: then neither is read any further. A channel's own
check of the message (the web chat's token) adds its columns to the same query."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session

from api.conversation.models import ConversationLanguage
from api.handoff.models import Handoff
from api.survey.models import OPEN_STEPS, CaseSurvey


@dataclass(frozen=True)
class ConversationState:
    language: str | None  # the conversation's kept language (None: none yet)
    survey_open: bool  # some survey of this sender still takes answers
    handoff_live: bool  # a handoff of this sender has not ended
    also: tuple[Any, ...] = ()  # the values of the `also` columns, in order


def read_state(
    session: Session, sender_id: str, also: Sequence[ColumnElement[Any]] = ()
) -> ConversationState:
    language = (
        select(ConversationLanguage.language)
        .where(ConversationLanguage.sender_id == sender_id)
        .scalar_subquery()
    )
    survey_open = exists().where(
        CaseSurvey.sender_id == sender_id,
        CaseSurvey.step.in_([step.value for step in OPEN_STEPS]),
    )
    handoff_live = exists().where(Handoff.sender_id == sender_id, Handoff.ended_at.is_(None))
    row = session.execute(select(language, survey_open, handoff_live, *also)).one()
    return ConversationState(
        language=row[0], survey_open=bool(row[1]), handoff_live=bool(row[2]), also=tuple(row[3:])
    )
