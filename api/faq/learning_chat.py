"""What the chat teaches the knowledge base: a citizen's pick among the offered entries, or
役に立った under an answer, confirms their question as a phrasing of the entry; 役に立たなかった
withdraws what the conversation confirmed for it. Learning never costs the citizen their
answer: a failure here is logged and rolled back on its own."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from api.core.config import get_settings
from api.faq import learning
from api.faq.learning_models import PhrasingSource
from api.faq.search import FaqIndex, decide
from api.feedback.service import recorded_question
from api.nlp import mask

logger = logging.getLogger(__name__)
MAX_CHOICES = 3  # as many entries as the bot offers (actions/faq.py)


def learn_choice(
    session: Session,
    index: FaqIndex,
    *,
    faq_id: str,
    question: str,
    question_key: str | None,
    sender_id: str,
) -> None:
    """The citizen picked `faq_id` among the entries offered for `question` (as typed). Only
    a pick of an entry the bot offers for the question counts: a crafted payload naming any
    entry teaches nothing."""
    offered = [hit.faq_id for hit in decide(index, question).hits[:MAX_CHOICES]]
    if faq_id not in offered:
        return
    _confirm(session, index, faq_id, question, question_key, sender_id, PhrasingSource.chose)


def learn_helpful(
    session: Session,
    index: FaqIndex,
    *,
    faq_id: str,
    question: str,
    question_key: str | None,
    sender_id: str,
) -> None:
    """役に立った under the answer `faq_id` gave to `question`."""
    _confirm(session, index, faq_id, question, question_key, sender_id, PhrasingSource.helpful)


def unlearn_unhelpful(session: Session, *, faq_id: str, sender_id: str) -> None:
    """役に立たなかった under the answer `faq_id`: the conversation's confirmations of the
    entry stop counting (the feedback row itself keeps it from confirming the entry again)."""
    try:
        with session.begin_nested():
            learning.withdraw(
                session,
                faq_id=faq_id,
                sender_id=sender_id,
                min_conversations=get_settings().learn_min_conversations,
            )
    except Exception:
        logger.exception("withdrawing learned phrasings of FAQ %s failed", faq_id)


def _confirm(
    session: Session,
    index: FaqIndex,
    faq_id: str,
    question: str,
    question_key: str | None,
    sender_id: str,
    source: PhrasingSource,
) -> None:
    try:
        with session.begin_nested():
            # the question as recorded with the bot's answer (masked there), else masked now
            masked = (recorded_question(session, question_key) if question_key else None) or (
                mask(question) if question.strip() else ""
            )
            learning.confirm(
                session,
                index,
                faq_id=faq_id,
                question=masked,
                sender_id=sender_id,
                source=source,
                min_conversations=get_settings().learn_min_conversations,
            )
    except Exception:
        logger.exception("learning a phrasing of FAQ %s failed", faq_id)
