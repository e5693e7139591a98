"""Opening a case when a form is complete, cancelling a form, and telling a case's status."""

from __future__ import annotations

from actions import messages
from actions.asks import callback_when, office_hours
from actions.forms import (
    CONFIRMED,
    CONTACT_DECLINED,
    FIELD,
    HANDOFF,
    LATITUDE,
    LONGITUDE,
    URGENT,
)
from actions.nearby import offer_nearby
from actions.protocol import ActionResult, slot_set, text
from actions.registry import ActionContext, registry
from api.cases.access import Access, find_access_code, look_up
from api.cases.citizen import department_label, describe_status
from api.cases.models import CaseKind
from api.cases.numbering import find_case_number
from api.cases.schemas import NewCase
from api.cases.service import open_case
from api.channels.line.attachments import adopt_held_photos
from api.core.types import utcnow
from api.departments.repository import DepartmentRepository
from api.feedback.service import link_case
from api.handoff.service import request_live_chat
from api.nlp import extract
from api.routing import RoutingDecision

FORM_KINDS = {
    "report_form": CaseKind.report,
    "inquiry_form": CaseKind.inquiry,
    "human_form": CaseKind.human_request,
}
CASE_SLOTS = (
    "case_description",
    "case_location",
    "case_contact",
    "case_offer",
    "question_key",
    CONFIRMED,
    FIELD,
    LATITUDE,
    LONGITUDE,
    URGENT,
    HANDOFF,
)
# Spans worth keeping on the case for triage; personal data stays out of this list.
TRIAGE_LABELS = {"PLACE", "FACILITY", "DATE"}


def _reset_case_slots() -> list[dict[str, object]]:
    return [slot_set(name, None) for name in CASE_SLOTS]


reset_case_slots = _reset_case_slots  # for actions/nearby.py


def _last_form(ctx: ActionContext) -> str | None:
    for event in reversed(ctx.tracker.events):
        if event.get("event") == "active_loop" and event.get("name") in FORM_KINDS:
            return str(event["name"])
    return None


