"""The three case forms (a report, an inquiry, a request for a person) listen before they ask.

One validation serves all three. From whatever the citizen has said so far it fills what it
can — the place and the contact from the first message, a point from a shared location, the
danger in a report — asks only for what is missing, takes corrections (「場所を間違えました」)
at any step, and ends with a confirmation of the whole case (はい / 修正する). It decides the
next question itself (`requested_slot`), so the order follows the conversation rather than a
fixed list: a form is done when its requested slot is None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from actions.case_text import DESCRIPTION, LOCATION
from actions.faq import answer_within_form
from actions.intake import contacts_in, normalized, read_message
from actions.language import reply_language
from actions.messages import say
from actions.protocol import ActionResult, button, slot_set, text
from actions.registry import ActionContext, registry
from api.core.types import utcnow
from api.departments.repository import DepartmentRepository
from api.faq.english import words as english_words
from api.handoff.presence import live_chat
from api.triage.danger import Danger

MIN_DESCRIPTION_CHARS = 4
MIN_LOCATION_CHARS = 2
CONTACT_DECLINED = "不要"
REQUESTED = "requested_slot"

CONTACT = "case_contact"
CONFIRMED = "case_confirmed"
FIELD = "case_field"  # which part the citizen wants to correct, when they did not say
LATITUDE = "case_latitude"
LONGITUDE = "case_longitude"
URGENT = "case_urgent"
HANDOFF = "case_handoff"  # human_form: "live" (a person is on duty) or "callback"

CORRECTION_MIN_CONFIDENCE = 0.6
FIELDS = {"description": DESCRIPTION, "location": LOCATION, "contact": CONTACT}

_DECLINE = re.compile(
    r"^(不要|いらない|いりません|要らない|結構|けっこう|なし|無し|ない|ありません|いいえ|"
    r"連絡(は|も)?(不要|いらない|いりません|結構|しなくて(いい|大丈夫))|教えたくない|"
    r"知らせたくない)"
)
# Phrases that only ask for a person; what remains after removing them is the actual matter.
_HUMAN_REQUEST = re.compile(
    r"((職員|担当者|担当の方|担当|人間|人|オペレーター|係の(人|方)|窓口の(人|方)|誰か)(さん)?"
    r"(と|に|へ|を|が)?(直接)?|(直接|電話で))"
    r"(お|ご)?(話|はな|相談|つな|繋|代わ|かわ|お願い|おねがい|頼|希望|呼|出して)[^\s。、！？!?]*"
)
_FILLERS = re.compile(r"(です|ます|ください|お願いします|したい|[\s。、！？!?])")
# A correction typed in words (the NLU's correct_case intent catches most; this catches the
# rest, e.g. a correction typed where the form expected a contact).
_CORRECTION = re.compile(
    r"(間違|まちが|まちご|訂正|修正|直したい|なおしたい|変更したい|ちゃう(かった)?$)"
)
_FIELD_WORDS: list[tuple[str, re.Pattern[str]]] = [
    ("location", re.compile(r"(場所|ばしょ|住所|じゅうしょ|位置|地点|所在地|番地|丁目|町名|地名)")),
    ("contact", re.compile(r"(連絡先|電話|でんわ|番号|ばんごう|メール|めーる|アドレス)")),
    ("description", re.compile(r"(内容|ないよう|説明|状況|用件|文章|中身)")),
]
# A question rather than an answer: typed where the form asked for a place or a contact.
_QUESTION = re.compile(
    r"([?？]|(ます|です|でしょう|ません|ない|ある)(か|かね|かな)|いつ|どこ|どう|なに|何|いくら|"
    r"どれ|だれ|誰|どの|なぜ|教えて|おしえて|知りたい)"
)
_QUESTION_EN = re.compile(
    r"\?\s*$|^(how|what|when|where|which|who|whom|why|can|could|do|does|did|is|are|should|may|"
    r"will|would)\b"
)
_YES = re.compile(
    r"^(はい|ええ|うん|お願い|おねがい|それで|ok|おk|オッケー|大丈夫です?お願い|了解)"
)
# The same answers in English, matched on the lowercased words (spaces kept).
_DECLINE_EN = re.compile(
    r"^(no|nope|none|nothing|not needed|no need|no thanks|no thank you|no contact|"
    r"i (do not|don't) (need|want)|(do not|don't) contact|rather not|skip)\b"
)
_YES_EN = re.compile(
    r"^(yes|yeah|yep|yup|sure|ok|okay|all right|alright|right|that'?s right|"
    r"(that|it) is (right|correct|fine)|that'?s (correct|fine)|correct|fine|go ahead|please do|"
    r"confirm)\b"
)
# A correction names what is wrong, or says the citizen erred: "please fix the pothole" in a
# report is not one.
_PART_EN = r"(address|place|location|spot|number|phone|contact|e-?mail|description|details)"
_CORRECTION_EN = re.compile(
    rf"\b(i made a mistake|my mistake|typo|that'?s wrong|that is wrong|"
    rf"(wrong|incorrect) {_PART_EN}|{_PART_EN} (is|was) (wrong|incorrect|not right)|"
    rf"(change|fix|edit|correct|modify|update) (the |my |that )?{_PART_EN})\b"
)
_FIELD_WORDS_EN: list[tuple[str, re.Pattern[str]]] = [
    ("location", re.compile(r"\b(place|location|address|where|street|spot)\b")),
    ("contact", re.compile(r"\b(contact|phone|number|e-?mail|mail)\b")),
    ("description", re.compile(r"\b(description|details?|what happened|content|problem)\b")),
]
# "I want to talk to a person": only a request for a person, nothing about the matter.
_HUMAN_REQUEST_EN = re.compile(
    r"\b(talk|speak|chat|connect|put)( me)? (to|with|through to) (a |an |the |some )?"
    r"(real )?(person|human|people|staff|someone|somebody|operator|officer|agent|"
    r"member of (the )?staff|representative)\b|\b(a |the )?(real )?(person|human|operator|staff)"
    r" please\b"
)


def _english(text: str) -> str:
    return " ".join(text.lower().split())


def _is_decline(value: str) -> bool:
    return bool(_DECLINE.match(normalized(value)) or _DECLINE_EN.match(_english(value)))


def _is_yes(value: str) -> bool:
    return bool(_YES.match(normalized(value)) or _YES_EN.match(_english(value)))


_ONLY_YES = re.compile(r"(はい|ええ|うん|ok|おk|オッケー|了解|yes|yeah|yep|yup|sure|okay)[!！。.]*")


def _only_yes(value: str) -> bool:
    """Nothing but a yes (「はい」, "Yes."): not where a problem is ("right next to …" is)."""
    return bool(_ONLY_YES.fullmatch(normalized(value).lower()))


def _asks_a_question(value: str) -> bool:
    return bool(_QUESTION.search(normalized(value)) or _QUESTION_EN.search(_english(value)))


def _is_correction(value: str) -> bool:
    return bool(_CORRECTION.search(normalized(value)) or _CORRECTION_EN.search(_english(value)))


def _only_asks_for_a_person(value: str) -> bool:
    """「職員と話したい」, "Can I talk to a person?": nothing yet about what it is about."""
    remainder = _FILLERS.sub("", _HUMAN_REQUEST.sub("", normalized(value)))
    if len(remainder) < MIN_DESCRIPTION_CHARS:
        return True
    english = _HUMAN_REQUEST_EN.sub(" ", _english(value))
    return english != _english(value) and len(english_words(english)) < 2


def _field_named(text: str) -> str | None:
    norm = normalized(text)
    for field, pattern in _FIELD_WORDS:
        if pattern.search(norm):
            return field
    for field, pattern in _FIELD_WORDS_EN:
        if pattern.search(_english(text)):
            return field
    # 「公園の名前を言い間違えました」: a correction that names a place is about the place
    return "location" if read_message(text).location else None


@dataclass
class _Step:
    """What one validation decided: slot events, messages to say, and the next question."""

    events: list[dict[str, Any]]
    replies: list[dict[str, Any]]

    def set(self, name: str, value: Any) -> None:
        self.events.append(slot_set(name, value))

    def say(self, message: str, buttons: list[dict[str, str]] | None = None) -> None:
        self.replies.append(text(message, buttons))


class _Form:
    def __init__(self, ctx: ActionContext, form: str) -> None:
        self.ctx = ctx
        self.form = form
        self.tracker = ctx.tracker
        self.step = _Step([], [])
        self.slots: dict[str, Any] = dict(self.tracker.slots)
        self.language = reply_language(ctx)

    # -- slot bookkeeping --------------------------------------------------------------------
    def get(self, name: str) -> Any:
        return self.slots.get(name)

    def set(self, name: str, value: Any) -> None:
        self.slots[name] = value
        self.step.set(name, value)

    # -- reading what the citizen said -------------------------------------------------------
    def new_values(self) -> dict[str, Any]:
        return {
            name: value
            for name, value in self.tracker.slots_set_since_user_message().items()
            if value is not None
        }

    def correction(self) -> tuple[bool, str | None]:
        """(is this message a correction, of which field)"""
        intent = self.tracker.latest_intent
        words = self.tracker.latest_text
        named = self.tracker.latest_entity("case_field")
        if named in FIELDS:
            return True, named
        if _is_correction(words):
            return True, _field_named(words)
        # The NLU alone is trusted only when sure, and never over a plain answer: a contact
        # step's 「連絡はいりません」 once scored correct_case at 0.48.
        sure = self.tracker.latest_intent_confidence >= CORRECTION_MIN_CONFIDENCE
        if intent == "correct_case" and sure and not _is_decline(words):
            return True, _field_named(words)
        return False, None

    # -- the parts of a case -----------------------------------------------------------------
    def take_description(self, value: str) -> None:
        if self.form == "human_form" and _only_asks_for_a_person(value):
            self.set(DESCRIPTION, None)  # only asked for a person: ask what it is about
            return
        intake = read_message(value, find_place=self.form == "report_form")
        if len(normalized(intake.description)) < MIN_DESCRIPTION_CHARS:
            self.set(DESCRIPTION, None)
            self.step.say(say(self.language, "description_too_short"))
            return
        self.set(DESCRIPTION, intake.description)
        if intake.location and not self.get(LOCATION):
            self.set(LOCATION, intake.location)
        if intake.contact and not self.get(CONTACT):
            self.set(CONTACT, intake.contact)
        if self.form == "report_form":
            self.warn_of_danger(intake.danger.dangers)

    def take_location(self, value: str) -> None:
        contacts = contacts_in(value)
        if contacts and not self.get(CONTACT):
            self.set(CONTACT, " / ".join(contacts))
        location = read_message(value, find_place=False).description
        # 「はい」 or "yes" answers the question before, not where the problem is
        if len(normalized(location)) < MIN_LOCATION_CHARS or _only_yes(location):
            self.set(LOCATION, None)
            self.step.say(say(self.language, "location_too_short"))
            return
        self.set(LOCATION, location)

    def take_contact(self, value: str) -> None:
        if _is_decline(value):
            self.set(CONTACT, CONTACT_DECLINED)
            return
        found = contacts_in(value)
        if not found and self.form == "report_form" and read_message(value).location:
            # Not a contact but a place (「中央小学校の前の歩道橋です」): the citizen is making
            # the place more precise. Keep it and ask for the contact again.
            self.set(LOCATION, read_message(value, find_place=False).description)
            self.set(CONTACT, None)
            return
        if not found:
            self.set(CONTACT, None)
            self.step.say(say(self.language, "contact_invalid"))
            return
        self.set(CONTACT, " / ".join(found))

    def take_point(self) -> bool:
        """A shared location (LINE's location message, the widget's 現在地を送る)."""
        latitude = self.tracker.latest_entity("latitude")
        longitude = self.tracker.latest_entity("longitude")
        try:
            lat, lon = float(latitude or ""), float(longitude or "")
        except ValueError:
            return False
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return False
        self.set(LATITUDE, lat)
        self.set(LONGITUDE, lon)
        address = self.tracker.latest_entity("address")
        if address or not self.get(LOCATION):
            self.set(LOCATION, address or say(self.language, "point_location", lat=lat, lon=lon))
        return True

    def take_confirmation(self, value: str) -> None:
        intent = self.tracker.latest_intent
        if intent == "affirm" or _is_yes(value):
            self.set(CONFIRMED, True)
            return
        self.set(CONFIRMED, None)
        if intent == "deny":
            self.ask_which_field()
            return
        contacts = contacts_in(value)
        if contacts:  # a contact given at the last step: take it and show the summary again
            self.set(CONTACT, " / ".join(contacts))
            return
        self.step.say(say(self.language, "confirm_again"))

    def take_field(self, value: str) -> None:
        field = self.tracker.latest_entity("case_field") or _field_named(value)
        self.set(FIELD, None)
        if field not in FIELDS:
            self.ask_which_field()
            return
        self.reopen(field)

    # -- corrections ---------------------------------------------------------------------------
    def ask_which_field(self) -> None:
        self.set(CONFIRMED, None)
        self.set(FIELD, None)
        self.step.events.append(slot_set(REQUESTED, FIELD))

    def reopen(self, field: str) -> None:
        """Forget one part so that the form asks for it again (and confirms again)."""
        slot = FIELDS[field]
        self.set(slot, None)
        self.set(CONFIRMED, None)
        self.set(FIELD, None)
        if slot == LOCATION:
            self.set(LATITUDE, None)
            self.set(LONGITUDE, None)

    # -- danger ----------------------------------------------------------------------------
    def warn_of_danger(self, dangers: tuple[Danger, ...]) -> None:
        if not dangers or self.get(URGENT):
            return
        self.set(URGENT, True)
        self.step.say(danger_advice(self.ctx, dangers, self.get(DESCRIPTION) or "", self.language))

    # -- the next question ---------------------------------------------------------------------
    def next_slot(self, *, decide: bool = True) -> str | None:
        if not self.get(DESCRIPTION):
            return DESCRIPTION
        if self.form == "report_form" and not self.get(LOCATION):
            return LOCATION
        if decide and self.form == "human_form" and not self.get(HANDOFF):
            self.decide_handoff()
        if not self.get(CONTACT) and self.get(HANDOFF) != "live":
            return CONTACT
        if not self.get(CONFIRMED):
            return CONFIRMED
        return None

    def decide_handoff(self) -> None:
        """A live chat when someone of the routed department is on duty now; else a call back."""
        knowledge = self.ctx.knowledge
        department = knowledge.router.route(self.get(DESCRIPTION) or "").department
        record = DepartmentRepository(self.ctx.session).get(department) if department else None
        available = record is not None and live_chat(self.ctx.session, record, utcnow()).available
        self.set(HANDOFF, "live" if available else "callback")

    # -- one turn ------------------------------------------------------------------------------
    def run(self) -> ActionResult:
        requested = self.get(REQUESTED)
        is_correction, field = self.correction()
        new = self.new_values()
        if is_correction and requested != FIELD:
            if requested in new:
                self.set(requested, None)  # the correction is not an answer to the question
            if field is None:
                self.ask_which_field()
                return self.result()
            self.reopen(field)
            value = self.value_after_correction(field)
            if value:
                self.take(FIELDS[field], value)
        else:
            took_point = self.take_point()
            if took_point:
                new.pop(LOCATION, None)
            if (
                self.tracker.latest_intent == "correct_case"
                and requested in (DESCRIPTION, LOCATION, CONTACT)
                and requested not in new
            ):
                # Rasa left the answer out because the NLU guessed a correction; it is not
                # one (see correction()), so it answers the question asked.
                new[requested] = self.tracker.latest_text
            asked_instead = requested in (LOCATION, CONTACT) and requested in new
            if asked_instead and not took_point and self.answer_question(str(new[requested])):
                return self.result()
            taken = [
                name
                for name in (DESCRIPTION, LOCATION, CONTACT, CONFIRMED, FIELD)
                if name in new and (name != LOCATION or self.form == "report_form")
            ]
            if not taken and not took_point:
                # Nothing for this form in the message (「やめます」, a status lookup, a question
                # about the bot: their slots' mappings exclude those intents). Only the next
                # question, which Rasa ignores when it decides whether the form took anything:
                # it rejects the form and a rule answers; the form asks this again afterwards.
                self.step.events.append(slot_set(REQUESTED, self.next_slot(decide=False)))
                return self.result()
            for name in taken:
                self.take(name, str(new[name]))
        if not any(e.get("name") == REQUESTED for e in self.step.events):
            self.step.events.append(slot_set(REQUESTED, self.next_slot()))
        return self.result()

    def answer_question(self, value: str) -> bool:
        """A question where a place or a contact was asked for is answered from the FAQ when it
        is sure of the answer; the form then asks its question again. Anything else (a place
        or a contact, or a question the FAQ cannot answer outright) is the form's answer."""
        if contacts_in(value) or not _asks_a_question(value):
            return False
        replies = answer_within_form(self.ctx, value)
        if not replies:
            return False
        requested = self.get(REQUESTED)
        self.set(requested, None)
        self.step.replies.extend(replies)
        self.step.say(say(self.language, "form_question_answered"))
        self.step.events.append(slot_set(REQUESTED, requested))
        return True

    def take(self, name: str, value: str) -> None:
        {
            DESCRIPTION: self.take_description,
            LOCATION: self.take_location,
            CONTACT: self.take_contact,
            CONFIRMED: self.take_confirmation,
            FIELD: self.take_field,
        }[name](value)

    def value_after_correction(self, field: str) -> str | None:
        """「場所を間違えました。緑町4丁目です」 carries the new value after the correction."""
        said = self.tracker.latest_text
        if field == "contact":
            found = contacts_in(said)
            return " / ".join(found) if found else None
        if field == "location":
            place = read_message(said).location
            return place
        return None

    def result(self) -> ActionResult:
        return ActionResult(events=self.step.events, responses=self.step.replies)


