"""Opening a case when a form is complete, cancelling a form, and telling a case's status."""

from __future__ import annotations

from actions.asks import callback_when, office_hours
from actions.case_text import DESCRIPTION, LOCATION, triage_text
from actions.forms import (
    CONFIRMED,
    CONTACT_DECLINED,
    FIELD,
    HANDOFF,
    LATITUDE,
    LONGITUDE,
    URGENT,
)
from actions.language import reply_language
from actions.messages import say
from actions.nearby import offer_nearby
from actions.protocol import ActionResult, slot_set, text
from actions.registry import ActionContext, registry
from api.cases.access import Access, find_access_code, look_up
from api.cases.models import Case, CaseKind, CaseStatus
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


def _case_key(ctx: ActionContext, form: str) -> str:
    """The case's idempotency key: the conversation and the message that started this run of
    the form. Rasa running the action again opens one case, and so does a citizen who sends
    the last answer again because the Rasa replica died after the case was opened but before
    the conversation was saved (the new message has an id of its own; the form's start is the
    same). The next report of the conversation starts the form anew: a key of its own."""
    tracker = ctx.tracker
    events = tracker.events
    for index in range(len(events) - 1, -1, -1):
        if events[index].get("event") == "active_loop" and events[index].get("name") == form:
            for earlier in reversed(events[:index]):
                if earlier.get("event") == "user" and earlier.get("message_id"):
                    return f"rasa:{tracker.sender_id}:{form}:{earlier['message_id']}"
            break
    return f"rasa:{tracker.sender_id}:{tracker.latest_user_message_id() or 'no-message-id'}"


@registry.register("action_open_case")
def open_case_action(ctx: ActionContext) -> ActionResult:
    tracker = ctx.tracker
    language = reply_language(ctx)
    form = _last_form(ctx)
    description = tracker.slot(DESCRIPTION)
    if form is None or not description:
        return ActionResult(responses=[text(say(language, "apology"))], events=_reset_case_slots())
    contact = tracker.slot("case_contact")
    declined = contact in (None, CONTACT_DECLINED)
    location = tracker.slot(LOCATION)
    latitude, longitude = tracker.slot(LATITUDE), tracker.slot(LONGITUDE)
    urgent = bool(tracker.slot(URGENT))
    live = form == "human_form" and tracker.slot(HANDOFF) == "live"
    knowledge = ctx.knowledge

    def route(words: str) -> RoutingDecision:
        return knowledge.router.route(words)

    key = _case_key(ctx, form)
    case_text = triage_text(description, location)
    # 「もう報告されていませんか？」: nearby open cases of the department first (actions/nearby.py).
    question = offer_nearby(
        ctx,
        form=form,
        latitude=latitude,
        longitude=longitude,
        triage_text=case_text,
        route=route,
        idempotency_key=key,
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
            idempotency_key=key,
        ),
        route=route,
        actor="bot",
        entities=[
            {"label": span.label, "text": span.text}
            for span in extract(case_text)
            if span.label in TRIAGE_LABELS
        ],
    )
    if form == "report_form":
        adopt_held_photos(ctx.session, case)  # photos sent on LINE while the form ran
    question_key = tracker.slot("question_key")
    if question_key and form == "inquiry_form":
        link_case(ctx.session, question_key, case.id)  # the question this inquiry escalates
    department = DepartmentRepository(ctx.session).get(case.department_code)
    label = department_label(ctx, case.department_code, language)
    if live:
        request_live_chat(ctx.session, case, utcnow())
        reply = say(
            language,
            "live_chat_opened",
            department=department.name_in(language) if department else label,
            number=case.case_number,
        )
        return ActionResult(
            responses=[text(reply)],
            events=[*_reset_case_slots(), slot_set("last_case_number", case.case_number)],
        )
    hours = department.first_response_target_hours if department else 8
    if form == "human_form" and department is not None:
        next_steps = (
            say(
                language,
                "callback_no_contact",
                department=label,
                hours=office_hours(department, language),
            )
            if declined
            else say(
                language,
                "callback_opened",
                department=department.name_in(language),
                when=callback_when(department, language=language),
            )
        )
    else:
        steps = "next_steps_no_contact" if declined else "next_steps_contact"
        next_steps = say(language, steps, hours=hours)
    lines = [
        say(language, f"case_opened.{case.kind}", department=label),
        say(language, "case_number_line", number=case.case_number),
        say(language, "access_code_line", code=case.access_code),
    ]
    if case.urgent:
        lines.append(say(language, "urgent_case_line"))
    lines += [next_steps, say(language, "status_hint", number=case.case_number)]
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
    # A report left unfinished (a nearby case offered and not answered) must not lend its
    # place, contact or answers to this one; the FAQ question an inquiry escalates stays.
    leftovers = [slot_set(name, None) for name in CASE_SLOTS if name != "question_key"]
    if ctx.tracker.latest_intent == "share_location":
        return ActionResult(events=leftovers)
    description = slot_set("case_description", ctx.tracker.latest_text or None)
    return ActionResult(events=[*leftovers, description])


@registry.register("action_cancel_form")
def cancel_form(ctx: ActionContext) -> ActionResult:
    reply = say(reply_language(ctx), "form_cancelled")
    return ActionResult(responses=[text(reply)], events=_reset_case_slots())


@registry.register("action_decline_offer")
def decline_offer(ctx: ActionContext) -> ActionResult:
    reply = say(reply_language(ctx), "offer_declined")
    return ActionResult(responses=[text(reply)], events=_reset_case_slots())


def department_label(ctx: ActionContext, code: str, language: str) -> str:
    """The department's name with its phone number, as the citizen reads it."""
    department = DepartmentRepository(ctx.session).get(code)
    if department is None:
        return code
    if not department.phone:
        return department.name_in(language)
    name = department.name_in(language)
    return say(language, "department_label", name=name, phone=department.phone)


def describe_status(ctx: ActionContext, case: Case, language: str) -> str:
    """The case's status in the conversation's language: no description, no contact; the
    city's message once resolved."""
    status = say(language, f"status.{case.status}")
    lines = [
        say(language, "status.line", number=case.case_number, status=status),
        say(
            language,
            "status.department",
            department=department_label(ctx, case.department_code, language),
        ),
    ]
    if case.status == CaseStatus.resolved.value and case.resolution_message:
        lines.append(say(language, "status.resolution", message=case.resolution_message))
    return "\n".join(lines)


@registry.register("action_case_status")
def case_status(ctx: ActionContext) -> ActionResult:
    """The status for the conversation that opened the case; anyone else must give the case's
    access code with the number, and learns nothing (not even whether it exists) without it."""
    tracker = ctx.tracker
    language = reply_language(ctx)
    number = find_case_number(tracker.latest_entity("case_number") or "") or find_case_number(
        tracker.latest_text
    )
    if number is None:
        return ActionResult(responses=[text(say(language, "ask_case_number"))])
    lookup = look_up(ctx.session, number, tracker.sender_id, find_access_code(tracker.latest_text))
    if lookup.access is Access.granted and lookup.case is not None:
        return ActionResult(responses=[text(describe_status(ctx, lookup.case, language))])
    reply = {
        Access.needs_code: "status_needs_code",
        Access.wrong_code: "status_wrong_code",
        Access.locked: "status_code_locked",
    }[lookup.access]
    return ActionResult(responses=[text(say(language, reply, number=number))])
