"""Validation of the slots a case needs (what, where, contact), for the three case forms."""

from __future__ import annotations

import re
from typing import Any

from actions import messages
from actions.protocol import ActionResult, slot_set, text
from actions.registry import ActionContext, registry
from api.nlp import extract, first_place
from jatext import normalize

MIN_DESCRIPTION_CHARS = 4
MIN_LOCATION_CHARS = 2
CONTACT_DECLINED = "不要"

_DECLINE = re.compile(
    r"^(不要|いらない|いりません|要らない|結構|けっこう|なし|無し|ない|ありません|いいえ|"
    r"連絡(は|も)?(不要|いらない|いりません|結構|しなくて(いい|大丈夫))|教えたくない|"
    r"知らせたくない)"
)
# Phrases that only ask for a person; what remains after removing them is the actual matter.
_HUMAN_REQUEST = re.compile(
    r"((職員|担当者|担当の方|担当|人間|人|オペレーター|係の(人|方)|窓口の(人|方)|誰か)(さん)?"
    r"(と|に|へ|を|が)?(直接)?|(直接|電話で))"
    r"(話|はな|相談|つな|繋|代わ|かわ|お願い|おねがい|頼|希望|呼|出して)[^\s。、！？!?]*"
)
_FILLERS = re.compile(r"(です|ます|ください|お願いします|したい|[\s。、！？!?])")


def _is_decline(value: str) -> bool:
    return bool(_DECLINE.match(normalize(value).replace(" ", "")))


def _contact_from(value: str) -> str | None:
    found = [span.text for span in extract(value) if span.label in {"PHONE", "EMAIL"}]
    return " / ".join(found) if found else None


def _validate_description(value: Any, form: str) -> tuple[list[dict[str, Any]], list[str]]:
    description = str(value or "").strip()
    if form == "human_form":
        remainder = _FILLERS.sub("", _HUMAN_REQUEST.sub("", normalize(description)))
        if len(remainder) < MIN_DESCRIPTION_CHARS:
            return [slot_set("case_description", None)], []  # ask what it is about
    if len(normalize(description)) < MIN_DESCRIPTION_CHARS:
        return [slot_set("case_description", None)], [messages.DESCRIPTION_TOO_SHORT]
    events = [slot_set("case_description", description)]
    return events, []


def _validate_location(value: Any) -> tuple[list[dict[str, Any]], list[str]]:
    location = str(value or "").strip()
    if len(normalize(location)) < MIN_LOCATION_CHARS:
        return [slot_set("case_location", None)], [messages.LOCATION_TOO_SHORT]
    return [slot_set("case_location", location)], []


def _validate_contact(value: Any) -> tuple[list[dict[str, Any]], list[str]]:
    raw = str(value or "").strip()
    if _is_decline(raw):
        return [slot_set("case_contact", CONTACT_DECLINED)], []
    contact = _contact_from(raw)
    if contact is None:
        return [slot_set("case_contact", None)], [messages.CONTACT_INVALID]
    return [slot_set("case_contact", contact)], []


def _validate_form(ctx: ActionContext, form: str) -> ActionResult:
    events: list[dict[str, Any]] = []
    replies: list[str] = []
    # A slot set to None since the message was cleared by an action, not typed by the citizen.
    candidates = {
        name: value
        for name, value in ctx.tracker.slots_set_since_user_message().items()
        if value is not None
    }
    if "case_description" in candidates:
        new_events, new_replies = _validate_description(candidates["case_description"], form)
        events += new_events
        replies += new_replies
        description = new_events[0]["value"]
        # A report that already says where ("中央公園の遊具が…") need not be asked again.
        if form == "report_form" and description and not ctx.tracker.slot("case_location"):
            place = first_place(description)
            if place:
                events.append(slot_set("case_location", place))
    if "case_location" in candidates and form == "report_form":
        new_events, new_replies = _validate_location(candidates["case_location"])
        events += new_events
        replies += new_replies
    if "case_contact" in candidates:
        new_events, new_replies = _validate_contact(candidates["case_contact"])
        events += new_events
        replies += new_replies
    return ActionResult(events=events, responses=[text(reply) for reply in replies])


@registry.register("validate_report_form")
def validate_report_form(ctx: ActionContext) -> ActionResult:
    return _validate_form(ctx, "report_form")


@registry.register("validate_inquiry_form")
def validate_inquiry_form(ctx: ActionContext) -> ActionResult:
    return _validate_form(ctx, "inquiry_form")


@registry.register("validate_human_form")
def validate_human_form(ctx: ActionContext) -> ActionResult:
    return _validate_form(ctx, "human_form")