@registry.register("action_open_case")
def open_case_action(ctx: ActionContext) -> ActionResult:
    tracker = ctx.tracker
    form = _last_form(ctx)
    description = tracker.slot("case_description")
    if form is None or not description:
        return ActionResult(responses=[text(messages.APOLOGY)], events=_reset_case_slots())
    contact = tracker.slot("case_contact")
    declined = contact in (None, CONTACT_DECLINED)
    location = tracker.slot("case_location")
    latitude, longitude = tracker.slot(LATITUDE), tracker.slot(LONGITUDE)
    urgent = bool(tracker.slot(URGENT))
    live = form == "human_form" and tracker.slot(HANDOFF) == "live"
    knowledge = ctx.knowledge

    def route(case_text: str) -> RoutingDecision:
        return knowledge.router.route(case_text)

    message_id = tracker.latest_user_message_id() or "no-message-id"
    triage_text = f"{description}\n{location or ''}"
    # 「もう報告されていませんか？」: nearby open cases of the department first (actions/nearby.py).
    question = offer_nearby(
        ctx,
        form=form,
        latitude=latitude,
        longitude=longitude,
        triage_text=triage_text,
        route=route,
        idempotency_key=f"rasa:{tracker.sender_id}:{message_id}",
    )
    if question is not None:
        return question
    case, _created = open_case(
        ctx.session,
        NewCase(
            kind=FORM_KINDS[form],
            channel=tracker.channel,
            sender_id=tracker.sender_id,
            description=description,
            location=location,
            latitude=latitude if latitude is not None and longitude is not None else None,
            longitude=longitude if latitude is not None and longitude is not None else None,
            contact=None if declined else contact,
            contact_declined=declined and not live,
            urgent=urgent,
            idempotency_key=f"rasa:{tracker.sender_id}:{message_id}",
        ),
        route=route,
        actor="bot",
        entities=[
            {"label": span.label, "text": span.text}
            for span in extract(triage_text)
            if span.label in TRIAGE_LABELS
        ],
    )
    if form == "report_form":
        adopt_held_photos(ctx.session, case)  # photos sent on LINE while the form ran
    question_key = tracker.slot("question_key")
    if question_key and form == "inquiry_form":
        link_case(ctx.session, question_key, case.id)  # the question this inquiry escalates
    department = DepartmentRepository(ctx.session).get(case.department_code)
    label = department_label(ctx.session, case.department_code)
    if live:
        request_live_chat(ctx.session, case, utcnow())
        reply = messages.LIVE_CHAT_OPENED.format(
            department=department.name if department else label, number=case.case_number
        )
        return ActionResult(
            responses=[text(reply)],
            events=[*_reset_case_slots(), slot_set("last_case_number", case.case_number)],
        )
    hours = department.first_response_target_hours if department else 8
    if form == "human_form" and department is not None:
        next_steps = (
            messages.CALLBACK_NO_CONTACT.format(department=label, hours=office_hours(department))
            if declined
            else messages.CALLBACK_OPENED.format(
                department=department.name, when=callback_when(department)
            )
        )
    else:
        next_steps = (
            messages.NEXT_STEPS_NO_CONTACT if declined else messages.NEXT_STEPS_CONTACT
        ).format(hours=hours)
    lines = [
        messages.CASE_OPENED[case.kind].format(department=label),
        messages.CASE_NUMBER_LINE.format(number=case.case_number),
        messages.ACCESS_CODE_LINE.format(code=case.access_code),
    ]
    if case.urgent:
        lines.append(messages.URGENT_CASE_LINE)
    lines += [next_steps, messages.STATUS_HINT.format(number=case.case_number)]
    reply = "\n".join(lines)
    return ActionResult(
        responses=[text(reply)],
        events=[*_reset_case_slots(), slot_set("last_case_number", case.case_number)],
    )


@registry.register("action_prefill_case")
def prefill_case(ctx: ActionContext) -> ActionResult:
    """The message that reported the problem (or asked for a person) is the case's first draft;
    the form's validation takes from it what it says (place, contact, danger) and decides
    whether it says enough. A shared location is a place, not a description."""
    if ctx.tracker.latest_intent == "share_location":
        return ActionResult()
    return ActionResult(events=[slot_set("case_description", ctx.tracker.latest_text or None)])


@registry.register("action_cancel_form")
def cancel_form(ctx: ActionContext) -> ActionResult:
    return ActionResult(responses=[text(messages.FORM_CANCELLED)], events=_reset_case_slots())


@registry.register("action_decline_offer")
def decline_offer(ctx: ActionContext) -> ActionResult:
    return ActionResult(responses=[text(messages.OFFER_DECLINED)], events=_reset_case_slots())


@registry.register("action_case_status")
def case_status(ctx: ActionContext) -> ActionResult:
    """The status for the conversation that opened the case; anyone else must give the case's
    access code with the number, and learns nothing (not even whether it exists) without it."""
    tracker = ctx.tracker
    number = find_case_number(tracker.latest_entity("case_number") or "") or find_case_number(
        tracker.latest_text
    )
    if number is None:
        return ActionResult(responses=[text(messages.ASK_CASE_NUMBER)])
    lookup = look_up(ctx.session, number, tracker.sender_id, find_access_code(tracker.latest_text))
    if lookup.access is Access.granted and lookup.case is not None:
        return ActionResult(responses=[text(describe_status(ctx.session, lookup.case))])
    reply = {
        Access.needs_code: messages.STATUS_NEEDS_CODE,
        Access.wrong_code: messages.STATUS_WRONG_CODE,
        Access.locked: messages.STATUS_CODE_LOCKED,
    }[lookup.access]
    return ActionResult(responses=[text(reply.format(number=number))])
