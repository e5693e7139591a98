"""Answering from the FAQ knowledge base: answer, ask which one, or offer a case; and what the
citizen says of an answer (役に立った / 役に立たなかった)."""

from __future__ import annotations

import json

from actions.language import reply_language
from actions.language_note import with_language_note
from actions.messages import say
from actions.protocol import ActionResult, button, slot_set, text
from actions.registry import ActionContext, registry
from api.departments.repository import DepartmentRepository
from api.faq.english import MeaningSearch, decide_english
from api.faq.learning_chat import learn_choice, learn_helpful, unlearn_unhelpful
from api.faq.models import FaqEntry
from api.faq.search import FaqDocument, decide
from api.feedback.service import record_answer, record_feedback
from api.i18n import EASY_JAPANESE
from api.triage.service import triage

MAX_CHOICES = 3
# The cross-lingual meaning search over the Japanese entries, where the deployment has one
# (`search_by_meaning(text, top)` of the FAQ index); English entries are searched first anyway.
meaning_search: MeaningSearch | None = None


def feedback_buttons(language: str) -> list[dict[str, str]]:
    return [
        button(say(language, "helpful"), "/feedback_helpful"),
        button(say(language, "not_helpful"), "/feedback_not_helpful"),
    ]


def in_english(document: FaqDocument, language: str) -> bool:
    """Whether the entry is given in English: an English conversation and an English answer."""
    return language == "en" and bool(document.answer_en)


def answer_in(document: FaqDocument, language: str) -> str:
    """The entry's answer for a conversation in `language`: its English or easy-Japanese text
    when it has one, else the Japanese answer (the widget shows readings over it)."""
    if in_english(document, language):
        return document.answer_en or document.answer
    if language == EASY_JAPANESE:
        return document.answer_easy or document.answer
    return document.answer


def _choice_payload(faq_id: str) -> str:
    return "/choose_faq" + json.dumps({"faq_id": faq_id}, ensure_ascii=False)


def _message_key(ctx: ActionContext) -> str:
    return f"{ctx.tracker.sender_id}:{ctx.tracker.latest_user_message_id() or 'no-message-id'}"


def _record(
    ctx: ActionContext,
    decision: str,
    faq_id: str | None,
    question: str,
    parent_key: str | None = None,
) -> None:
    entry = ctx.session.get(FaqEntry, faq_id) if faq_id else None
    record_answer(
        ctx.session,
        message_key=_message_key(ctx),
        sender_id=ctx.tracker.sender_id,
        channel=ctx.tracker.channel,
        decision=decision,
        faq_id=faq_id,
        question=question,
        parent_key=parent_key,
        faq_reviewed_at=entry.reviewed_at if entry else None,
    )


def _answer(
    ctx: ActionContext, faq_id: str, question: str, parent_key: str | None = None
) -> ActionResult:
    document = ctx.knowledge.index.document(faq_id)
    _record(ctx, "answer", faq_id, question, parent_key)
    language = reply_language(ctx)
    return ActionResult(
        responses=[text(answer_in(document, language), feedback_buttons(language))],
        events=[
            slot_set("last_faq_id", faq_id),
            slot_set("last_question", question),
            slot_set("question_key", parent_key or _message_key(ctx)),
            slot_set("case_offer", None),
            slot_set("case_description", None),
        ],
    )


# Below this routing confidence the city's general line is named rather than a guess: a
# question outside the FAQ (宇宙旅行の申し込み) is routed on a generic word (申し込み → 保育課).
WAY_FORWARD_MIN_CONFIDENCE = 0.6


def _phone_line(ctx: ActionContext, question: str, message_id: str) -> str | None:
    """「お急ぎの場合は〇〇課（電話 …）へ」: the department routing picks for the question (the
    directory's fallback when nothing fits), when it has a phone number."""
    knowledge = ctx.knowledge
    routed = triage(knowledge, question) if question else None
    sure = routed is not None and routed.confidence >= WAY_FORWARD_MIN_CONFIDENCE
    department = (routed.department if sure else None) or knowledge.fallback_department
    record = DepartmentRepository(ctx.session).get(department) if department else None
    if record is None or not record.phone:
        return None
    language = reply_language(ctx)
    return say(language, message_id, name=record.name_in(language), phone=record.phone)


def _offer_case(
    ctx: ActionContext,
    question: str,
    question_key: str | None,
    message_id: str = "not_found_offer",
) -> ActionResult:
    language = reply_language(ctx)
    message = say(language, message_id)
    phone = _phone_line(ctx, question, "way_forward_phone")
    return ActionResult(
        responses=[
            text(
                f"{message}\n{phone}" if phone else message,
                [
                    button(say(language, "offer_yes"), "/request_inquiry"),
                    button(say(language, "offer_no"), "/deny"),
                ],
            )
        ],
        events=[
            slot_set("case_offer", "inquiry"),
            slot_set("case_description", question),
            slot_set("question_key", question_key),
        ],
    )


@registry.register("action_answer_faq")
def answer_faq(ctx: ActionContext) -> ActionResult:
    # An English question answered from a Japanese entry (or offered Japanese choices) gets an
    # English note first, with the department's number.
    return with_language_note(ctx, _answer_faq(ctx))


