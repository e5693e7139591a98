"""Learning phrasings from what citizens chose: a question becomes a wording of the entry the
citizen picked from the choices (or found helpful), once enough different conversations agree.

Guards against poisoning: a phrasing counts only after confirmations from
`min_conversations` different conversations (one row per phrasing and conversation, so Rasa's
retries and repeated taps count once); a conversation that says 役に立たなかった of an entry
withdraws its confirmations of that entry's phrasings and confirms none again; staff removals
are final. Staff imports are trusted (active at once). Never commits: the caller's unit of work
does."""

from __future__ import annotations

import hashlib

from sqlalchemy import BigInteger, cast, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.core.errors import NotFoundError
from api.core.types import utcnow
from api.faq.learning_models import (
    LearnedPhrasing,
    PhrasingConfirmation,
    PhrasingSource,
    PhrasingState,
)
from api.faq.learning_text import Phrasing, Rejection, examine
from api.faq.models import FaqEntry
from api.faq.search import FaqIndex
from api.feedback.models import AnswerFeedback

# The set of active phrasings (their count, and the sums of their ids and of the ids' squares:
# an active phrasing's text never changes). It moves when a phrasing becomes active or stops
# being active, and not when a pending one is confirmed: the knowledge is rebuilt only when
# the search's learned wordings change.
LearningVersion = tuple[int, int, int]


def conversation_hash(sender_id: str) -> str:
    return hashlib.sha256(f"madoguchi-learning:{sender_id}".encode()).hexdigest()


def confirm(
    session: Session,
    index: FaqIndex,
    *,
    faq_id: str,
    question: str,
    sender_id: str,
    source: PhrasingSource,
    min_conversations: int,
) -> LearnedPhrasing | Rejection | None:
    """One conversation confirms that `question` (masked) asks for `faq_id`. Returns the
    phrasing, why the question is not learned, or None when this conversation may not confirm
    (it said 役に立たなかった of the entry, the entry is unknown, or staff removed the phrasing)."""
    if session.get(FaqEntry, faq_id) is None or _said_unhelpful(session, sender_id, faq_id):
        return None
    examined = examine(index, question)
    if isinstance(examined, Rejection):
        return examined
    phrasing = _phrasing_for(session, faq_id, examined, source, locked=True)
    if phrasing.state == PhrasingState.removed:
        return None
    digest = conversation_hash(sender_id)
    confirmed = select(PhrasingConfirmation.id).where(
        PhrasingConfirmation.phrasing_id == phrasing.id,
        PhrasingConfirmation.conversation_hash == digest,
    )
    if session.scalar(confirmed) is None:  # else: a retried action, a second tap
        try:
            with session.begin_nested():
                session.add(
                    PhrasingConfirmation(
                        phrasing_id=phrasing.id, conversation_hash=digest, source=source.value
                    )
                )
        except IntegrityError:
            pass  # the same conversation's retry, running at the same moment, was first
    _recount(session, phrasing, min_conversations)
    return phrasing


def withdraw(session: Session, *, faq_id: str, sender_id: str, min_conversations: int) -> int:
    """The conversation said 役に立たなかった of the entry: its confirmations of the entry's
    phrasings no longer count, and a phrasing left below the threshold goes back to pending.
    Returns how many confirmations were withdrawn."""
    digest = conversation_hash(sender_id)
    rows = session.execute(
        select(PhrasingConfirmation, LearnedPhrasing)
        .join(LearnedPhrasing, LearnedPhrasing.id == PhrasingConfirmation.phrasing_id)
        .where(
            LearnedPhrasing.faq_id == faq_id,
            PhrasingConfirmation.conversation_hash == digest,
            PhrasingConfirmation.withdrawn_at.is_(None),
        )
        .with_for_update()
    ).all()
    now = utcnow()
    for confirmation, _ in rows:
        confirmation.withdrawn_at = now
    session.flush()
    for phrasing in {p.id: p for _, p in rows}.values():
        _recount(session, phrasing, min_conversations)
    return len(rows)


def import_phrasing(
    session: Session, index: FaqIndex, *, faq_id: str, question: str
) -> LearnedPhrasing | Rejection | None:
    """A staff-trusted pair: active at once (a pending phrasing becomes active and trusted).
    None when the phrasing was known already (active, or removed by staff: not revived)."""
    examined = examine(index, question)
    if isinstance(examined, Rejection):
        return examined
    existing = _find(session, faq_id, examined.key)
    if existing is not None and existing.state != PhrasingState.pending:
        return None
    phrasing = _phrasing_for(session, faq_id, examined, PhrasingSource.imported, locked=True)
    phrasing.source = PhrasingSource.imported.value
    _set_state(phrasing, PhrasingState.active)
    session.flush()
    return phrasing


