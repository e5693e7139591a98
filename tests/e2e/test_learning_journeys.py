"""The bot learns from what citizens chose, through the real Rasa model and the real API: two
conversations that pick the same entry for a question the FAQ can only clarify teach it, and
the next citizen asking so gets that answer at once; a pick followed by 役に立たなかった does not
count. In the console, an administrator removes a wrong phrasing and the search stops using it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.orm import sessionmaker

from api.core.db import build_engine, unit_of_work
from api.faq.knowledge import KnowledgeCache
from api.faq.learning import import_phrasing
from api.staff.models import StaffRole
from api.staff.service import add_staff
from tests.e2e.browser import open_page
from tests.e2e.conftest import Stack, wait_knowledge_fresh
from tests.e2e.test_citizen_journeys import Citizen, demo_answers

pytestmark = pytest.mark.e2e
# Several entries are near it (粗大ごみ, 家電, 不法投棄): the bot asks which one is meant.
QUESTION = "カーペットを処分したい"
ENTRY = "M0001"  # 粗大ごみはどうやって出せばいいですか？
PASSWORD = "learning-test-password-1"


def choice(replies: list[dict], faq_id: str) -> str | None:
    """The payload of the button offering `faq_id`, if the bot offered it."""
    for message in replies:
        for button in message.get("buttons", []):
            payload = button["payload"]
            if payload.startswith("/choose_faq") and json.loads(payload[11:])["faq_id"] == faq_id:
                return payload
    return None


def picks(stack: Stack, question: str, faq_id: str) -> Citizen:
    """A new conversation asks `question`, is offered `faq_id` and picks it."""
    citizen = Citizen(stack)
    payload = choice(citizen.say(question), faq_id)
    assert payload is not None, f"{faq_id} was not offered for {question!r}"
    assert citizen.says_text(payload) == demo_answers()[faq_id]
    return citizen


def decision(stack: Stack, query: str) -> dict:
    response = httpx.post(f"{stack.api_url}/api/v1/faq/answer", json={"query": query}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def test_two_conversations_teach_the_bot_and_an_unhelpful_one_does_not(stack: Stack) -> None:
    assert decision(stack, QUESTION)["decision"] == "clarify"
    picks(stack, QUESTION, ENTRY)

    # Picks the entry, then says it did not help: not a confirmation.
    unhappy = picks(stack, QUESTION, ENTRY)
    assert unhappy.says_text("/feedback_not_helpful").startswith("お役に立てず申し訳ありません")
    assert choice(Citizen(stack).say(QUESTION), ENTRY) is not None  # still asked to choose

    picks(stack, QUESTION, ENTRY)  # the second conversation that agrees
    wait_knowledge_fresh(stack.api_url)  # built in the background, seconds at most
    # A new conversation asking the same way is answered directly, without retraining.
    reply = Citizen(stack).say(QUESTION)
    assert reply[0]["text"] == demo_answers()[ENTRY]
    assert [b["title"] for b in reply[0]["buttons"]] == ["役に立った", "役に立たなかった"]

    phrasings = httpx.get(
        f"{stack.api_url}/api/v1/faq/{ENTRY}/phrasings", headers=stack.admin_headers
    ).json()
    [learned] = [p for p in phrasings if p["text"] == QUESTION]
    assert (learned["source"], learned["state"], learned["confirmations"]) == (
        "chose",
        "active",
        2,
    )


# The console test's own wording and entry (税金の納め方), imported as a city would.
WRONG = "税金を払うのを忘れた"
WRONG_ENTRY = "M0023"


@pytest.fixture(scope="module")
def administrator(stack: Stack) -> str:
    engine = build_engine(stack.database_url)
    with unit_of_work(sessionmaker(bind=engine)) as session:
        add_staff(session, "faq-learning-admin", PASSWORD, StaffRole.admin, [], actor="test")
        index = KnowledgeCache().get(session).index
        import_phrasing(session, index, faq_id=WRONG_ENTRY, question=WRONG)
    engine.dispose()
    return "faq-learning-admin"


@pytest.fixture
def console(browser: Browser, stack: Stack) -> Iterator[Page]:
    with open_page(browser, f"{stack.api_url}/console", {"width": 1280, "height": 900}) as page:
        yield page


def test_an_administrator_removes_a_wrong_phrasing_in_the_console(
    stack: Stack, console: Page, administrator: str
) -> None:
    wait_knowledge_fresh(stack.api_url)  # the imported phrasing is built in
    assert decision(stack, WRONG) == {"decision": "answer", "faq_ids": [WRONG_ENTRY]}

    console.get_by_label("ユーザー名").fill(administrator)
    console.get_by_label("パスワード").fill(PASSWORD)
    console.get_by_role("button", name="ログイン").click()
    console.get_by_role("link", name="FAQの管理").click()
    console.get_by_role("button", name=f"{WRONG_ENTRY} を編集").click()
    learned = console.get_by_role("region", name="学習した言い換え")
    row = learned.get_by_role("row").filter(has_text=WRONG)
    expect(row).to_contain_text("取り込み")
    expect(row).to_contain_text("使用中")

    console.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name=f"「{WRONG}」を削除").click()
    expect(console.get_by_role("status")).to_contain_text("言い換えを削除しました")
    expect(learned.get_by_role("row").filter(has_text=WRONG)).to_contain_text("削除済み")
    expect(learned.get_by_role("button", name=f"「{WRONG}」を削除")).to_have_count(0)

    # The search stops using it once the knowledge is rebuilt (in the background).
    wait_knowledge_fresh(stack.api_url)
    assert decision(stack, WRONG)["decision"] == "clarify"
