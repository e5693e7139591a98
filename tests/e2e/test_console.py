"""The staff console in a real browser, against the real API and Rasa: sign in, the queue, a
case page with the transcript, a reply that reaches the citizen's widget, a live handoff,
a transfer and a resolution the citizen can ask about."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from sqlalchemy.orm import sessionmaker

from api.cases.service import record_undelivered
from api.core.db import build_engine, unit_of_work
from api.staff.models import StaffRole
from api.staff.service import add_staff
from tests.e2e.browser import open_page
from tests.e2e.conftest import Stack, wait_knowledge_fresh
from tests.e2e.test_widget import (
    EASY_SWITCH,
    ask,
    bot_messages,
    open_chat_with_keyboard,
    report_broken_slide,
)

pytestmark = pytest.mark.e2e
PASSWORD = "console-test-password-1"


@pytest.fixture(scope="module")
def admin_account(stack: Stack) -> str:
    engine = build_engine(stack.database_url)
    with unit_of_work(sessionmaker(bind=engine)) as session:
        add_staff(session, "kato-admin", PASSWORD, StaffRole.admin, [], actor="test")
    engine.dispose()
    return "kato-admin"


@pytest.fixture
def citizen(browser: Browser, stack: Stack) -> Iterator[Page]:
    with open_page(browser, f"{stack.api_url}/") as page:
        yield page


@pytest.fixture
def console(browser: Browser, stack: Stack) -> Iterator[Page]:
    with open_page(browser, f"{stack.api_url}/console", {"width": 1280, "height": 900}) as page:
        yield page


def test_a_case_from_report_to_resolution(citizen: Page, console: Page, admin_account: str) -> None:
    number = report_broken_slide(citizen)

    # Sign in; the queue lists the case with its SLA clock.
    expect(console.get_by_role("heading", name="ログイン")).to_be_visible()
    console.get_by_label("ユーザー名").fill(admin_account)
    console.get_by_label("パスワード").fill(PASSWORD)
    console.get_by_role("button", name="ログイン").click()
    row = console.get_by_role("row").filter(has_text=number)
    expect(row).to_contain_text("公園緑地課")
    expect(row).to_contain_text("/ 8 時間")
    console.get_by_label("状態").select_option("resolved")
    expect(console.get_by_role("row").filter(has_text=number)).to_have_count(0)
    console.get_by_label("状態").select_option("")

    # The case page: what the bot collected and the whole conversation.
    console.get_by_role("link", name=number).click()
    expect(console.get_by_role("heading", name=re.compile(number))).to_be_visible()
    transcript = console.get_by_role("list", name="会話の記録")
    expect(transcript).to_contain_text("中央公園のすべり台が壊れていて危ないです")
    expect(transcript).to_contain_text(f"受付番号は {number} です")

    # A reply reaches the citizen's open widget.
    console.get_by_label("返信内容").fill("公園緑地課です。本日中に現地を確認します。")
    console.get_by_role("button", name="返信する").click()
    expect(citizen.locator(".msg.staff").last).to_contain_text("本日中に現地を確認します")

    # Live handoff: the citizen's message goes to the case, the bot stays silent.
    console.get_by_role("button", name="会話を引き継ぐ").click()
    expect(citizen.locator(".msg.staff").last).to_contain_text("担当の職員に代わりました")
    bot_count = bot_messages(citizen).count()
    ask(citizen, "すべり台の横のベンチも壊れています")
    history = console.get_by_role("list", name="対応履歴")
    console.reload()
    expect(history).to_contain_text("すべり台の横のベンチも壊れています")
    expect(bot_messages(citizen)).to_have_count(bot_count)
    console.get_by_role("button", name="自動応答に戻す").click()
    expect(citizen.locator(".msg.staff").last).to_contain_text("自動案内がお答えします")

    # Transfer with a reason: counted and shown.
    console.get_by_label("転送先").select_option(label="道路維持課")
    console.get_by_label("転送の理由").fill("園路ではなく歩道部分のため")
    console.get_by_role("button", name="転送する").click()
    expect(history).to_contain_text("公園緑地課 → 道路維持課（理由: 園路ではなく歩道部分のため）")
    expect(console.locator("dd").filter(has_text=re.compile(r"^1$"))).to_have_count(1)

    # Resolve with a message the citizen can hear by case number.
    console.get_by_label("新しい状態").select_option("resolved")
    console.get_by_label("市民へのお知らせ（解決にする場合は必須）").fill(
        "すべり台を修理しました。"
    )
    expect(
        console.get_by_label("解決にする場合、満足度アンケートをお願いする（案件ごとに1回）")
    ).to_be_checked()
    console.get_by_role("button", name="変更する").click()
    expect(history).to_contain_text("解決済み：すべり台を修理しました。")
    expect(history).to_contain_text("満足度アンケートを送信")
    # The widget shows the resolution and the survey's first question with its ratings.
    expect(citizen.locator(".msg.staff").last).to_contain_text("すべり台を修理しました。")
    expect(bot_messages(citizen).last).to_contain_text("アンケートにご協力ください")
    expect(bot_messages(citizen).last.get_by_role("button", name="5")).to_be_visible()
    ask(citizen, f"受付番号 {number} の状況は？")
    expect(bot_messages(citizen).last).to_contain_text("対応が完了しました")
    expect(bot_messages(citizen).last).to_contain_text("すべり台を修理しました。")


def test_administrator_edits_a_department(console: Page, admin_account: str, stack: Stack) -> None:
    sign_in(console, admin_account)
    console.get_by_role("link", name="担当課の設定").click()
    form = console.get_by_role("form", name="中央図書館（library）")
    form.get_by_label("初回対応の目標（営業時間）").fill("6")
    form.get_by_label("土曜の開庁時間（例 08:30-17:15、空欄は閉庁）").fill("09:00-17:00")
    form.get_by_role("button", name="保存").click()
    expect(console.get_by_role("status")).to_contain_text("中央図書館を保存しました。")
    library = next(
        d for d in httpx.get(f"{stack.api_url}/api/v1/departments").json() if d["code"] == "library"
    )
    assert library["first_response_target_hours"] == 6
    assert library["hours"]["saturday"] == "09:00-17:00"
    assert library["names"] == {"en": "Central Library"}  # what the form did not change

    # The English name English-speaking citizens are told; the 24-hour line is kept.
    disaster = console.get_by_role("form", name="危機管理課（disaster）")
    english_name = disaster.get_by_label("英語の名称（英語で話す市民への案内に使います）")
    expect(english_name).to_have_value("Crisis Management Division")
    english_name.fill("Disaster Management Office")
    disaster.get_by_role("button", name="保存").click()
    expect(console.get_by_role("status")).to_contain_text("危機管理課を保存しました。")
    saved = next(
        d
        for d in httpx.get(f"{stack.api_url}/api/v1/departments").json()
        if d["code"] == "disaster"
    )
    assert saved["names"] == {"en": "Disaster Management Office"}
    assert saved["emergency_phone"] == "000-210-0999"


def sign_in(console: Page, username: str) -> None:
    console.get_by_label("ユーザー名").fill(username)
    console.get_by_label("パスワード").fill(PASSWORD)
    console.get_by_role("button", name="ログイン").click()
    expect(console.get_by_role("heading", name=re.compile("案件一覧"))).to_be_visible()


def open_faq_editor(console: Page, department: str, faq_id: str) -> Locator:
    """The FAQ editor of `faq_id`, found through its department's list."""
    console.get_by_role("link", name="FAQの管理").click()
    console.get_by_label("担当課で絞り込み").select_option(label=department)
    console.get_by_role("button", name=f"{faq_id} を編集").click()
    return console.get_by_role("form", name=f"FAQ {faq_id} の編集")


