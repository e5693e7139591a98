"""The form questions that depend on the case: the contact (with the city's privacy notice,
and for a call back, when the department will call), the confirmation with the summary of the
case, and which part to correct."""

from __future__ import annotations

from datetime import datetime

from actions import messages
from actions.forms import (
    CONTACT,
    CONTACT_DECLINED,
    DESCRIPTION,
    HANDOFF,
    LOCATION,
    URGENT,
    field_buttons,
)
from actions.protocol import ActionResult, button, text
from actions.registry import ActionContext, registry
from api.channels.line.attachments import held_photo_count
from api.city.profile import city_profile
from api.core.types import utcnow
from api.departments.models import Department
from api.departments.repository import DepartmentRepository
from api.handoff.presence import is_open, next_opening
from api.sla.business_hours import DEFAULT_HOURS, JAPAN, opening_hours


def routed_department(ctx: ActionContext) -> Department | None:
    description = ctx.tracker.slot(DESCRIPTION) or ""
    code = ctx.knowledge.router.route(description).department
    return DepartmentRepository(ctx.session).get(code) if code else None


def office_hours(department: Department) -> str:
    hours = department.hours or DEFAULT_HOURS
    parts = []
    if hours.get("weekdays"):
        parts.append(messages.HOURS_WEEKDAYS.format(span=hours["weekdays"].replace("-", "〜")))
    if hours.get("saturday"):
        parts.append(messages.HOURS_SATURDAY.format(span=hours["saturday"].replace("-", "〜")))
    return "、".join(parts)


def callback_when(department: Department, now: datetime | None = None) -> str:
    """When the department will call back, in its business hours."""
    now = now or utcnow()
    target = department.first_response_target_hours
    interval = opening_hours(now.astimezone(JAPAN).date(), department.hours)
    if interval is not None and is_open(department, now):
        return messages.WHEN_OPEN_NOW.format(until=interval[1].strftime("%H:%M"), hours=target)
    opens = next_opening(department, now)
    if opens is None:
        return office_hours(department)
    day = f"{opens.month}月{opens.day}日（{messages.WEEKDAY_NAMES[opens.weekday()]}）"
    return messages.WHEN_NEXT_OPENING.format(day=day, opens=opens.strftime("%H:%M"), hours=target)


@registry.register("action_ask_case_contact")
def ask_contact(ctx: ActionContext) -> ActionResult:
    notice = f"{messages.PRIVACY_PREFIX}{city_profile().privacy_notice}"
    department = routed_department(ctx)
    if ctx.tracker.active_loop == "human_form" and department is not None:
        question = messages.CALLBACK_QUESTION.format(
            department=department.name, when=callback_when(department)
        )
    else:
        question = messages.CONTACT_QUESTION
    buttons = [button(messages.CONTACT_NOT_NEEDED, "連絡は不要です")]
    return ActionResult(responses=[text(f"{question}\n{notice}", buttons)])


@registry.register("action_ask_case_confirmed")
def ask_confirmation(ctx: ActionContext) -> ActionResult:
    tracker = ctx.tracker
    form = tracker.active_loop or ""
    live = tracker.slot(HANDOFF) == "live"
    lines = [messages.CONFIRM_LIVE_HEADER if live else messages.CONFIRM_HEADER]
    values = {
        "kind": messages.CONFIRM_KIND.get(form),
        "description": tracker.slot(DESCRIPTION),
        "location": tracker.slot(LOCATION) if form == "report_form" else None,
        "contact": None if live else _shown_contact(tracker.slot(CONTACT)),
    }
    if form == "report_form":
        photos = held_photo_count(ctx.session, tracker.sender_id)
        values["photos"] = f"{photos}枚" if photos else None
    department = routed_department(ctx)
    values["department"] = department.name if department else None
    for key, value in values.items():
        if value:
            lines.append(messages.CONFIRM_LINES[key].format(value=value))
    if tracker.slot(URGENT):
        lines.append(messages.CONFIRM_LINES["urgent"])
    buttons = [
        button(messages.CONFIRM_YES, "/affirm"),
        button(messages.CONFIRM_FIX, "/correct_case"),
        button(messages.CONFIRM_STOP, "/stop"),
    ]
    return ActionResult(responses=[text("\n".join(lines), buttons)])


def _shown_contact(contact: str | None) -> str | None:
    if contact is None:
        return None
    return messages.CONTACT_NONE_SHOWN if contact == CONTACT_DECLINED else contact


@registry.register("action_ask_case_field")
def ask_field(ctx: ActionContext) -> ActionResult:
    fields = field_buttons()
    if ctx.tracker.active_loop != "report_form":
        fields = [b for b in fields if "location" not in b["payload"]]
    buttons = [*fields, button(messages.CONFIRM_STOP, "/stop")]
    return ActionResult(responses=[text(messages.FIELD_QUESTION, buttons)])
