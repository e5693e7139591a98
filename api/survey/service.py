"""The satisfaction survey after a resolution: asked once per case through the case's channel,
the bot rated first (1–5), then staff (1–5), then an optional comment, stored masked.

Every step moves with a compare-and-set on `step`, so an answer delivered twice (LINE redelivers
webhooks, a citizen taps twice) is recorded once and does not bring the next question twice.
Never commits: the caller's unit of work does.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.cases.models import Case, CaseEventKind
from api.cases.service import SYSTEM_ACTOR, record_survey_event
from api.channels.registry import reachable
from api.conversation.language import citizen_language
from api.conversation.schemas import ChatMessage
from api.nlp import mask
from api.survey import messages, payload
from api.survey.models import OPEN_STEPS, CaseSurvey, SurveyStep
from api.survey.payload import MalformedPayloadError, SurveyPayload

# A survey left unanswered this long (since it was asked or last answered) is expired: it no
# longer takes the citizen's messages as answers.
SURVEY_LIFETIME = timedelta(days=14)
CITIZEN = "citizen"

_OPEN = OPEN_STEPS
_FINISHED = (SurveyStep.done, SurveyStep.declined)
_ORDER = {SurveyStep.bot: 0, SurveyStep.staff: 1, SurveyStep.comment: 2}


def start_survey(session: Session, case: Case, now: datetime) -> ChatMessage | None:
    """Creates the case's survey and returns its first question (with the rating buttons), or
    None when the case has had one already or its channel cannot carry messages (phone)."""
    if not reachable(case):
        return None
    if session.scalar(select(CaseSurvey.id).where(CaseSurvey.case_id == case.id)) is not None:
        return None  # once per case: a reopened and resolved again case is not asked again
    survey = CaseSurvey(
        case_id=case.id,
        sender_id=case.sender_id,
        channel=case.channel,
        step=SurveyStep.bot.value,
        asked_at=now,
    )
    try:
        with session.begin_nested():  # a concurrent resolve of the same case loses only this
            session.add(survey)
            session.flush()
    except IntegrityError:
        return None
    record_survey_event(
        session, case, CaseEventKind.survey_sent, SYSTEM_ACTOR, {"channel": case.channel}, now
    )
    return messages.bot_question(case.case_number, _language(session, case.sender_id, case))


def handle_message(
    session: Session, sender: str, text: str, now: datetime
) -> list[ChatMessage] | None:
    """The survey's answer to a citizen's message, or None when the message is not for the
    survey (the bot answers it). An empty list: a repeated answer, acknowledged silently."""
    if payload.is_survey_payload(text):
        try:
            answer = payload.parse(text)
        except MalformedPayloadError:
            return _unreadable(session, sender, now)
        return _answer_payload(session, sender, answer, now)

    survey = active_survey(session, sender, now)
    if survey is None:
        return None
    if survey.step == SurveyStep.comment.value:
        # Whatever the citizen writes now is the comment (or says there is none).
        comment = None if payload.says_no_comment(text) else text
        return _finish_with_comment(session, survey, comment, now)
    score = payload.typed_score(text)
    if score is None:
        return None  # not an answer (a new question): the bot answers, the survey waits
    return _rate(session, survey, SurveyStep(survey.step), score, now)


def active_survey(session: Session, sender: str, now: datetime) -> CaseSurvey | None:
    """The survey that takes this sender's typed answers: the one asked last, while it is
    open. An older survey still open is answered with its buttons only (they name its case),
    so a finished survey never leaves an older one to catch the citizen's next question."""
    latest = session.scalar(
        select(CaseSurvey)
        .where(CaseSurvey.sender_id == sender)
        .order_by(CaseSurvey.asked_at.desc(), CaseSurvey.id.desc())
        .limit(1)
    )
    if latest is None or SurveyStep(latest.step) not in _OPEN:
        return None
    if _expire_if_stale(session, latest, now):
        return None
    return latest


# -- answers --------------------------------------------------------------------------------------


def _answer_payload(
    session: Session, sender: str, answer: SurveyPayload, now: datetime
) -> list[ChatMessage]:
    survey = session.scalar(
        select(CaseSurvey)
        .join(Case, Case.id == CaseSurvey.case_id)
        .where(Case.case_number == answer.case_number, CaseSurvey.sender_id == sender)
    )
    if survey is None:  # another citizen's case, or none: the same answer for both
        return [messages.text(messages.say(_language(session, sender), "not_found"))]
    if SurveyStep(survey.step) in _OPEN:
        _expire_if_stale(session, survey, now)
    step = SurveyStep(survey.step)
    if step not in _OPEN:
        return _closed(session, survey)
    if answer.action == "decline":
        return _decline(session, survey, now)
    if answer.action == "skip":
        if step == SurveyStep.comment:
            return _finish_with_comment(session, survey, None, now)
        return [_question(session, survey)]  # only the comment can be skipped
    target = SurveyStep(answer.target)
    if target == step:
        return _rate(session, survey, step, answer.score or 0, now)
    if _ORDER[target] < _ORDER[step]:
        return []  # answered already (a redelivery or a double tap): nothing changes
    return [_question(session, survey)]  # a question not asked yet: ask the open one


