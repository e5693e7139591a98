"""Every page checked by axe-core (the engine inside axe-playwright-python's wheel) in Debian's
Chromium, against the real API and Rasa: the widget with a conversation in it (answers, choice
buttons, readings over kanji) and the staff console's pages. JIS X 8341-3:2016 level AA is
WCAG 2.0 AA; the WCAG 2.1 A/AA rules are checked as well."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.orm import sessionmaker

from api.core.db import build_engine, unit_of_work
from api.staff.models import StaffRole
from api.staff.service import add_staff
from tests.e2e.browser import open_page
from tests.e2e.conftest import Stack
from tests.e2e.test_widget import EASY_SWITCH, ask, bot_messages, open_chat_with_keyboard

pytestmark = pytest.mark.e2e
PASSWORD = "axe-test-password-1"
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def assert_no_violations(page: Page) -> None:
    results = Axe().run(page, options={**RULES, "resultTypes": ["violations"]})
    assert results.violations_count == 0, results.generate_report()


@pytest.fixture(scope="module")
def staff_account(stack: Stack) -> str:
    engine = build_engine(stack.database_url)
    with unit_of_work(sessionmaker(bind=engine)) as session:
        add_staff(session, "axe-admin", PASSWORD, StaffRole.admin, [], actor="test")
    engine.dispose()
    return "axe-admin"


@pytest.fixture
def console(browser: Browser, stack: Stack) -> Iterator[Page]:
    with open_page(browser, f"{stack.api_url}/console", {"width": 1280, "height": 900}) as page:
        yield page


def test_the_widget_in_a_conversation(browser: Browser, stack: Stack) -> None:
    with open_page(browser, f"{stack.api_url}/") as page:
        assert_no_violations(page)  # the city's page with the closed launcher
        open_chat_with_keyboard(page)
        ask(page, "粗大ごみの出し方を教えてください")
        expect(bot_messages(page).last).to_contain_text("粗大")
        ask(page, "ごみ")
        expect(page.get_by_role("group", name="選択肢").last).to_be_visible()
        assert_no_violations(page)
        page.get_by_role("switch", name=EASY_SWITCH).click()
        expect(bot_messages(page).last.locator("ruby").first).to_be_attached()
        assert_no_violations(page)


def test_the_widget_on_a_phone_screen(browser: Browser, stack: Stack) -> None:
    with open_page(browser, f"{stack.api_url}/", {"width": 375, "height": 667}) as page:
        open_chat_with_keyboard(page)
        ask(page, "ごみ")
        expect(page.get_by_role("group", name="選択肢").last).to_be_visible()
        assert_no_violations(page)


def test_the_console_pages(console: Page, stack: Stack, staff_account: str) -> None:
    assert_no_violations(console)  # sign-in
    console.get_by_label("ユーザー名").fill(staff_account)
    console.get_by_label("パスワード").fill(PASSWORD)
    console.get_by_role("button", name="ログイン").click()
    expect(console.get_by_role("heading", name=re.compile("案件一覧"))).to_be_visible()
    assert_no_violations(console)  # the queue, with its phone-call form
    form = console.get_by_role("form", name="電話で受け付けた案件を登録")
    form.get_by_label("種別").select_option("report")
    form.get_by_label("内容").fill("緑町3丁目の街灯が切れていると電話がありました")
    form.get_by_role("button", name="登録する").click()
    expect(console.get_by_role("heading", name=re.compile(r"案件 \d{4}-\d{6}"))).to_be_visible()
    assert_no_violations(console)  # a case page
    for route, heading in (
        ("#/dashboard", "ダッシュボード"),
        ("#/admin/faq", "FAQの管理"),
        ("#/admin/departments", "担当課の設定"),
        ("#/admin/staff", "職員アカウント"),
    ):
        console.goto(f"{stack.api_url}/console{route}")
        expect(console.get_by_role("heading", name=re.compile(heading)).first).to_be_visible()
        assert_no_violations(console)
