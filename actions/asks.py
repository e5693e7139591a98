"""The form questions that depend on the case: the contact (with the city's privacy notice,
and for a call back, when the department will call), the confirmation with the summary of the
case, and which part to correct."""

from __future__ import annotations

from datetime import datetime

from actions.forms import (
    CONTACT,
    CONTACT_DECLINED,
    DESCRIPTION,
    HANDOFF,
    LOCATION,
    URGENT,
    field_buttons,
)
from actions.language import reply_language
from actions.messages import say
from actions.protocol import ActionResult, button, text
from actions.registry import ActionContext, registry
from api.channels.line.attachments import held_photo_count
from api.city.profile import city_profile
from api.core.types import utcnow
from api.departments.models import Department
from api.departments.repository import DepartmentRepository
from api.handoff.presence import is_open, next_opening
from api.i18n import is_japanese
from api.sla.business_hours import DEFAULT_HOURS, JAPAN, opening_hours

FORMS = ("report_form", "inquiry_form", "human_form")


def routed_department(ctx: ActionContext) -> Department | None:
    description = ctx.tracker.slot(DESCRIPTION) or ""
    code = ctx.knowledge.router.route(description).department
    return DepartmentRepository(ctx.session).get(code) if code else None


def office_hours(department: Department, language: str = "ja") -> str:
    hours = department.hours or DEFAULT_HOURS
    dash, comma = ("〜", "、") if is_japanese(language) else ("-", ", ")
    parts = []
    if hours.get("weekdays"):
        parts.append(say(language, "hours_weekdays", span=hours["weekdays"].replace("-", dash)))
    if hours.get("saturday"):
        parts.append(say(language, "hours_saturday", span=hours["saturday"].replace("-", dash)))
    return comma.join(parts)


def callback_when(department: Department, now: datetime | None = None, language: str = "ja") -> str:
    """When the department will call back, in its business hours."""
    now = now or utcnow()
    target = department.first_response_target_hours
    interval = opening_hours(now.astimezone(JAPAN).date(), department.hours)
    if interval is not None and is_open(department, now):
        return say(language, "when_open_now", until=interval[1].strftime("%H:%M"), hours=target)
    opens = next_opening(department, now)
    if opens is None:
        return office_hours(department, language)
    weekday = say(language, f"weekday.{opens.weekday()}")
    day = say(language, "date.day", month=opens.month, day=opens.day, weekday=weekday)
    return say(language, "when_next_opening", day=day, opens=opens.strftime("%H:%M"), hours=target)


@registry.register("action_ask_case_contact")
def ask_contact(ctx: ActionContext) -> ActionResult:
    language = reply_language(ctx)
    notice = f"{say(language, 'privacy_prefix')}{city_profile().notice(language)}"
    department = routed_department(ctx)
    if ctx.tracker.active_loop == "human_form" and department is not None:
        question = say(
            language,
            "callback_question",
            department=department.name_in(language),
            when=callback_when(department, language=language),
        )
    else:
        question = say(language, "contact_question")
    # The button sends words (a typed answer reads the same), in the conversation's language.
    declined = "連絡は不要です" if is_japanese(language) else say(language, "contact_not_needed")
    buttons = [button(say(language, "contact_not_needed"), declined)]
    return ActionResult(responses=[text(f"{question}\n{notice}", buttons)])


@registry.register("action_ask_case_confirmed")
def ask_confirmation(ctx: ActionContext) -> ActionResult:
    tracker = ctx.tracker
    language = reply_language(ctx)
    form = tracker.active_loop or ""
    live = tracker.slot(HANDOFF) == "live"
    lines = [say(language, "confirm_live_header" if live else "confirm_header")]
    values = {
        "kind": say(language, f"confirm_kind.{form}") if form in FORMS else None,
        "description": tracker.slot(DESCRIPTION),
        "location": tracker.slot(LOCATION) if form == "report_form" else None,
        "contact": None if live else _shown_contact(tracker.slot(CONTACT), language),
    }
    if form == "report_form":
        photos = held_photo_count(ctx.session, tracker.sender_id)
        values["photos"] = say(language, "photo_count", count=photos) if photos else None
    department = routed_department(ctx)
    values["department"] = department.name_in(language) if department else None
    for key, value in values.items():
        if value:
            lines.append(say(language, f"confirm_lines.{key}", value=value))
    if tracker.slot(URGENT):
        lines.append(say(language, "confirm_lines.urgent"))
    buttons = [
        button(say(language, "confirm_yes"), "/affirm"),
        button(say(language, "confirm_fix"), "/correct_case"),
        button(say(language, "confirm_stop"), "/stop"),
    ]
    return ActionResult(responses=[text("\n".join(lines), buttons)])


def _shown_contact(contact: str | None, language: str) -> str | None:
    if contact is None:
        return None
    return say(language, "contact_none_shown") if contact == CONTACT_DECLINED else contact


@registry.register("action_ask_case_field")
def ask_field(ctx: ActionContext) -> ActionResult:
    language = reply_language(ctx)
    fields = field_buttons(language)
    if ctx.tracker.active_loop != "report_form":
        fields = [b for b in fields if "location" not in b["payload"]]
    buttons = [*fields, button(say(language, "confirm_stop"), "/stop")]
    return ActionResult(responses=[text(say(language, "field_question"), buttons)])
