"""The language an action answers in: the citizen's message's, else the conversation's (kept by
the API, api/conversation/language.py), else Japanese. Texts exist for the locales with a
catalog (api/i18n.py); any other language is answered in Japanese."""

from __future__ import annotations

from actions.protocol import ActionResult, slot_set
from actions.registry import ActionContext, registry
from api.i18n import SOURCE_LOCALE, locales
from api.nlp.language import detect

LANGUAGE_SLOT = "language"


def conversation_language(ctx: ActionContext) -> str:
    """The conversation's language as the API kept it after the citizen's latest message
    (api/conversation/language.py decides when a message switches it), else the language of
    the message being answered (a conversation the API never saw), else Japanese."""
    kept = ctx.kept_language
    if kept:
        return kept
    latest = ctx.tracker.latest_text or ""
    found = None if latest.startswith("/") else detect(latest)
    return found or ctx.tracker.slot(LANGUAGE_SLOT) or SOURCE_LOCALE


def reply_language(ctx: ActionContext) -> str:
    """The locale the bot's texts are given in: the conversation's when it has a catalog."""
    language = conversation_language(ctx)
    return language if language in locales() else SOURCE_LOCALE


@registry.register("action_set_language")
def set_language(ctx: ActionContext) -> ActionResult:
    """Run by Rasa's action_extract_slots at every citizen message (the `language` slot's custom
    mapping): the slot the domain's responses are conditioned on follows the language the API
    detected and kept for the conversation."""
    language = reply_language(ctx)
    if ctx.tracker.slot(LANGUAGE_SLOT) == language:
        return ActionResult()
    return ActionResult(events=[slot_set(LANGUAGE_SLOT, language)])
