"""What the bot says from the action server. The texts live in the gettext catalogs
(locale/<lang>/LC_MESSAGES/madoguchi.po, read by api/i18n.py), by stable message ids: `say`
gives a text in the conversation's language. The constants below are the Japanese texts, for
the code and tests that need the source language."""

from __future__ import annotations

from api.i18n import translate


def say(language: str, message_id: str, **params: object) -> str:
    """The text of `message_id` in `language` (Japanese when the locale has no catalog)."""
    return translate(language, message_id, **params)


def _ja(message_id: str) -> str:
    return translate("ja", message_id)


def _ja_group(prefix: str, keys: tuple[str, ...]) -> dict[str, str]:
    return {key: _ja(f"{prefix}.{key}") for key in keys}


APOLOGY = _ja("apology")
CLARIFY = _ja("clarify")
CLARIFY_NONE = _ja("clarify_none")
NOT_FOUND_OFFER = _ja("not_found_offer")
WAY_FORWARD_PHONE = _ja("way_forward_phone")
OUT_OF_SCOPE = _ja("out_of_scope")
OUT_OF_SCOPE_PHONE = _ja("out_of_scope_phone")
NOT_UNDERSTOOD = _ja("not_understood")
HELPFUL = _ja("helpful")
NOT_HELPFUL = _ja("not_helpful")
THANKS_FOR_FEEDBACK = _ja("thanks_for_feedback")
NOT_HELPFUL_OFFER = _ja("not_helpful_offer")
REPHRASE_AFTER_FEEDBACK = _ja("rephrase_after_feedback")
OFFER_YES = _ja("offer_yes")
OFFER_NO = _ja("offer_no")
ASK_CASE_NUMBER = _ja("ask_case_number")
CASE_NOT_FOUND = _ja("case_not_found")
DESCRIPTION_TOO_SHORT = _ja("description_too_short")
LOCATION_TOO_SHORT = _ja("location_too_short")
CONTACT_INVALID = _ja("contact_invalid")
FORM_CANCELLED = _ja("form_cancelled")
CONTACT_QUESTION = _ja("contact_question")
CALLBACK_QUESTION = _ja("callback_question")
CONTACT_NOT_NEEDED = _ja("contact_not_needed")
PRIVACY_PREFIX = _ja("privacy_prefix")
CONFIRM_HEADER = _ja("confirm_header")
CONFIRM_LIVE_HEADER = _ja("confirm_live_header")
CONFIRM_KIND = _ja_group(
    "confirm_kind",
    (
        "report_form",
        "inquiry_form",
        "human_form",
    ),
)
CONFIRM_LINES = _ja_group(
    "confirm_lines",
    (
        "kind",
        "description",
        "location",
        "contact",
        "photos",
        "department",
        "urgent",
    ),
)
CONTACT_NONE_SHOWN = _ja("contact_none_shown")
CONFIRM_YES = _ja("confirm_yes")
CONFIRM_FIX = _ja("confirm_fix")
CONFIRM_STOP = _ja("confirm_stop")
CONFIRM_AGAIN = _ja("confirm_again")
FIELD_QUESTION = _ja("field_question")
FIELD_TITLES = _ja_group(
    "field_titles",
    (
        "description",
        "location",
        "contact",
    ),
)
POINT_LOCATION = _ja("point_location")
DANGER_HEADER = _ja("danger_header")
DANGER_ADVICE = _ja_group(
    "danger_advice",
    (
        "fire",
        "gas",
        "injury",
        "accident",
        "hazard",
    ),
)
EMERGENCY_LINE = _ja("emergency_line")
CITY_EMERGENCY_LINE = _ja("city_emergency_line")
DANGER_THEN_FILE = _ja("danger_then_file")
URGENT_CASE_LINE = _ja("urgent_case_line")
LIVE_CHAT_OPENED = _ja("live_chat_opened")
CALLBACK_OPENED = _ja("callback_opened")
CALLBACK_NO_CONTACT = _ja("callback_no_contact")
WHEN_OPEN_NOW = _ja("when_open_now")
WHEN_NEXT_OPENING = _ja("when_next_opening")
HOURS_WEEKDAYS = _ja("hours_weekdays")
HOURS_SATURDAY = _ja("hours_saturday")
WEEKDAY_NAMES = "".join(_ja(f"weekday.{i}") for i in range(7))
OFFER_DECLINED = _ja("offer_declined")
CASE_OPENED = _ja_group(
    "case_opened",
    (
        "report",
        "inquiry",
        "human_request",
    ),
)
CASE_NUMBER_LINE = _ja("case_number_line")
NEXT_STEPS_CONTACT = _ja("next_steps_contact")
NEXT_STEPS_NO_CONTACT = _ja("next_steps_no_contact")
STATUS_HINT = _ja("status_hint")
NEARBY_OFFER = _ja("nearby_offer")
NEARBY_LINE = _ja("nearby_line")
NEARBY_SAME_ONE = _ja("nearby_same_one")
NEARBY_SAME_OF = _ja("nearby_same_of")
NEARBY_DIFFERENT = _ja("nearby_different")
NEARBY_LINKED = _ja("nearby_linked")
NEARBY_GONE = _ja("nearby_gone")
NEARBY_STATUS = _ja_group(
    "nearby_status",
    (
        "new",
        "in_progress",
        "waiting_citizen",
    ),
)
ACCESS_CODE_LINE = _ja("access_code_line")
STATUS_NEEDS_CODE = _ja("status_needs_code")
STATUS_WRONG_CODE = _ja("status_wrong_code")
STATUS_CODE_LOCKED = _ja("status_code_locked")