def _answer_faq(ctx: ActionContext) -> ActionResult:
    tracker = ctx.tracker
    if tracker.latest_intent == "choose_faq":
        faq_id = tracker.latest_entity("faq_id") or ""
        asked = tracker.slot("last_question")
        try:
            result = _answer(
                ctx, faq_id, asked or tracker.latest_text, parent_key=tracker.slot("question_key")
            )
        except KeyError:  # a stale button: the entry was deleted since it was offered
            return ActionResult(responses=[text(say(reply_language(ctx), "not_understood"))])
        if asked:  # the citizen's pick teaches the search their wording
            learn_choice(
                ctx.session,
                ctx.knowledge.index,
                faq_id=faq_id,
                question=asked,
                question_key=tracker.slot("question_key"),
                sender_id=tracker.sender_id,
            )
        return result

    question = tracker.latest_text
    language = reply_language(ctx)
    if language == "en":
        english = decide_english(ctx.knowledge.index, question, meaning_search)
        if english is not None and english.decision == "answer":
            return _answer(ctx, english.hits[0].faq_id, question)
        if english is not None:
            _record(ctx, "clarify", None, question)
            return _clarify(ctx, question, [hit.faq_id for hit in english.hits])
    decision = decide(ctx.knowledge.index, question)
    if decision.decision == "answer":
        return _answer(ctx, decision.hits[0].faq_id, question)
    if tracker.latest_intent == "out_of_scope":
        # Not the city's business (天気, 株価 …) unless the FAQ answers it outright; still a way
        # forward: the general counter's number.
        phone = _phone_line(ctx, "", "out_of_scope_phone")
        refusal = say(language, "out_of_scope")
        return ActionResult(responses=[text(f"{refusal}\n{phone}" if phone else refusal)])
    _record(ctx, decision.decision, None, question)
    if decision.decision == "clarify":
        return _clarify(ctx, question, [hit.faq_id for hit in decision.hits])
    if tracker.latest_intent == "nlu_fallback":
        # Neither the NLU nor the FAQ recognised it: ask to rephrase rather than open a case.
        return ActionResult(responses=[text(say(language, "not_understood"))])
    return _offer_case(ctx, question, _message_key(ctx))


def _sure_answer(ctx: ActionContext, question: str) -> str | None:
    """The entry the FAQ answers `question` with outright (no choice offered), if any."""
    if reply_language(ctx) == "en":
        english = decide_english(ctx.knowledge.index, question, meaning_search)
        if english is not None:
            return english.hits[0].faq_id if english.decision == "answer" else None
    decision = decide(ctx.knowledge.index, question)
    return decision.hits[0].faq_id if decision.decision == "answer" else None


def answer_within_form(ctx: ActionContext, question: str) -> list[dict] | None:
    """The replies to a question typed where a form asked for a place or a contact
    (「12月29日は開いてる？」 at 「場所を教えてください」): the FAQ's answer when it is sure of
    one, recorded like any answer, with the English note when it applies. None otherwise: the
    text is the form's to take. No feedback buttons: a press would interrupt the form."""
    faq_id = _sure_answer(ctx, question)
    if faq_id is None:
        return None
    _record(ctx, "answer", faq_id, question)
    document = ctx.knowledge.index.document(faq_id)
    answered = ActionResult(
        responses=[text(answer_in(document, reply_language(ctx)))],
        events=[slot_set("last_faq_id", faq_id)],  # what the note reads; not kept
    )
    return with_language_note(ctx, answered).responses


def _clarify(ctx: ActionContext, question: str, faq_ids: list[str]) -> ActionResult:
    """Up to three entries to choose from (their English question in an English conversation,
    when they have one), and "none of these" (an inquiry)."""
    language = reply_language(ctx)
    buttons = []
    for faq_id in faq_ids[:MAX_CHOICES]:
        document = ctx.knowledge.index.document(faq_id)
        shown = document.question_en if in_english(document, language) else None
        buttons.append(button(shown or document.question, _choice_payload(faq_id)))
    buttons.append(button(say(language, "clarify_none"), "/request_inquiry"))
    return ActionResult(
        responses=[text(say(language, "clarify"), buttons)],
        events=[
            slot_set("case_offer", "inquiry"),
            slot_set("case_description", question),
            slot_set("last_question", question),
            slot_set("question_key", _message_key(ctx)),
        ],
    )


@registry.register("action_record_feedback")
def feedback(ctx: ActionContext) -> ActionResult:
    tracker = ctx.tracker
    helpful = tracker.latest_intent == "feedback_helpful"
    faq_id = tracker.slot("last_faq_id")
    record_feedback(
        ctx.session,
        message_key=_message_key(ctx),
        sender_id=tracker.sender_id,
        faq_id=faq_id,
        helpful=helpful,
    )
    # The answer's feedback teaches (役に立った) or unteaches (役に立たなかった) its question.
    if faq_id and helpful:
        learn_helpful(
            ctx.session,
            ctx.knowledge.index,
            faq_id=faq_id,
            question=tracker.slot("last_question") or "",
            question_key=tracker.slot("question_key"),
            sender_id=tracker.sender_id,
        )
    elif faq_id:
        unlearn_unhelpful(ctx.session, faq_id=faq_id, sender_id=tracker.sender_id)
    language = reply_language(ctx)
    if helpful:
        return ActionResult(responses=[text(say(language, "thanks_for_feedback"))])
    # Not helpful: offer to rephrase, or to pass the question to the department.
    question = tracker.slot("last_question") or ""
    if not question:
        return ActionResult(responses=[text(say(language, "rephrase_after_feedback"))])
    return _offer_case(ctx, question, tracker.slot("question_key"), "not_helpful_offer")
