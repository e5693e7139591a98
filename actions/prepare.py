"""The slow, memoised work on the citizen's words, done before an action's transaction.

An action runs in one write unit of work (on SQLite: BEGIN IMMEDIATE, the database's one write
lock). Searching the FAQ (a query's sentence vectors: tens of ms) and finding the message's
entities (the NER pipeline) inside it would hold that lock while they run, so that every other
action, and every write of the API, waits for them. Both are memoised (the query vectors and
tokens per encoder and analyzer, the entities per text): done here first, the action repeats
them in a few milliseconds under the lock. The same holds for a report's description and its
triage text (description and place), which the form's actions route and the case's opening
routes and reads the entities of (the router memoises its decisions per text).
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy.orm import Session, sessionmaker

from actions.case_text import routed_texts
from actions.tracker import Tracker
from api.core.db import unit_of_work
from api.faq.knowledge import knowledge_cache
from api.faq.search import decide
from api.faq.search.spare_cores import usable_cores
from api.nlp.carried import carried
from api.nlp.entities import extract, remember

logger = logging.getLogger(__name__)

# The actions that search the FAQ with the latest message (the form steps read theirs as
# answers first: searching each of them would cost the sentence vectors for nothing).
SEARCHING_ACTIONS = frozenset({"action_answer_faq"})
# The actions that open the case (and keep the triage text's entities with it).
CASE_OPENING_ACTIONS = frozenset({"action_open_case"})
# Searches run at once, one per core: a search is CPU work (the sentence vectors on the
# process's one query-embedding thread, the words under the GIL); more at a time only contend.
_searching = threading.BoundedSemaphore(usable_cores())


def prepare(
    factory: sessionmaker[Session], action: str, tracker: Tracker, seal_secret: str
) -> None:
    """Finds the latest message's entities (taken from the message when the API sealed them
    there, `api.nlp.carried`), and searches it for the actions that will, when it is the
    citizen's words (a button's payload, "/intent{…}", is not); routes the description of the
    case in progress, and for the case's opening its triage text, whose entities it finds.
    Never fails the action: the action does the work itself then."""
    text = tracker.latest_text
    words = bool(text) and not text.startswith("/")
    opening = action in CASE_OPENING_ACTIONS
    case_texts = routed_texts(tracker, opening)
    if not words and not case_texts:
        return
    try:
        if words:
            entities = carried(seal_secret, text, tracker.latest_message.get("metadata"))
            if entities is not None:
                remember(text, entities)
            else:
                extract(text)
        searches = action in SEARCHING_ACTIONS and words
        if not searches and not case_texts:
            return
        with unit_of_work(factory, write=False) as session:  # a read: waits for no writer
            knowledge = knowledge_cache.get(session)
        with _searching:
            if searches:
                decide(knowledge.index, text)
            for case_text in case_texts:
                knowledge.router.route(case_text)
        if opening and case_texts:
            extract(case_texts[-1])  # the triage text's entities, kept with the case
    except Exception:
        logger.exception("preparing the action for sender %s failed", tracker.sender_id)
