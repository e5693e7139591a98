"""The dashboard in a real browser, against the real API: the Golden Week scenario
(tests/api/metrics/scenario.py) written into the running stack's database, shown as the five
criteria, activity tiles and charts, the same figures as the API's document; an administrator
turns an unanswered question into an FAQ entry in two clicks; department staff see only their
departments."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.orm import Session

from api.cases import service as cases
from api.core.db import build_engine
from api.staff.models import StaffRole
from api.staff.service import add_staff
from tests.api.metrics.scenario import Clock, build
from tests.e2e.browser import open_page
from tests.e2e.conftest import Stack, wait_knowledge_fresh

pytestmark = pytest.mark.e2e
PASSWORD = "dashboard-test-password-1"
PERIOD = "from=2026-04-27&to=2026-05-10"


@pytest.fixture(scope="module")
def golden_week(stack: Stack) -> Iterator[None]:
    engine = build_engine(stack.database_url)
    with pytest.MonkeyPatch.context() as patch, Session(engine) as session:
        clock = Clock()
        patch.setattr(cases, "utcnow", clock)
        build(session, clock)
        add_staff(session, "mori-admin", PASSWORD, StaffRole.admin, [], actor="test")
        add_staff(
            session, "ueda-roads", PASSWORD, StaffRole.department_staff, ["roads"], actor="test"
        )
        session.commit()
    engine.dispose()
    yield


def sign_in(browser: Browser, stack: Stack, username: str) -> Iterator[Page]:
    with open_page(browser, f"{stack.api_url}/console", {"width": 1280, "height": 900}) as page:
        page.get_by_label("ユーザー名").fill(username)
        page.get_by_label("パスワード").fill(PASSWORD)
        page.get_by_role("button", name="ログイン").click()
        expect(page.get_by_role("link", name="ダッシュボード")).to_be_visible()
        yield page


@pytest.fixture
def admin(browser: Browser, stack: Stack, golden_week: None) -> Iterator[Page]:
    yield from sign_in(browser, stack, "mori-admin")


@pytest.fixture
def road_staff(browser: Browser, stack: Stack, golden_week: None) -> Iterator[Page]:
    yield from sign_in(browser, stack, "ueda-roads")


def percent(figure: dict) -> str:
    return f"{figure['value'] * 100:.1f}%"


def test_dashboard_shows_the_documents_figures(admin: Page, stack: Stack) -> None:
    document = httpx.get(
        f"{stack.api_url}/api/v1/metrics?{PERIOD}", headers=stack.admin_headers
    ).json()
    admin.goto(f"{stack.api_url}/console#/dashboard?{PERIOD}")
    expect(admin.get_by_role("heading", name="5つの評価軸")).to_be_visible()

    for name in ("安心", "信頼", "親切", "迅速", "確実"):
        expect(admin.get_by_role("heading", name=name, exact=True)).to_be_visible()
    helpful = admin.locator('[data-figure="kakujitsu.helpful_answer_rate"]')
    expect(helpful).to_have_text("50.0% 1 / 2")
    criteria = document["criteria"]
    expect(admin.locator('[data-figure="anshin.out_of_hours_acknowledged_rate"]')).to_have_text(
        f"{percent(criteria['anshin']['out_of_hours_acknowledged_rate'])} 4 / 5"
    )
    expect(admin.locator('[data-figure="shinsetsu.bot_rating_mean"]')).to_have_text("3.00 / 5 2 件")
    expect(admin.locator('[data-figure="jinsoku.resolution_hours_median"]')).to_have_text(
        f"{criteria['jinsoku']['resolution_hours_median']['value']:.1f} 時間 3 件"
    )
    expect(admin.locator('[data-figure="activity.questions"]')).to_contain_text("6")
    expect(admin.locator('[data-figure="activity.answer_rate"]')).to_contain_text("33.3%")
    expect(admin.locator('[data-figure="activity.transfers_per_case"]')).to_contain_text("0.17 回")

    weekly = admin.get_by_role("figure").filter(has_text="週ごとの推移")
    expect(weekly.get_by_role("img")).to_be_visible()
    expect(weekly.locator("svg rect.bar-0")).to_have_count(2)  # two weeks
    weekly.get_by_text("表で見る").click()
    # Week of 4/27: 4 questions, 2 answered by the bot, 4 cases.
    expect(weekly.get_by_role("row", name="04/27〜").get_by_role("cell")).to_have_text(
        ["4", "2", "4"]
    )
    departments = admin.get_by_role("figure").filter(has_text="担当課ごとの案件")
    expect(departments.locator("svg")).to_contain_text("道路維持課")
    channels = admin.get_by_role("figure").filter(has_text="窓口（チャネル）ごと")
    expect(channels.locator("svg")).to_contain_text("LINE")
    tatewari = admin.get_by_role("region", name="縦割りの見える化")
    expect(tatewari).to_contain_text("緑町の道路に穴があいています（2件）")


def test_an_unanswered_question_becomes_an_faq_entry_in_two_clicks(
    admin: Page, stack: Stack
) -> None:
    admin.goto(f"{stack.api_url}/console#/dashboard?{PERIOD}")
    suggestions = admin.get_by_role(
        "region", name="自動応答で答えられなかった質問（FAQ追加の候補）"
    )
    first = suggestions.get_by_role("listitem").filter(has_text="公園の遊具が壊れていて危ないです")
    expect(first.first).to_contain_text("2件")
    first.first.get_by_role("link", name="このFAQを作成").click()  # click 1
    expect(admin.get_by_label("質問", exact=True)).to_have_value("公園の遊具が壊れていて危ないです")
    expect(admin.get_by_label("回答", exact=True)).to_be_focused()
    admin.get_by_label("回答", exact=True).fill("公園の遊具の破損は公園緑地課にご連絡ください。")
    admin.get_by_role("button", name="保存").click()  # click 2
    expect(admin.get_by_text("保存しました")).to_be_visible()
    wait_knowledge_fresh(stack.api_url)  # built in the background, seconds after the save
    found = httpx.post(
        f"{stack.api_url}/api/v1/faq/search",
        json={"query": "公園の遊具が壊れていて危ないです", "top": 1},
    ).json()
    assert found[0]["question"] == "公園の遊具が壊れていて危ないです"
    # The other browser tests share this stack: take the new entry out again.
    deleted = httpx.delete(
        f"{stack.api_url}/api/v1/faq/{found[0]['faq_id']}", headers=stack.admin_headers
    )
    assert deleted.status_code == 204


def test_department_staff_see_their_own_department(road_staff: Page, stack: Stack) -> None:
    road_staff.goto(f"{stack.api_url}/console#/dashboard?{PERIOD}")
    expect(road_staff.get_by_role("heading", name="5つの評価軸")).to_be_visible()
    options = road_staff.get_by_label("担当課").locator("option")
    expect(options).to_have_text(["担当のすべての課", "道路維持課"])
    expect(road_staff.locator('[data-figure="activity.cases_opened"]')).to_contain_text("3")
    expect(
        road_staff.get_by_role("region", name="自動応答で答えられなかった質問（FAQ追加の候補）")
    ).to_have_count(0)