def _rate(
    session: Session, survey: CaseSurvey, step: SurveyStep, score: int, now: datetime
) -> list[ChatMessage]:
    if step == SurveyStep.bot:
        moved = _advance(
            session,
            survey,
            SurveyStep.bot,
            step=SurveyStep.staff.value,
            bot_rating=score,
            bot_rated_at=now,
        )
        following = messages.staff_question
    else:
        moved = _advance(
            session,
            survey,
            SurveyStep.staff,
            step=SurveyStep.comment.value,
            staff_rating=score,
            staff_rated_at=now,
        )
        following = messages.comment_question
    if not moved:
        return _after_a_twin(session, survey)
    case = _case(session, survey)
    data = {"target": step.value, "score": score}
    record_survey_event(session, case, CaseEventKind.survey_answered, CITIZEN, data, now)
    return [following(case.case_number, _language(session, survey.sender_id, case))]


def _finish_with_comment(
    session: Session, survey: CaseSurvey, comment: str | None, now: datetime
) -> list[ChatMessage]:
    masked = mask(comment).strip() if comment else None  # no personal data is ever stored
    moved = _advance(
        session,
        survey,
        SurveyStep.comment,
        step=SurveyStep.done.value,
        comment=masked or None,
        finished_at=now,
    )
    if not moved:
        return _after_a_twin(session, survey)
    # Whether there was a comment, never its text: histories and the audit log keep ratings.
    data = {"target": "comment", "commented": bool(masked)}
    case = _case(session, survey)
    record_survey_event(session, case, CaseEventKind.survey_answered, CITIZEN, data, now)
    language = _language(session, survey.sender_id, case)
    return [messages.text(messages.say(language, "thanks_for_comment" if masked else "thanks"))]


def _decline(session: Session, survey: CaseSurvey, now: datetime) -> list[ChatMessage]:
    step = SurveyStep(survey.step)
    if not _advance(session, survey, step, step=SurveyStep.declined.value, finished_at=now):
        return _after_a_twin(session, survey)
    case = _case(session, survey)
    data = {"step": step.value}
    record_survey_event(session, case, CaseEventKind.survey_declined, CITIZEN, data, now)
    language = _language(session, survey.sender_id, case)
    return [messages.text(messages.say(language, "declined"))]


def _unreadable(session: Session, sender: str, now: datetime) -> list[ChatMessage]:
    language = _language(session, sender)
    survey = active_survey(session, sender, now)
    if survey is None:
        return [messages.text(messages.say(language, "not_found"))]
    return [messages.text(messages.say(language, "unreadable")), _question(session, survey)]


def _language(session: Session, sender: str | None, case: Case | None = None) -> str:
    """The survey's language: the conversation's now, else the case's, else Japanese."""
    return citizen_language(session, sender, case.language if case else None)


# -- states ---------------------------------------------------------------------------------------


def _advance(session: Session, survey: CaseSurvey, expected: SurveyStep, **values: Any) -> bool:
    """Moves the survey on only if it is still at `expected` (one UPDATE … WHERE step = …):
    of two deliveries of the same answer, exactly one moves it. Says whether this one did."""
    result = session.execute(
        update(CaseSurvey)
        .where(CaseSurvey.id == survey.id, CaseSurvey.step == expected.value)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    session.refresh(survey)
    return result.rowcount == 1


def _expire_if_stale(session: Session, survey: CaseSurvey, now: datetime) -> bool:
    """Expires an open survey unanswered for SURVEY_LIFETIME; says whether it is expired."""
    last = max(t for t in (survey.asked_at, survey.bot_rated_at, survey.staff_rated_at) if t)
    deadline = last + SURVEY_LIFETIME
    if now < deadline:
        return False
    _advance(
        session,
        survey,
        SurveyStep(survey.step),
        step=SurveyStep.expired.value,
        finished_at=deadline,
    )
    return survey.step == SurveyStep.expired.value


def _closed(session: Session, survey: CaseSurvey) -> list[ChatMessage]:
    language = _language(session, survey.sender_id, _case(session, survey))
    if survey.step == SurveyStep.expired.value:
        days = SURVEY_LIFETIME.days
        return [messages.text(messages.say(language, "expired", days=days))]
    return [messages.text(messages.say(language, "already_finished"))]


def _after_a_twin(session: Session, survey: CaseSurvey) -> list[ChatMessage]:
    """A concurrent delivery of the same answer moved the survey first: stay quiet while it
    goes on (the twin sent the next question), say so briefly once it is over."""
    return [] if SurveyStep(survey.step) in _OPEN else _closed(session, survey)


def _question(session: Session, survey: CaseSurvey) -> ChatMessage:
    case = _case(session, survey)
    language = _language(session, survey.sender_id, case)
    step = SurveyStep(survey.step)
    if step == SurveyStep.bot:
        return messages.bot_question(case.case_number, language)
    if step == SurveyStep.staff:
        return messages.staff_question(case.case_number, language)
    return messages.comment_question(case.case_number, language)


def _case(session: Session, survey: CaseSurvey) -> Case:
    case = session.get(Case, survey.case_id)
    if case is None:  # the foreign key cascades: a survey never outlives its case
        raise LookupError(f"survey {survey.id} has no case")
    return case
