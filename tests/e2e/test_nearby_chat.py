"""「もう報告されていませんか？」 through the real bot: a street problem reported through Open311
at a point, then a citizen in the chat reports near it with a shared location and is offered
it; 「同じものです」 adds the report to that case instead of opening another."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.chat_session import open_chat_session
from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e
LAT, LON = 35.702345, 139.611234
_HEADERS: dict[str, dict[str, str]] = {}  # sender → its chat token header


def _open(stack: Stack) -> str:
    with httpx.Client(timeout=30) as client:
        sender, headers = open_chat_session(client, stack.api_url)
    _HEADERS[sender] = headers
    return sender


def _chat(stack: Stack, sender: str, message: str) -> list[dict]:
    response = httpx.post(
        f"{stack.api_url}/api/v1/chat",
        json={"sender": sender, "message": message},
        headers=_HEADERS[sender],
        timeout=60,
    )
    assert response.status_code == 200, response.text
    return response.json()


def _until_offer_or_number(stack: Stack, sender: str, answer: list[dict]) -> list[dict]:
    """Declines a contact and confirms the case when asked, until the bot offers or opens."""
    for _ in range(4):
        said = "\n".join(m.get("text") or "" for m in answer)
        if "同じものでしょうか" in said or "受付番号は" in said:
            return answer
        yes = [b for m in answer for b in m.get("buttons") or [] if b["title"] == "はい"]
        if yes:  # the confirmation of the whole case
            answer = _chat(stack, sender, yes[0]["payload"])
        elif "連絡先" in said:
            answer = _chat(stack, sender, "不要")
        else:
            break
    raise AssertionError(f"unexpected answer: {answer}")


def test_a_nearby_report_is_offered_and_linked(stack: Stack) -> None:
    key = httpx.post(
        f"{stack.api_url}/api/v1/open311/keys",
        json={"name": f"nearby-{uuid.uuid4().hex[:6]}"},
        headers=stack.admin_headers,
    ).json()["api_key"]
    existing = httpx.post(
        f"{stack.api_url}/open311/v2/requests.json",
        data={
            "api_key": key,
            "service_code": "streetlight",
            "lat": str(LAT),
            "long": str(LON + 0.0005),  # about 45 m east
            "description": "街灯が点滅しています。連絡先 090-1234-5678",
        },
    ).json()[0]["service_request_id"]

    def total() -> int:
        page = httpx.get(f"{stack.api_url}/api/v1/cases", headers=stack.admin_headers).json()
        return page["total"]

    before = total()
    sender = _open(stack)
    asked = _chat(stack, sender, "家の前の街灯が切れています")
    assert "場所" in asked[-1]["text"], asked
    shared = _chat(stack, sender, f'/share_location{{"latitude": {LAT}, "longitude": {LON}}}')
    offer = _until_offer_or_number(stack, sender, shared)
    text = "\n".join(m.get("text") or "" for m in offer)
    assert "同じものでしょうか" in text
    assert "街灯・防犯灯の故障（約50m、" in text or "街灯・防犯灯の故障（約40m、" in text
    assert "090-1234-5678" not in text and "点滅" not in text  # nothing another citizen wrote
    buttons = {b["title"]: b["payload"] for m in offer for b in m.get("buttons") or []}
    assert set(buttons) == {"同じものです", "別の件です"}

    linked = _chat(stack, sender, buttons["同じものです"])
    said = "\n".join(m.get("text") or "" for m in linked)
    assert f"受付番号 {existing}" in said
    case = httpx.get(f"{stack.api_url}/api/v1/cases/{existing}", headers=stack.admin_headers).json()
    assert case["events"][-1]["kind"] == "duplicate_reported"
    assert total() == before  # no new case