def remove(session: Session, *, faq_id: str, phrasing_id: int, actor: str) -> LearnedPhrasing:
    """Staff remove a wrong phrasing: the search stops using it and it is never learned again.
    Removing a removed phrasing changes nothing."""
    phrasing = get(session, faq_id, phrasing_id)
    if phrasing.state != PhrasingState.removed:
        _set_state(phrasing, PhrasingState.removed)
        phrasing.removed_by = actor
        phrasing.removed_at = phrasing.state_changed_at
        session.flush()
    return phrasing


def get(session: Session, faq_id: str, phrasing_id: int) -> LearnedPhrasing:
    phrasing = session.get(LearnedPhrasing, phrasing_id)
    if phrasing is None or phrasing.faq_id != faq_id:
        raise NotFoundError(f"FAQ {faq_id} has no learned phrasing {phrasing_id}")
    return phrasing


def list_for(session: Session, faq_id: str) -> list[LearnedPhrasing]:
    """The entry's phrasings, newest first (404 for an unknown entry)."""
    if session.get(FaqEntry, faq_id) is None:
        raise NotFoundError(f"no FAQ entry {faq_id}")
    statement = (
        select(LearnedPhrasing)
        .where(LearnedPhrasing.faq_id == faq_id)
        .order_by(LearnedPhrasing.created_at.desc(), LearnedPhrasing.id.desc())
    )
    return list(session.scalars(statement))


def active_phrasings(session: Session) -> dict[str, tuple[str, ...]]:
    """FAQ id → the texts of its active phrasings, oldest first: what the search uses."""
    statement = (
        select(LearnedPhrasing.faq_id, LearnedPhrasing.text)
        .where(LearnedPhrasing.state == PhrasingState.active.value)
        .order_by(LearnedPhrasing.id)
    )
    learned: dict[str, list[str]] = {}
    for faq_id, text in session.execute(statement):
        learned.setdefault(faq_id, []).append(text)
    return {faq_id: tuple(texts) for faq_id, texts in learned.items()}


def version(session: Session) -> LearningVersion:
    ids = cast(LearnedPhrasing.id, BigInteger)
    count, total, squares = session.execute(
        select(func.count(), func.sum(ids), func.sum(ids * ids)).where(
            LearnedPhrasing.state == PhrasingState.active.value
        )
    ).one()
    return int(count), int(total or 0), int(squares or 0)


def _said_unhelpful(session: Session, sender_id: str, faq_id: str) -> bool:
    statement = select(AnswerFeedback.id).where(
        AnswerFeedback.sender_id == sender_id,
        AnswerFeedback.faq_id == faq_id,
        AnswerFeedback.helpful.is_(False),
    )
    return session.scalar(statement.limit(1)) is not None


def _find(session: Session, faq_id: str, key: str, locked: bool = False) -> LearnedPhrasing | None:
    statement = select(LearnedPhrasing).where(
        LearnedPhrasing.faq_id == faq_id, LearnedPhrasing.key == key
    )
    if locked:  # serializes concurrent confirmations of one phrasing (PostgreSQL)
        statement = statement.with_for_update()
    return session.scalar(statement)


def _phrasing_for(
    session: Session, faq_id: str, phrasing: Phrasing, source: PhrasingSource, locked: bool
) -> LearnedPhrasing:
    """The stored phrasing with this key, created pending when new (a concurrent creation by
    another conversation is found instead of duplicated)."""
    found = _find(session, faq_id, phrasing.key, locked)
    if found is not None:
        return found
    created = LearnedPhrasing(
        faq_id=faq_id,
        text=phrasing.text,
        key=phrasing.key,
        source=source.value,
        state=PhrasingState.pending.value,
        confirmations=0,
    )
    try:
        with session.begin_nested():
            session.add(created)
    except IntegrityError:
        found = _find(session, faq_id, phrasing.key, locked)
        assert found is not None  # the row that made the insert fail
        return found
    return created


def _recount(session: Session, phrasing: LearnedPhrasing, min_conversations: int) -> None:
    phrasing.confirmations = (
        session.scalar(
            select(func.count()).where(
                PhrasingConfirmation.phrasing_id == phrasing.id,
                PhrasingConfirmation.withdrawn_at.is_(None),
            )
        )
        or 0
    )
    if phrasing.state == PhrasingState.removed or phrasing.source == PhrasingSource.imported:
        pass  # staff decided: removals are final, imports are trusted
    elif phrasing.confirmations >= min_conversations:
        _set_state(phrasing, PhrasingState.active)
    else:
        _set_state(phrasing, PhrasingState.pending)
    session.flush()


def _set_state(phrasing: LearnedPhrasing, state: PhrasingState) -> None:
    if phrasing.state == state:
        return
    now = utcnow()
    phrasing.state = state.value
    phrasing.state_changed_at = now
    if state == PhrasingState.active:
        phrasing.activated_at = now
