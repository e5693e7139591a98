"""An honest English note for an English question the bot can only answer in Japanese (or not
at all): said before the Japanese reply, with the number of the department that can help.
Other languages get the Japanese reply as before, until their catalogs exist."""

from __future__ import annotations

from actions.protocol import ActionResult, text
from actions.registry import ActionContext
from api.conversation.language import language_of
from api.departments.repository import DepartmentRepository
from api.faq.models import FaqEntry
from api.i18n import translate
from api.nlp.language import detect

NOTED_LANGUAGES = frozenset({"en"})


def conversation_language(ctx: ActionContext) -> str:
    """The language of the message being answered, else the conversation's (a button's
    payload says nothing), else Japanese."""
    latest = ctx.tracker.latest_text or ""
    found = None if latest.startswith("/") else detect(latest)
    return found or language_of(ctx.session, ctx.tracker.sender_id) or "ja"


def _call_line(ctx: ActionContext, language: str, department_code: str | None) -> str | None:
    department = DepartmentRepository(ctx.session).get(department_code) if department_code else None
    if department is None or not department.phone:
        return None
    return translate(language, "note.call", department=department.name, phone=department.phone)


def with_language_note(ctx: ActionContext, result: ActionResult) -> ActionResult:
    """`result` with the note first when the citizen writes English; unchanged otherwise."""
    language = conversation_language(ctx)
    if language not in NOTED_LANGUAGES or not result.responses:
        return result
    slots = {e.get("name"): e.get("value") for e in result.events if e.get("event") == "slot"}
    answered = slots.get("last_faq_id")
    entry = ctx.session.get(FaqEntry, answered) if answered else None
    if entry is not None:
        note, department = "note.japanese_answer", entry.department_code
    elif any(r.get("buttons") for r in result.responses) and slots.get("last_question"):
        note, department = "note.japanese_choices", None  # clarify: Japanese questions to pick
    else:
        note, department = "note.no_answer", None
    department = department or ctx.knowledge.fallback_department
    call = _call_line(ctx, language, department)
    said = translate(language, note) + (f" {call}" if call else "")
    return result.model_copy(update={"responses": [text(said), *result.responses]})