def danger_advice(
    ctx: ActionContext, dangers: tuple[Danger, ...], description: str, language: str = "ja"
) -> str:
    """What to do now, before anything else: 119/110, and the 24-hour line of the department
    the report goes to (or the city's)."""
    from api.city.profile import city_profile

    lines = [say(language, "danger_header")]
    lines += [say(language, f"danger_advice.{d.value}") for d in dangers if d.emergency]
    department = ctx.knowledge.router.route(description).department
    record = DepartmentRepository(ctx.session).get(department) if department else None
    city = city_profile()
    if record is not None and record.emergency_phone:
        line = say(
            language, "emergency_line", name=record.name_in(language), phone=record.emergency_phone
        )
    elif city.emergency_phone:
        line = say(language, "city_emergency_line", phone=city.emergency_phone)
    else:
        line = None
    if Danger.hazard in dangers or not any(d.emergency for d in dangers):
        lines.append(say(language, f"danger_advice.{Danger.hazard.value}"))
    if line:
        lines.append(line)
    lines.append(say(language, "danger_then_file"))
    return "\n".join(lines)


@registry.register("validate_report_form")
def validate_report_form(ctx: ActionContext) -> ActionResult:
    return _Form(ctx, "report_form").run()


@registry.register("validate_inquiry_form")
def validate_inquiry_form(ctx: ActionContext) -> ActionResult:
    return _Form(ctx, "inquiry_form").run()


@registry.register("validate_human_form")
def validate_human_form(ctx: ActionContext) -> ActionResult:
    return _Form(ctx, "human_form").run()


def field_buttons(language: str = "ja") -> list[dict[str, str]]:
    return [
        button(
            say(language, f"field_titles.{field}"), '/correct_case{"case_field": "' + field + '"}'
        )
        for field in FIELDS
    ]
