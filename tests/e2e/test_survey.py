"""The satisfaction survey in a real browser (Debian's Chromium driven by Playwright), against
the real API and Rasa: staff resolve a case reported through the widget, the open widget shows
the resolution and the first question with its rating buttons (over the event stream), the
citizen taps 4, then 5, writes a comment, and the survey holds what they chose."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import create_engine, text

from tests.e2e.browser import open_page
from tests.e2e.conftest import Stack
from tests.e2e.test_widget import ask, bot_messages, report_broken_slide

pytestmark = pytest.mark.e2e


@pytest.fixture
def page(browser: Browser, stack: Stack) -> Iterator[Page]:
    with open_page(browser, f"{stack.api_url}/") as widget_page:
        yield widget_page


def test_survey_after_resolution_in_the_widget(page: Page, stack: Stack) -> None:
    number = report_broken_slide(page)
    resolved = httpx.post(
        f"{stack.api_url}/api/v1/cases/{number}/status",
        json={"status": "resolved", "message": "公園緑地課です。すべり台を修理しました。"},
        headers=stack.admin_headers,
        timeout=30,
    )
    assert resolved.status_code == 200, resolved.text

    expect(page.locator(".msg.staff").last).to_contain_text("すべり台を修理しました。")
    question = bot_messages(page).last
    expect(question).to_contain_text(f"受付番号 {number} のお問い合わせへの対応を完了しました")
    expect(question).to_contain_text("1問目")
    choices = question.get_by_role("group", name="選択肢").get_by_role("button")
    expect(choices).to_have_text(["5", "4", "3", "2", "1", "回答しない"])

    # A reload keeps the question and its buttons (and does not bring it twice).
    page.reload()
    expect(page.locator(".msg", has_text="1問目")).to_have_count(1)
    question = bot_messages(page).last
    question.get_by_role("button", name="4", exact=True).click()
    expect(page.locator(".msg.user").last).to_have_text("あなた4")

    staff_question = bot_messages(page).last
    expect(staff_question).to_contain_text("2問目：市の職員の対応はいかがでしたか？")
    staff_question.get_by_role("button", name="5", exact=True).click()

    comment_question = bot_messages(page).last
    expect(comment_question).to_contain_text("3問目")
    expect(comment_question.get_by_role("button", name="なし")).to_be_visible()
    ask(page, "すぐに直していただき助かりました。")
    expect(bot_messages(page).last).to_contain_text("ご意見ありがとうございました")
    expect(page.get_by_role("group", name="選択肢")).to_have_count(0)

    engine = create_engine(stack.database_url)
    with engine.connect() as connection:
        row = connection.execute(
            text(
                "SELECT s.step, s.bot_rating, s.staff_rating, s.comment FROM case_surveys s"
                " JOIN cases c ON c.id = s.case_id WHERE c.case_number = :n"
            ),
            {"n": number},
        ).one()
    engine.dispose()
    assert (row.step, row.bot_rating, row.staff_rating) == ("done", 4, 5)
    assert row.comment == "すぐに直していただき助かりました。"
