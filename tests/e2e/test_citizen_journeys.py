"""A citizen talks to the real bot through /api/v1/chat; cases land in the database."""

from __future__ import annotations

import csv
import re

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.chat_session import open_chat_session
from tests.conftest import REPO_ROOT
from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e
CASE_NUMBER = re.compile(r"\d{4}-\d{6}")


def demo_answers() -> dict[str, str]:
    with (REPO_ROOT / "demo_city" / "faq.csv").open(encoding="utf-8") as handle:
        return {row["id"]: row["answer"] for row in csv.DictReader(handle)}


class Citizen:
    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        with httpx.Client(timeout=30) as client:
            self.sender, self.headers = open_chat_session(client, stack.api_url)

    def say(self, message: str) -> list[dict]:
        response = httpx.post(
            f"{self.stack.api_url}/api/v1/chat",
            json={"sender": self.sender, "message": message},
            headers=self.headers,
            timeout=60,
        )
        assert response.status_code == 200, response.text
        return response.json()

    def says_text(self, message: str) -> str:
        return "\n".join(m.get("text", "") for m in self.say(message))


def test_greeting_and_faq_answer(stack: Stack) -> None:
    citizen = Citizen(stack)
    assert "みどり野市" in citizen.says_text("こんにちは")
    reply = citizen.says_text("粗大ごみの出し方を教えてください")
    assert reply in demo_answers().values()
    assert "粗大ごみ" in reply


def test_report_becomes_a_case_for_the_road_department(stack: Stack) -> None:
    citizen = Citizen(stack)
    first = citizen.says_text("緑町3丁目の交差点の道路に大きな穴があいています")
    assert "連絡先" in first  # the place was in the report, so the bot asks for a contact
    summary = citizen.says_text("090-1234-5678")
    assert "よろしいですか" in summary and "090-1234-5678" in summary
    reply = citizen.says_text("はい")
    number = CASE_NUMBER.search(reply).group(0)
    assert f"受付番号は {number} です" in reply and "道路維持課" in reply

    cases = httpx.get(
        f"{stack.api_url}/api/v1/cases", headers=stack.admin_headers, params={"department": "roads"}
    ).json()
    listed = {c["case_number"]: c for c in cases["items"]}
    assert listed[number]["department"] == "roads"
    assert listed[number]["kind"] == "report"

    engine = create_engine(stack.database_url)
    with engine.connect() as connection:
        row = connection.execute(
            text(
                "SELECT department_code, channel, sender_id, location"
                " FROM cases WHERE case_number = :n"
            ),
            {"n": number},
        ).one()
    engine.dispose()
    assert row.department_code == "roads" and row.channel == "web"
    assert row.sender_id == citizen.sender and "緑町3丁目" in row.location

    transcript = httpx.get(
        f"{stack.api_url}/api/v1/cases/{number}/transcript", headers=stack.admin_headers
    ).json()
    said = [(line["speaker"], line["text"]) for line in transcript]
    assert ("citizen", "緑町3丁目の交差点の道路に大きな穴があいています") in said
    assert said[-1][0] == "bot" and f"受付番号は {number} です" in said[-1][1]

    status = citizen.says_text(f"受付番号 {number} の状況は？")
    assert number in status and "受付済み" in status

    # The API logs each message, masked: the phone number never reaches the log.
    log = stack.api_log.read_text(encoding="utf-8")
    assert "［電話番号］" in log
    assert "090-1234-5678" not in log and "09012345678" not in log


def test_asking_for_a_person_opens_a_case_without_contact(stack: Stack) -> None:
    citizen = Citizen(stack)
    assert "ご用件" in citizen.says_text("職員と話したい")
    asked = citizen.says_text("国民健康保険の保険料の支払いが難しくて相談したいです")
    assert "お電話番号" in asked or "よろしいですか" in asked  # call back, or a live chat
    if "お電話番号" in asked:
        assert "よろしいですか" in citizen.says_text("不要")
    reply = citizen.says_text("はい")
    number = CASE_NUMBER.search(reply).group(0)
    case = httpx.get(f"{stack.api_url}/api/v1/cases/{number}", headers=stack.admin_headers).json()
    assert case["kind"] == "human_request"
    assert case["contact"] is None
    assert case["department"] == "insurance"


def test_unknown_question_offers_a_case(stack: Stack) -> None:
    citizen = Citizen(stack)
    offer = citizen.say("市役所の屋上でバーベキューをしてもいいですか")
    assert any(b["payload"] == "/request_inquiry" for m in offer for b in m.get("buttons", []))
    assert "連絡先" in citizen.says_text("/request_inquiry")
    assert "よろしいですか" in citizen.says_text("不要です")
    reply = citizen.says_text("はい")
    assert CASE_NUMBER.search(reply)


@pytest.mark.parametrize("message", ["🙂🙂🙂", "Hello, where is the city hall?", "ｱｲｳ", "?"])
def test_odd_input_gets_a_polite_answer(stack: Stack, message: str) -> None:
    replies = Citizen(stack).say(message)
    assert replies and all(m.get("text") for m in replies)
