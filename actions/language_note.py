"""An honest English note for an English question the bot can only answer from a Japanese entry
(or with Japanese choices): said before the Japanese text, with the number of the department
that can help. Entries with English text are answered in English without a note; other
languages get the Japanese reply as before, until their catalogs exist."""

from __future__ import annotations

import json

from actions.language import conversation_language
from actions.protocol import ActionResult, text
from actions.registry import ActionContext
from api.departments.repository import DepartmentRepository
from api.faq.models import FaqEntry
from api.i18n import translate

NOTED_LANGUAGES = frozenset({"en"})
CHOICE_INTENT = "/choose_faq"


def _call_line(ctx: ActionContext, language: str, department_code: str | None) -> str | None:
    department = DepartmentRepository(ctx.session).get(department_code) if department_code else None
    if department is None or not department.phone:
        return None
    return translate(
        language, "note.call", department=department.name_in(language), phone=department.phone
    )


def _japanese_choices(ctx: ActionContext, result: ActionResult) -> bool:
    """Whether clarify choices include an entry without English text (shown in Japanese)."""
    for response in result.responses:
        for choice in response.get("buttons") or []:
            payload = str(choice.get("payload", ""))
            if not payload.startswith(CHOICE_INTENT):
                continue
            faq_id = json.loads(payload[len(CHOICE_INTENT) :] or "{}").get("faq_id")
            entry = ctx.session.get(FaqEntry, faq_id) if faq_id else None
            if entry is not None and not entry.answer_en:
                return True
    return False


def with_language_note(ctx: ActionContext, result: ActionResult) -> ActionResult:
    """`result` with the note first when the citizen writes English and the answer (or a
    choice offered) is a Japanese entry's; unchanged otherwise (the bot's own texts are
    already in the conversation's language)."""
    language = conversation_language(ctx)
    if language not in NOTED_LANGUAGES or not result.responses:
        return result
    slots = {e.get("name"): e.get("value") for e in result.events if e.get("event") == "slot"}
    answered = slots.get("last_faq_id")
    entry = ctx.session.get(FaqEntry, answered) if answered else None
    if entry is not None and not entry.answer_en:
        note, department = "note.japanese_answer", entry.department_code
    elif entry is None and slots.get("last_question") and _japanese_choices(ctx, result):
        note, department = "note.japanese_choices", None
    else:
        return result
    department = department or ctx.knowledge.fallback_department
    call = _call_line(ctx, language, department)
    said = translate(language, note) + (f" {call}" if call else "")
    return result.model_copy(update={"responses": [text(said), *result.responses]})
