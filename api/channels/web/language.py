"""The widget's language: its own texts per locale (from the `widget` gettext catalogs) and the
citizen's explicit choice of language for the conversation (the language menu)."""

from __future__ import annotations

import asyncio
from typing import Annotated

from babel import Locale
from fastapi import APIRouter, Depends, Header, Query, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session, sessionmaker

from api.channels.web import sessions as chat_sessions
from api.conversation import language as conversation_language
from api.conversation.schemas import SENDER_PATTERN
from api.core.db import get_session_factory, unit_of_work
from api.core.errors import AppError
from api.i18n import WIDGET_DOMAIN, catalog, locales, menu_locales

router = APIRouter(prefix="/api/v1", tags=["web widget"])
# A language, a region or script, and a private-use variant (ja-x-easy: やさしい日本語).
LOCALE_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?(-x-[A-Za-z0-9]{1,8})?$"


class UnsupportedLocaleError(AppError):
    status_code = 422
    code = "unsupported_locale"


class LocaleOut(BaseModel):
    code: str = Field(description="BCP 47 code of a locale with complete catalogs")
    name: str = Field(description="the locale's name in its own language (日本語, English)")


class WidgetTextsOut(BaseModel):
    locale: str
    texts: dict[str, str] = Field(description="message id → text ({…} are placeholders)")
    locales: list[LocaleOut] = Field(
        description="the locales of the language menu (ja-x-easy, やさしい日本語, has a switch)"
    )


class ConversationLanguageIn(BaseModel):
    sender: str = Field(pattern=SENDER_PATTERN, examples=["web:3f2a9c"])
    language: str = Field(pattern=LOCALE_PATTERN, examples=["en", "ja-x-easy"])


def _supported(code: str) -> str:
    if code not in locales(WIDGET_DOMAIN):
        raise UnsupportedLocaleError(
            f"locale {code!r} is not offered; choose one of {', '.join(locales(WIDGET_DOMAIN))}"
        )
    return code


def _own_name(code: str) -> str:
    name = Locale.parse(code.replace("-", "_")).get_display_name(code.replace("-", "_"))
    return name[:1].upper() + name[1:] if name else code


@router.get(
    "/widget/texts",
    response_model=WidgetTextsOut,
    responses={422: {"description": "a locale the city does not offer"}},
)
def widget_texts(
    response: Response,
    locale: Annotated[str, Query(pattern=LOCALE_PATTERN, examples=["en"])] = "ja",
) -> WidgetTextsOut:
    """The widget's buttons, labels and status lines in `locale`, and the locales offered."""
    texts = catalog(_supported(locale), WIDGET_DOMAIN)
    response.headers["Cache-Control"] = "public, max-age=300"
    return WidgetTextsOut(
        locale=locale,
        texts=texts,
        locales=[LocaleOut(code=c, name=_own_name(c)) for c in menu_locales(WIDGET_DOMAIN)],
    )


def _choose(factory: sessionmaker[Session], sender: str, token: str, language: str) -> None:
    with unit_of_work(factory) as session:
        chat_sessions.verify(session, sender, token)
        conversation_language.remember(session, sender, language)


@router.put(
    "/chat/language",
    status_code=204,
    responses={
        401: {"description": "no chat token (Authorization: Bearer <token>)"},
        403: {"description": "a sender the server did not issue, or a token not its own"},
        422: {"description": "a locale the city does not offer, or a non-web sender"},
    },
)
async def choose_language(
    body: ConversationLanguageIn,
    factory: Annotated[sessionmaker[Session], Depends(get_session_factory)],
    authorization: Annotated[str | None, Header(description="Bearer <chat token>")] = None,
) -> Response:
    """The citizen chose the conversation's language in the widget's menu. It holds until a
    message in another language switches it, as a typed message would."""
    chat_sessions.check_channel(body.sender)
    token = chat_sessions.token_from(authorization)
    await asyncio.to_thread(_choose, factory, body.sender, token, _supported(body.language))
    return Response(status_code=204)
