"""The readings of the widget's 「やさしい にほんご・ふりがな」 switch in a real browser (Debian's
Chromium), against the real API and Rasa: readings appear over the kanji of every bot message,
old and new, built as <ruby> elements (a message's text is never parsed as HTML), and go away
when switched off. Its easy-Japanese texts: tests/e2e/test_widget_easy_japanese.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.browser import open_page
from tests.e2e.conftest import Stack
from tests.e2e.test_widget import EASY_SWITCH, ask, bot_messages, open_chat_with_keyboard

pytestmark = pytest.mark.e2e


@pytest.fixture
def page(browser: Browser, stack: Stack) -> Iterator[Page]:
    with open_page(browser, f"{stack.api_url}/") as widget_page:
        yield widget_page


def _readings(page: Page, index: int) -> list[list[str]]:
    """[[base, reading], …] of the ruby in the index-th bot message (-1: the last)."""
    return (
        bot_messages(page)
        .nth(index)
        .evaluate(
            "m => Array.from(m.querySelectorAll('ruby')).map("
            "r => [r.querySelector('rb').textContent, r.querySelector('rt').textContent])"
        )
    )


def test_furigana_switch_puts_readings_over_kanji(page: Page) -> None:
    open_chat_with_keyboard(page)
    welcome = bot_messages(page).first
    expect(welcome.locator("[lang='ja']")).to_have_count(1)
    expect(welcome.locator("ruby")).to_have_count(0)

    switch = page.get_by_role("switch", name=EASY_SWITCH)
    expect(switch).to_have_attribute("aria-checked", "false")
    switch.click()
    expect(switch).to_have_attribute("aria-checked", "true")
    expect(welcome.locator("ruby").first).to_be_visible()
    # The greeting is then shown again in easy Japanese, and its readings fetched anew: wait
    # for those, or the list may be read while the new greeting has none yet.
    expect(welcome).to_contain_text("しつもんを")
    expect(welcome.locator("rt", has_text="しやくしょ").first).to_be_attached()
    assert ["市役所", "しやくしょ"] in _readings(page, 0)  # the message already shown

    ask(page, "粗大ごみの出し方を教えてください")
    answer = bot_messages(page).last
    expect(answer).to_contain_text("粗大")
    expect(answer.locator("rt", has_text="そだい").first).to_be_attached()  # a new message
    assert ["粗大", "そだい"] in _readings(page, -1)
    # The text reads the same without its readings: nothing was lost or added.
    plain = answer.evaluate(
        "m => { const c = m.querySelector('.text').cloneNode(true);"
        " c.querySelectorAll('rt, rp').forEach(e => e.remove()); return c.textContent; }"
    )
    assert "粗大ごみ処理券" in plain
    # The citizen's own words keep no ruby and no assumed language.
    expect(page.locator(".msg.user ruby")).to_have_count(0)
    expect(page.locator(".msg.user [lang]")).to_have_count(0)

    page.reload()  # the choice is kept with the conversation
    expect(page.get_by_role("switch", name=EASY_SWITCH)).to_have_attribute("aria-checked", "true")
    expect(bot_messages(page).last.locator("ruby").first).to_be_attached()

    page.get_by_role("switch", name=EASY_SWITCH).click()
    expect(page.locator(".msg ruby")).to_have_count(0)
    # Numbers carry no readings, so the phone number of the answer is found whole.
    expect(bot_messages(page).last).to_contain_text("000-210-1240")


def test_a_message_with_markup_stays_text(page: Page, stack: Stack) -> None:
    """A staff reply is free text: with readings on, markup in it is shown, never run."""
    open_chat_with_keyboard(page)
    page.get_by_role("switch", name=EASY_SWITCH).click()
    ask(page, "粗大ごみの出し方を教えてください")
    # Numbers carry no readings, so the phone number of the answer is found whole.
    expect(bot_messages(page).last).to_contain_text("000-210-1240")
    # Pinned by position: `.last` would move to a message arriving later, and the markup
    # below would be given to one message and looked for in another.
    answer = bot_messages(page).nth(bot_messages(page).count() - 1)
    expect(answer.locator("ruby").first).to_be_attached()
    text = answer.locator(".text")
    # What a message with markup in it would give the readings (a staff reply is free text).
    text.evaluate("(el, t) => { el.__text = t; }", '<img src=x onerror="window.__hit=1">市役所')
    page.get_by_role("switch", name=EASY_SWITCH).click()
    page.get_by_role("switch", name=EASY_SWITCH).click()
    expect(text.locator("rt", has_text="しやくしょ")).to_be_attached()
    expect(text.locator("img")).to_have_count(0)
    expect(text).to_contain_text("<img src=x")  # shown as text
    assert page.evaluate("window.__hit") is None