def save_faq(console: Page, editor: Locator, stack: Stack) -> None:
    editor.get_by_role("button", name="保存").click()
    expect(console.get_by_role("status")).to_contain_text("保存しました")
    wait_knowledge_fresh(stack.api_url)  # built in the background, seconds after the save


def test_faq_edit_is_answered_without_retraining(
    citizen: Page, console: Page, admin_account: str, stack: Stack
) -> None:
    sign_in(console, admin_account)
    editor = open_faq_editor(console, "中央図書館", "M0099")
    editor.get_by_label("回答", exact=True).fill("本は1人20冊まで、3週間借りられます。（編集済み）")
    save_faq(console, editor, stack)

    open_chat_with_keyboard(citizen)
    ask(citizen, "図書館の本は何冊借りられますか")
    reply = bot_messages(citizen).last
    expect(reply).not_to_have_text(re.compile("^自動案内こんにちは"))
    # The shorter answer may make the bot ask which entry is meant; either way the citizen
    # reaches the edited text without any retraining.
    choice = reply.get_by_role("button", name="図書館の本は何冊借りられますか？予約はできますか？")
    if choice.count():
        choice.click()
    expect(bot_messages(citizen).last).to_have_text(
        re.compile(r"本は1人20冊まで、3週間借りられます。（編集済み）")
    )


