"""The widget's language menu in Debian's Chromium, against the real API and Rasa: a browser set
to English gets the widget in English; the menu switches its texts and the conversation's
language; every message carries the `lang` of its text; axe-core finds nothing in English."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from api.conversation.language import language_of
from api.i18n import WIDGET_DOMAIN, catalog
from tests.e2e.browser import open_page
from tests.e2e.conftest import Stack
from tests.e2e.test_accessibility import assert_no_violations
from tests.e2e.test_widget import bot_messages

pytestmark = pytest.mark.e2e
EN = catalog("en", WIDGET_DOMAIN)
JA = catalog("ja", WIDGET_DOMAIN)


def conversation_language(page: Page, stack: Stack) -> str | None:
    sender = page.evaluate("JSON.parse(sessionStorage.getItem('madoguchi.sender'))")
    engine = create_engine(stack.database_url)
    try:
        with Session(bind=engine) as session:
            return language_of(session, sender)
    finally:
        engine.dispose()


def say(page: Page, texts: dict[str, str], message: str) -> None:
    page.get_by_label(texts["widget.input"]).fill(message)
    page.keyboard.press("Enter")


def open_chat(page: Page, launcher: str) -> None:
    page.get_by_role("button", name=launcher).click()
    expect(page.get_by_role("dialog")).to_be_visible()


def test_an_english_browser_gets_the_widget_in_english(browser: Browser, stack: Stack) -> None:
    with open_page(browser, f"{stack.api_url}/", locale="en-US") as page:
        open_chat(page, EN["widget.launcher"])
        dialog = page.get_by_role("dialog", name=EN["widget.title"])
        expect(dialog).to_have_attribute("lang", "en")
        expect(page.get_by_label(EN["widget.input"])).to_have_attribute(
            "placeholder", EN["widget.placeholder"]
        )
        welcome = bot_messages(page).first
        expect(welcome).to_contain_text(EN["widget.welcome"])
        expect(welcome.locator(".text")).to_have_attribute("lang", "en")
        expect(page.get_by_label(EN["widget.language"])).to_have_value("en")

        # An English answer (the entry has English text), then a Japanese one: each message
        # carries the language of its own text
        say(page, EN, "How do I dispose of large garbage?")
        expect(bot_messages(page)).to_have_count(2)
        expect(bot_messages(page).nth(1).locator(".text")).to_have_attribute("lang", "en")
        assert conversation_language(page, stack) == "en"
        say(page, EN, "粗大ごみの出し方を教えてください")
        expect(bot_messages(page)).to_have_count(3)
        expect(bot_messages(page).nth(2).locator(".text")).to_have_attribute("lang", "ja")
        assert_no_violations(page)

        page.get_by_label(EN["widget.language"]).select_option("ja")
        expect(page.get_by_role("dialog", name=JA["widget.title"])).to_have_attribute("lang", "ja")
        expect(page.get_by_role("button", name=JA["widget.send"], exact=True)).to_be_visible()
        expect(page.locator(".msg.user .who").first).to_have_text(JA["widget.who.user"])
        page.wait_for_function(
            "() => (sessionStorage.getItem('madoguchi.languageSent') || '').endsWith(' ja\"')"
        )
        assert conversation_language(page, stack) == "ja"


def test_the_menu_switches_a_japanese_widget_to_english(browser: Browser, stack: Stack) -> None:
    with open_page(browser, f"{stack.api_url}/") as page:
        open_chat(page, JA["widget.launcher"])
        menu = page.get_by_label(JA["widget.language"])
        expect(menu).to_have_value("ja")
        menu.select_option("en")
        # No conversation yet: the greeting is given again, in English, and only once.
        expect(bot_messages(page)).to_have_count(1)
        expect(bot_messages(page).first).to_contain_text(EN["widget.welcome"])
        expect(page.get_by_role("button", name=EN["widget.send"], exact=True)).to_be_visible()
        say(page, EN, "Hello")
        expect(bot_messages(page)).to_have_count(2)
        assert conversation_language(page, stack) == "en"
        page.reload()  # the choice is kept with the conversation
        expect(page.get_by_label(EN["widget.language"])).to_have_value("en")
