"""Answering from the FAQ knowledge base: answer, ask which one, or offer a case."""

from __future__ import annotations

import json

from actions import messages
from actions.protocol import ActionResult, button, slot_set, text
from actions.registry import ActionContext, registry
from api.faq.search import decide

MAX_CHOICES = 3


def _choice_payload(faq_id: str) -> str:
    return "/choose_faq" + json.dumps({"faq_id": faq_id}, ensure_ascii=False)


def _answer(ctx: ActionContext, faq_id: str) -> ActionResult:
    document = ctx.knowledge.index.document(faq_id)
    return ActionResult(
        responses=[text(document.answer)],
        events=[
            slot_set("last_faq_id", faq_id),
            slot_set("case_offer", None),
            slot_set("case_description", None),
        ],
    )


def _offer_case(question: str) -> ActionResult:
    return ActionResult(
        responses=[
            text(
                messages.NOT_FOUND_OFFER,
                [
                    button(messages.OFFER_YES, "/request_inquiry"),
                    button(messages.OFFER_NO, "/deny"),
                ],
            )
        ],
        events=[slot_set("case_offer", "inquiry"), slot_set("case_description", question)],
    )


@registry.register("action_answer_faq")
def answer_faq(ctx: ActionContext) -> ActionResult:
    tracker = ctx.tracker
    if tracker.latest_intent == "choose_faq":
        faq_id = tracker.latest_entity("faq_id") or ""
        try:
            return _answer(ctx, faq_id)
        except KeyError:  # a stale button: the entry was deleted since it was offered
            return ActionResult(responses=[text(messages.NOT_UNDERSTOOD)])

    question = tracker.latest_text
    decision = decide(ctx.knowledge.index, question)
    if decision.decision == "answer":
        return _answer(ctx, decision.hits[0].faq_id)
    if decision.decision == "clarify":
        buttons = [
            button(ctx.knowledge.index.document(hit.faq_id).question, _choice_payload(hit.faq_id))
            for hit in decision.hits[:MAX_CHOICES]
        ]
        buttons.append(button(messages.CLARIFY_NONE, "/request_inquiry"))
        return ActionResult(
            responses=[text(messages.CLARIFY, buttons)],
            events=[slot_set("case_offer", "inquiry"), slot_set("case_description", question)],
        )
    if tracker.latest_intent == "nlu_fallback":
        # Neither the NLU nor the FAQ recognised it: ask to rephrase rather than open a case.
        return ActionResult(responses=[text(messages.NOT_UNDERSTOOD)])
    return _offer_case(question)