def test_faq_english_text_is_edited_and_answers_english_questions(
    citizen: Page, console: Page, admin_account: str, stack: Stack
) -> None:
    sign_in(console, admin_account)
    editor = open_faq_editor(console, "市民課", "M0021")
    editor.get_by_label("質問（英語・任意）").fill("Where do I submit a marriage registration?")
    editor.get_by_label("回答（英語・任意）").fill(
        "Submit a marriage registration at the Citizens Division, any day. (edited)"
    )
    save_faq(console, editor, stack)

    open_chat_with_keyboard(citizen)
    ask(citizen, "Where can I hand in a marriage registration?")
    expect(bot_messages(citizen).last).to_have_text(
        re.compile(r"Submit a marriage registration at the Citizens Division, any day")
    )


def test_faq_easy_japanese_answer_is_edited_and_given_with_the_switch_on(
    citizen: Page, console: Page, admin_account: str, stack: Stack
) -> None:
    sign_in(console, admin_account)
    editor = open_faq_editor(console, "市民課", "M0021")
    editor.get_by_label("やさしい日本語の回答（任意）").fill(
        "婚姻届は、市民課に 出します。いつでも 出せます。（へんしゅう 000-210-1101）"
    )
    save_faq(console, editor, stack)

    open_chat_with_keyboard(citizen)
    citizen.get_by_role("switch", name=EASY_SWITCH).click()
    ask(citizen, "婚姻届はどこに出せばいいですか？")
    # Readings split the words; the phone number has none.
    expect(bot_messages(citizen).last).to_contain_text("000-210-1101）")
    expect(bot_messages(citizen).last).to_contain_text("へんしゅう")


def test_call_centre_registers_a_phone_call(console: Page, admin_account: str) -> None:
    sign_in(console, admin_account)
    form = console.get_by_role("form", name="電話で受け付けた案件を登録")
    form.get_by_label("種別").select_option("report")
    form.get_by_label("内容").fill("緑町3丁目の街灯が切れていると電話がありました")
    form.get_by_label("連絡先（任意）").fill("090-0000-2222")
    form.get_by_role("button", name="登録する").click()
    expect(console.get_by_role("heading", name=re.compile(r"案件 \d{4}-\d{6}"))).to_be_visible()
    details = console.locator("dl")
    expect(details).to_contain_text("電話")
    expect(details).to_contain_text("道路維持課")  # routed from what was said
    expect(console.get_by_text("会話の記録はありません（電話受付など）。")).to_be_visible()


def test_a_message_that_did_not_reach_the_citizen_is_shown(
    console: Page, admin_account: str, stack: Stack
) -> None:
    """A delivery the channel refused for good (the outbox notes it in the case's history)
    shows on the case page with its time."""
    sign_in(console, admin_account)
    form = console.get_by_role("form", name="電話で受け付けた案件を登録")
    form.get_by_label("種別").select_option("report")
    form.get_by_label("内容").fill("中央公園の水飲み場が壊れていると電話がありました")
    form.get_by_role("button", name="登録する").click()
    heading = console.get_by_role("heading", name=re.compile(r"案件 \d{4}-\d{6}"))
    expect(heading).to_be_visible()
    number = re.search(r"\d{4}-\d{6}", heading.inner_text())
    assert number is not None
    engine = build_engine(stack.database_url)
    with unit_of_work(sessionmaker(bind=engine)) as session:
        record_undelivered(session, number.group(0), "LINE HTTP 400")
    engine.dispose()
    console.reload()
    entry = console.get_by_role("list", name="対応履歴").get_by_role("listitem").last
    expect(entry).to_contain_text("お客様に届きませんでした")
    expect(entry).to_contain_text("LINE HTTP 400")
    expect(entry).to_contain_text(re.compile(r"\d{1,2}:\d{2}"))


