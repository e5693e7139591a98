"""The widget's 「やさしい にほんご・ふりがな」 switch in a real browser (Debian's Chromium),
against the real API and Rasa: on, the conversation is in やさしい日本語 (ja-x-easy): the bot's
own texts are the easy ones, a demo entry with an easy answer gives it, Japanese messages keep
it easy, and every bot message has readings over its kanji; off, the texts are the ordinary
ones again. axe-core finds nothing with the switch on."""

from __future__ import annotations

import csv
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from api.i18n import EASY_JAPANESE, WIDGET_DOMAIN, catalog, translate
from tests.conftest import REPO_ROOT
from tests.e2e.browser import open_page
from tests.e2e.conftest import Stack
from tests.e2e.test_accessibility import assert_no_violations
from tests.e2e.test_widget import EASY_SWITCH, ask, bot_messages, open_chat_with_keyboard
from tests.e2e.test_widget_language import conversation_language

pytestmark = pytest.mark.e2e
GARBAGE = "粗大ごみの出し方を教えてください"  # answered by M0001, which has an easy answer


@pytest.fixture
def page(browser: Browser, stack: Stack) -> Iterator[Page]:
    with open_page(browser, f"{stack.api_url}/") as widget_page:
        yield widget_page


def _easy_answer(faq_id: str) -> str:
    with (REPO_ROOT / "demo_city" / "faq.csv").open(encoding="utf-8") as handle:
        return next(row["answer_easy"] for row in csv.DictReader(handle) if row["id"] == faq_id)


def _plain(message: Locator) -> str:
    """A message's text without its readings."""
    return message.evaluate(
        "m => { const c = m.querySelector('.text').cloneNode(true);"
        " c.querySelectorAll('rt, rp').forEach(e => e.remove()); return c.textContent; }"
    )


def _plain_becomes(message: Locator, expected: str) -> None:
    """The message's text without readings comes to be `expected` (within 30 s): the widget
    renders it again when the switch's texts and readings arrive."""
    for _ in range(300):
        if _plain(message) == expected:
            return
        message.page.wait_for_timeout(100)
    assert _plain(message) == expected


def _wait_for_reply(page: Page, before: int) -> Locator:
    expect(bot_messages(page)).to_have_count(before + 1)
    return bot_messages(page).nth(before)


def test_the_switch_gives_easy_texts_with_readings_and_back(page: Page, stack: Stack) -> None:
    open_chat_with_keyboard(page)
    switch = page.get_by_role("switch", name=EASY_SWITCH)
    expect(switch).to_have_attribute("aria-checked", "false")
    switch.click()
    expect(switch).to_have_attribute("aria-checked", "true")
    welcome = bot_messages(page).first
    expect(welcome.locator("ruby").first).to_be_attached()
    _plain_becomes(welcome, catalog(EASY_JAPANESE, WIDGET_DOMAIN)["widget.welcome"])

    ask(page, "こんにちは")
    greeting = _wait_for_reply(page, 1)
    expect(greeting.locator("rt", has_text="あんない").first).to_be_attached()
    assert "みどり野市役所の 案内です" in _plain(greeting)  # the domain's easy variant
    expect(greeting.locator(".text")).to_have_attribute("lang", "ja")

    ask(page, GARBAGE)  # ordinary Japanese: the conversation stays easy
    answer = _wait_for_reply(page, 2)
    expect(answer.locator("ruby").first).to_be_attached()
    expect(answer).to_contain_text("000-210-1240")
    assert _plain(answer) == _easy_answer("M0001")
    helpful = translate(EASY_JAPANESE, "helpful")
    expect(answer.get_by_role("button", name=helpful)).to_be_visible()
    assert conversation_language(page, stack) == EASY_JAPANESE
    assert_no_violations(page)

    switch.click()
    expect(switch).to_have_attribute("aria-checked", "false")
    expect(page.locator(".msg ruby")).to_have_count(0)
    ask(page, "こんにちは")
    ordinary = _wait_for_reply(page, 3)
    expect(ordinary).to_contain_text("みどり野市役所の案内窓口です")
    ask(page, GARBAGE)
    expect(_wait_for_reply(page, 4)).to_contain_text("受付センター（電話 000-210-1240、平日")
    assert conversation_language(page, stack) == "ja"


def test_another_language_from_the_menu_turns_the_switch_off(page: Page) -> None:
    open_chat_with_keyboard(page)
    switch = page.get_by_role("switch", name=EASY_SWITCH)
    switch.click()
    menu = page.get_by_label("言語 Language")
    expect(menu).to_have_value("ja")  # easy Japanese is Japanese, not an entry of the menu
    expect(menu.locator("option")).to_have_count(2)
    menu.select_option("en")
    expect(switch).to_have_attribute("aria-checked", "false")
    expect(bot_messages(page).first).to_contain_text("Hello")
    expect(page.locator(".msg ruby")).to_have_count(0)
