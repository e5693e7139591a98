"""The widget's 現在地を送る: the browser is asked for the position only after the tap, and
the point reaches the real bot as /share_location{...}, becoming the case's point."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.browser import TIMEOUT_MS
from tests.e2e.conftest import Stack
from tests.e2e.test_widget import ask, bot_messages, open_chat_with_keyboard

pytestmark = pytest.mark.e2e
HERE = {"latitude": 35.690123, "longitude": 139.700456}
# Counts the page's requests for the position (the browser's own prompt is not visible to a
# test; the call that would raise it is).
COUNT_REQUESTS = """
(() => {
  const original = navigator.geolocation.getCurrentPosition.bind(navigator.geolocation);
  window.positionRequests = 0;
  navigator.geolocation.getCurrentPosition = (...args) => {
    window.positionRequests += 1;
    return original(...args);
  };
})();
"""


def _page(browser: Browser, stack: Stack, *, allowed: bool) -> Iterator[Page]:
    context = browser.new_context(
        locale="ja-JP",
        geolocation=HERE,
        permissions=["geolocation"] if allowed else [],
    )
    try:
        context.add_init_script(COUNT_REQUESTS)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(f"{stack.api_url}/")
        yield page
    finally:
        context.close()


@pytest.fixture
def allowed(browser: Browser, stack: Stack) -> Iterator[Page]:
    yield from _page(browser, stack, allowed=True)


@pytest.fixture
def refused(browser: Browser, stack: Stack) -> Iterator[Page]:
    yield from _page(browser, stack, allowed=False)


def _finish(page: Page) -> str:
    """Declines a contact and confirms if asked; returns the case number."""
    expect(bot_messages(page).last).to_contain_text("連絡先")
    ask(page, "不要")
    last = bot_messages(page).last
    expect(last).to_contain_text(re.compile("受付番号は|よろしいですか|この内容"))
    if "受付番号は" not in last.inner_text():
        last.get_by_role("button").first.click()
        expect(bot_messages(page).last).to_contain_text("受付番号は")
    return re.search(r"\d{4}-\d{6}", bot_messages(page).last.inner_text()).group(0)


def test_current_location_becomes_the_case_point(allowed: Page, stack: Stack) -> None:
    open_chat_with_keyboard(allowed)
    ask(allowed, "街灯が切れています")
    expect(bot_messages(allowed).last).to_contain_text("場所")
    assert allowed.evaluate("window.positionRequests") == 0  # not before the tap

    allowed.get_by_role("button", name="現在地を送る").click()
    expect(allowed.locator(".msg.user").last).to_contain_text("現在地を送りました")
    assert allowed.evaluate("window.positionRequests") == 1
    number = _finish(allowed)

    case = httpx.get(f"{stack.api_url}/api/v1/cases/{number}", headers=stack.admin_headers).json()
    assert (case["latitude"], case["longitude"]) == (HERE["latitude"], HERE["longitude"])


def test_a_refused_permission_asks_for_the_place_in_words(refused: Page) -> None:
    open_chat_with_keyboard(refused)
    refused.get_by_role("button", name="現在地を送る").click()
    expect(refused.get_by_role("status")).to_contain_text("位置情報の利用が許可されませんでした")
    expect(refused.locator(".msg.user")).to_have_count(0)  # nothing was sent