def test_a_citizen_waiting_in_a_live_chat_is_announced_and_leads_the_queue(
    console: Page, stack: Stack, admin_account: str
) -> None:
    from datetime import datetime, timezone

    from api.cases.service import open_case
    from api.handoff import service as handoff
    from tests.api.cases.test_service import new_case, route_to_roads

    engine = build_engine(stack.database_url)
    with unit_of_work(sessionmaker(bind=engine)) as session:
        urgent, _ = open_case(
            session,
            new_case(sender_id="web:urgent-e2e", urgent=True),
            route=route_to_roads,
            actor="bot",
        )
        waiting, _ = open_case(
            session,
            new_case(sender_id="web:live-e2e", kind="human_request"),
            route=route_to_roads,
            actor="bot",
        )
        handoff.request_live_chat(session, waiting, datetime.now(timezone.utc))
        numbers = (urgent.case_number, waiting.case_number)
    engine.dispose()

    console.get_by_label("ユーザー名").fill(admin_account)
    console.get_by_label("パスワード").fill(PASSWORD)
    console.get_by_role("button", name="ログイン").click()
    alert = console.locator("#live-alert")
    expect(alert).to_contain_text("チャット待ち")
    first_row = console.get_by_role("row").nth(1)  # row 0 is the header
    expect(first_row).to_contain_text(numbers[1])
    expect(first_row).to_contain_text("チャット待ち")
    expect(console.get_by_role("row").filter(has_text=numbers[0])).to_contain_text("緊急")
    expect(console).to_have_title(re.compile(r"^（\d+）"))

    # Taking the chat ends the wait: the announcement goes with the next check.
    alert.get_by_role("link").click()
    expect(console.get_by_role("heading", name=re.compile(numbers[1]))).to_be_visible()
    console.get_by_role("button", name="会話を引き継ぐ").click()
    expect(console.get_by_role("button", name="自動応答に戻す")).to_be_visible()


def test_wrong_password_then_an_administrator_disables_an_account(
    console: Page, admin_account: str, stack: Stack
) -> None:
    engine = build_engine(stack.database_url)
    with unit_of_work(sessionmaker(bind=engine)) as session:
        add_staff(
            session, "mori-disabled", PASSWORD, StaffRole.department_staff, ["roads"], actor="t"
        )
    engine.dispose()
    token = httpx.post(
        f"{stack.api_url}/api/v1/auth/token",
        data={"username": "mori-disabled", "password": PASSWORD},
        timeout=30,
    ).json()["access_token"]
    ueda = {"Authorization": f"Bearer {token}"}

    console.get_by_label("ユーザー名").fill(admin_account)
    console.get_by_label("パスワード").fill("not-the-password")
    console.get_by_role("button", name="ログイン").click()
    expect(console.get_by_role("alert")).to_have_text("ユーザー名またはパスワードが違います。")
    sign_in(console, admin_account)

    console.get_by_role("link", name="職員アカウント").click()
    row = console.get_by_role("row").filter(has_text="mori-disabled")
    expect(row).to_contain_text("有効")
    row.get_by_role("button", name="無効にする").click()
    expect(console.get_by_role("status")).to_contain_text("mori-disabled を無効にしました。")
    expect(console.get_by_role("row").filter(has_text="mori-disabled")).to_contain_text("無効")
    me = httpx.get(f"{stack.api_url}/api/v1/auth/me", headers=ueda, timeout=30)
    assert me.status_code == 401  # the disabled account's token stopped at once
