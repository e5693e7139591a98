"""Staff see places in a real browser: the case's point with a map link, the open cases
nearby drawn relative to it, a duplicate link made from there, and the queue by area."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.orm import sessionmaker

from api.core.db import build_engine, unit_of_work
from api.staff.models import StaffRole
from api.staff.service import add_staff
from tests.e2e.browser import open_page
from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e
PASSWORD = "places-test-password-1"
LAT, LON = 35.70123, 139.60456
METRE_LAT = 1 / 111_195.0
METRE_LON = METRE_LAT / math.cos(math.radians(LAT))


def _report(stack: Stack, key: str, north: float, east: float, service: str, text: str) -> str:
    response = httpx.post(
        f"{stack.api_url}/open311/v2/requests.json",
        data={
            "api_key": key,
            "service_code": service,
            "lat": f"{LAT + north * METRE_LAT:.7f}",
            "long": f"{LON + east * METRE_LON:.7f}",
            "description": text,
        },
    )
    assert response.status_code == 201, response.text
    return response.json()[0]["service_request_id"]


@pytest.fixture(scope="module")
def reports(stack: Stack) -> dict[str, str]:
    issued = httpx.post(
        f"{stack.api_url}/api/v1/open311/keys",
        json={"name": "places-e2e"},
        headers=stack.admin_headers,
    )
    key = issued.json()["api_key"]
    return {
        "here": _report(stack, key, 0, 0, "road_damage", "歩道の段差が大きく危ない"),
        "north": _report(stack, key, 100, 0, "road_damage", "同じ歩道に穴がある"),
        "park": _report(stack, key, 0, 120, "park_equipment", "ベンチが壊れている"),
        "far": _report(stack, key, 2000, 0, "road_damage", "遠くの道路の穴"),
    }


@pytest.fixture(scope="module")
def account(stack: Stack) -> str:
    engine = build_engine(stack.database_url)
    with unit_of_work(sessionmaker(bind=engine)) as session:
        add_staff(session, "places-admin", PASSWORD, StaffRole.admin, [], actor="test")
    engine.dispose()
    return "places-admin"


@pytest.fixture
def console(browser: Browser, stack: Stack, account: str) -> Iterator[Page]:
    with open_page(browser, f"{stack.api_url}/console", {"width": 1280, "height": 900}) as page:
        page.get_by_label("ユーザー名").fill(account)
        page.get_by_label("パスワード").fill(PASSWORD)
        page.get_by_role("button", name="ログイン").click()
        expect(page.get_by_role("heading", name=re.compile("案件一覧"))).to_be_visible()
        yield page


def test_case_page_shows_the_place_and_links_a_duplicate(
    console: Page, reports: dict[str, str]
) -> None:
    console.goto(console.url.split("#")[0] + "#/cases/" + reports["here"])
    place = console.locator("#place")
    expect(place).to_contain_text(f"北緯 {LAT:.6f}、東経 {LON:.6f}")
    expect(place.get_by_role("link", name="地図で開く")).to_have_attribute(
        "href", f"https://maps.gsi.go.jp/#18/{LAT:.6f}/{LON:.6f}/"
    )
    # The two open cases within 250 m, drawn around this one (north is up), the far one not.
    drawing = place.get_by_role("img", name=re.compile("位置関係"))
    expect(drawing.locator("a")).to_have_count(2)
    north_dot = drawing.locator(f'a[href="#/cases/{reports["north"]}"] circle')
    park_dot = drawing.locator(f'a[href="#/cases/{reports["park"]}"] circle')
    centre = drawing.locator("circle.this")
    assert float(north_dot.get_attribute("cy")) < float(centre.get_attribute("cy"))
    assert float(park_dot.get_attribute("cx")) > float(centre.get_attribute("cx"))
    nearby = place.get_by_role("list", name="近くの未解決の案件")
    expect(nearby).to_contain_text(reports["north"])
    expect(nearby).to_contain_text("100 m・道路維持課")
    expect(nearby).to_contain_text("公園緑地課")
    expect(place).not_to_contain_text(reports["far"])

    nearby.get_by_role("listitem").filter(has_text=reports["north"]).get_by_role(
        "button", name="この案件と同じ（重複）"
    ).click()
    # This case is now the duplicate; the other is the original, where the work happens.
    place = console.locator("#place")
    expect(place).to_contain_text(f"この案件は {reports['north']} と同じ内容（重複）です")
    expect(console.get_by_role("list", name="対応履歴")).to_contain_text("重複の関連付け")
    console.goto(console.url.split("#")[0] + "#/cases/" + reports["north"])
    expect(console.locator("#place")).to_contain_text(f"同じ内容の案件: {reports['here']}")
    console.goto(console.url.split("#")[0] + "#/cases/" + reports["here"])
    console.locator("#place").get_by_role("button", name="関連付けを外す").click()
    expect(console.locator("#place").get_by_label("同じ内容の受付番号")).to_be_visible()


def test_queue_by_area(console: Page, reports: dict[str, str]) -> None:
    console.get_by_label("地点（緯度,経度）").fill(f"{LAT},{LON}")
    console.get_by_label("半径（m）").fill("150")
    console.get_by_role("button", name="地域で絞り込む").click()
    for name in ("here", "north", "park"):
        expect(console.get_by_role("row").filter(has_text=reports[name])).to_have_count(1)
    expect(console.get_by_role("row").filter(has_text=reports["far"])).to_have_count(0)
    expect(console.get_by_role("heading", name=re.compile("案件一覧"))).to_contain_text("3件")
