"""The website chat widget in a real browser (Debian's Chromium driven by Playwright), against
the real API and Rasa: ask, get an answer, tap a clarify choice, survive a reload and a network
drop, and receive a staff reply without reloading."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.conftest import REPO_ROOT
from tests.e2e.browser import TIMEOUT_MS, open_page
from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e


@pytest.fixture
def page(browser: Browser, stack: Stack) -> Iterator[Page]:
    with open_page(browser, f"{stack.api_url}/") as widget_page:
        yield widget_page


# The switch to やさしい日本語 with readings over kanji (its label in every locale).
EASY_SWITCH = "やさしい にほんご・ふりがな"


def faq_answers_by_question() -> dict[str, str]:
    with (REPO_ROOT / "demo_city" / "faq.csv").open(encoding="utf-8") as handle:
        return {row["question"]: row["answer"] for row in csv.DictReader(handle)}


def open_chat_with_keyboard(page: Page) -> None:
    launcher = page.get_by_role("button", name="チャットで質問する")
    launcher.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog", name="市役所 チャット案内")).to_be_visible()
    expect(page.get_by_label("メッセージ")).to_be_focused()


def ask(page: Page, text: str) -> None:
    page.get_by_label("メッセージ").fill(text)
    page.keyboard.press("Enter")


def bot_messages(page: Page) -> Locator:
    return page.locator(".msg.bot")


def test_ask_answer_clarify_reload(page: Page) -> None:
    open_chat_with_keyboard(page)
    ask(page, "粗大ごみの出し方を教えてください")
    expect(bot_messages(page).last).to_contain_text("粗大ごみ処理券")

    ask(page, "ごみ")
    expect(bot_messages(page).last).to_contain_text("以下のいずれについて知りたいですか")
    choices = bot_messages(page).last.get_by_role("group", name="選択肢").get_by_role("button")
    expect(page.get_by_role("group", name="選択肢")).to_have_count(1)  # older buttons are gone
    title = choices.first.inner_text()
    answers = faq_answers_by_question()
    assert title in answers
    choices.first.click()
    expect(page.locator(".msg.user").last).to_have_text(re.compile(re.escape(title)))
    expect(bot_messages(page).last).to_contain_text(answers[title].splitlines()[0][:30])

    sender = page.evaluate("JSON.parse(sessionStorage.getItem('madoguchi.sender'))")
    count = page.locator(".msg").count()
    page.reload()
    expect(page.get_by_role("dialog")).to_be_visible()  # stays open across the reload
    expect(page.locator(".msg")).to_have_count(count)
    assert page.evaluate("JSON.parse(sessionStorage.getItem('madoguchi.sender'))") == sender
    # The server issued the conversation; its token is kept with it (never the sender itself).
    assert re.fullmatch(r"web:[0-9a-f]{32}", sender)
    token = page.evaluate("JSON.parse(sessionStorage.getItem('madoguchi.token'))")
    assert token and token not in sender


def test_message_typed_during_a_network_drop_is_sent_when_back(page: Page) -> None:
    open_chat_with_keyboard(page)
    page.context.set_offline(True)
    ask(page, "住民票の写しはどこで取れますか")
    expect(page.get_by_role("status")).to_contain_text("接続が切れました")
    page.context.set_offline(False)
    expect(bot_messages(page).last).to_contain_text("住民票", timeout=TIMEOUT_MS)
    expect(page.locator(".msg.user")).to_have_count(1)  # sent once, not duplicated


def report_broken_slide(page: Page) -> str:
    """Reports a broken slide through the widget, declines contact; returns the case number."""
    open_chat_with_keyboard(page)
    ask(page, "中央公園のすべり台が壊れていて危ないです")
    expect(bot_messages(page).last).to_contain_text("連絡先")
    ask(page, "不要")
    expect(bot_messages(page).last).to_contain_text("よろしいですか")
    bot_messages(page).last.get_by_role("button", name="はい").click()
    expect(bot_messages(page).last).to_contain_text("受付番号は")
    return re.search(r"\d{4}-\d{6}", bot_messages(page).last.inner_text()).group(0)


def test_staff_reply_arrives_in_the_open_widget(page: Page, stack: Stack) -> None:
    number = report_broken_slide(page)

    reply = httpx.post(
        f"{stack.api_url}/api/v1/cases/{number}/replies",
        json={"body": "公園緑地課です。本日すべり台を使用禁止にしました。"},
        headers=stack.admin_headers,
        timeout=30,
    )
    assert reply.status_code == 200, reply.text
    staff = page.locator(".msg.staff")
    expect(staff).to_contain_text("本日すべり台を使用禁止にしました")
    expect(staff).to_contain_text("市の職員")


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _rgb(css: str) -> tuple[int, int, int]:
    r, g, b = (int(v) for v in re.findall(r"\d+", css)[:3])
    return r, g, b


def contrast(foreground: str, background: str) -> float:
    lighter, darker = sorted((_luminance(_rgb(foreground)), _luminance(_rgb(background))))[::-1]
    return (lighter + 0.05) / (darker + 0.05)


def test_accessibility_basics_and_phone_screen(browser: Browser, stack: Stack) -> None:
    with open_page(browser, f"{stack.api_url}/", {"width": 375, "height": 667}) as page:
        check_phone_screen(page)


def check_phone_screen(page: Page) -> None:
    open_chat_with_keyboard(page)
    ask(page, "ごみ")
    expect(page.get_by_role("group", name="選択肢")).to_be_visible()

    box = page.get_by_role("dialog").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375 and box["y"] >= 0
    expect(page.get_by_role("log", name="会話")).to_be_visible()

    # Text and its background, for every kind of element in the widget: WCAG 2.1 AA, 4.5:1.
    selectors = [".msg.bot", ".msg.user", ".who", ".choice", ".send", ".status", "header"]
    pairs = page.evaluate(
        """(selectors) => {
          const root = document.getElementById("madoguchi-widget").shadowRoot;
          return selectors.map((sel) => {
            const style = getComputedStyle(root.querySelector(sel));
            return [sel, style.color, style.backgroundColor];
          });
        }""",
        [*selectors, "textarea"],
    )
    for selector, color, background in pairs:
        if background in ("rgba(0, 0, 0, 0)", "transparent"):  # drawn on a white surface
            background = "rgb(255, 255, 255)"
        assert contrast(color, background) >= 4.5, (selector, color, background)

    # Keyboard: Tab reaches a clarify choice, and it has a visible focus outline.
    choice = page.get_by_role("group", name="選択肢").get_by_role("button").first
    choice.focus()
    outline = choice.evaluate(
        "el => getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).outlineWidth"
    )
    assert outline.startswith("solid") and not outline.endswith(" 0px")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(page.get_by_role("button", name="チャットで質問する")).to_be_focused()


def test_an_answer_that_did_not_help_offers_an_inquiry(page: Page) -> None:
    open_chat_with_keyboard(page)
    ask(page, "粗大ごみの出し方を教えてください")
    answer = bot_messages(page).last
    expect(answer).to_contain_text("粗大ごみ処理券")
    answer.get_by_role("button", name="役に立たなかった").click()
    offer = bot_messages(page).last
    expect(offer).to_contain_text("お役に立てず申し訳ありません")
    offer.get_by_role("button", name="はい、問い合わせる").click()
    expect(bot_messages(page).last).to_contain_text("連絡先")
    ask(page, "不要です")
    expect(bot_messages(page).last).to_contain_text("よろしいですか")
    ask(page, "はい")
    expect(bot_messages(page).last).to_contain_text("問い合わせとして受け付けました")
