"""Answering from the FAQ knowledge base: answer, ask which one, or offer a case; and what the
citizen says of an answer (役に立った / 役に立たなかった)."""

from __future__ import annotations

import json

from actions import messages
from actions.language_note import with_language_note
from actions.protocol import ActionResult, button, slot_set, text
from actions.registry import ActionContext, registry
from api.departments.repository import DepartmentRepository
from api.faq.learning_chat import learn_choice, learn_helpful, unlearn_unhelpful
from api.faq.models import FaqEntry
from api.faq.search import decide
from api.feedback.service import record_answer, record_feedback
from api.triage.service import triage

MAX_CHOICES = 3
FEEDBACK_BUTTONS = [
    button(messages.HELPFUL, "/feedback_helpful"),
    button(messages.NOT_HELPFUL, "/feedback_not_helpful"),
]


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
    return ActionResult(
        responses=[text(document.answer, FEEDBACK_BUTTONS)],
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


def _phone_line(ctx: ActionContext, question: str, template: str) -> str | None:
    """「お急ぎの場合は〇〇課（電話 …）へ」: the department routing picks for the question (the
    directory's fallback when nothing fits), when it has a phone number."""
    knowledge = ctx.knowledge
    routed = triage(knowledge, question) if question else None
    sure = routed is not None and routed.confidence >= WAY_FORWARD_MIN_CONFIDENCE
    department = (routed.department if sure else None) or knowledge.fallback_department
    record = DepartmentRepository(ctx.session).get(department) if department else None
    if record is None or not record.phone:
        return None
    return template.format(name=record.name, phone=record.phone)


def _offer_case(
    ctx: ActionContext,
    question: str,
    question_key: str | None,
    message: str = messages.NOT_FOUND_OFFER,
) -> ActionResult:
    phone = _phone_line(ctx, question, messages.WAY_FORWARD_PHONE)
    return ActionResult(
        responses=[
            text(
                f"{message}\n{phone}" if phone else message,
                [
                    button(messages.OFFER_YES, "/request_inquiry"),
                    button(messages.OFFER_NO, "/deny"),
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
    # An English question gets an English note before the Japanese answer or refusal.
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
            return ActionResult(responses=[text(messages.NOT_UNDERSTOOD)])
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
    decision = decide(ctx.knowledge.index, question)
    if decision.decision == "answer":
        return _answer(ctx, decision.hits[0].faq_id, question)
    if tracker.latest_intent == "out_of_scope":
        # Not the city's business (天気, 株価 …) unless the FAQ answers it outright; still a way
        # forward: the general counter's number.
        phone = _phone_line(ctx, "", messages.OUT_OF_SCOPE_PHONE)
        return ActionResult(
            responses=[
                text(f"{messages.OUT_OF_SCOPE}\n{phone}" if phone else messages.OUT_OF_SCOPE)
            ]
        )
    _record(ctx, decision.decision, None, question)
    if decision.decision == "clarify":
        buttons = [
            button(ctx.knowledge.index.document(hit.faq_id).question, _choice_payload(hit.faq_id))
            for hit in decision.hits[:MAX_CHOICES]
        ]
        buttons.append(button(messages.CLARIFY_NONE, "/request_inquiry"))
        return ActionResult(
            responses=[text(messages.CLARIFY, buttons)],
            events=[
                slot_set("case_offer", "inquiry"),
                slot_set("case_description", question),
                slot_set("last_question", question),
                slot_set("question_key", _message_key(ctx)),
            ],
        )
    if tracker.latest_intent == "nlu_fallback":
        # Neither the NLU nor the FAQ recognised it: ask to rephrase rather than open a case.
        return ActionResult(responses=[text(messages.NOT_UNDERSTOOD)])
    return _offer_case(ctx, question, _message_key(ctx))


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
    if helpful:
        return ActionResult(responses=[text(messages.THANKS_FOR_FEEDBACK)])
    # Not helpful: offer to rephrase, or to pass the question to the department.
    question = tracker.slot("last_question") or ""
    if not question:
        return ActionResult(responses=[text(messages.REPHRASE_AFTER_FEEDBACK)])
    return _offer_case(ctx, question, tracker.slot("question_key"), messages.NOT_HELPFUL_OFFER)
