"""Through the real Rasa server: the entities the API found in a citizen's message reach the
tracker that Rasa sends to the action server, sealed, so that the action (often in another API
worker) does not run the pipeline again."""

from __future__ import annotations

from urllib.parse import quote

import httpx
import pytest

from api.nlp.carried import carried
from api.nlp.entities import extract
from tests.chat_session import open_chat_session
from tests.conftest import ADMIN_TOKEN
from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e
RASA_AUTH_TOKEN = "e2e-rasa-token-5b0c9e"  # the stack's (tests/e2e/conftest.py)
MESSAGE = "田中花子です。緑町3丁目の道路に大きな穴があります。連絡先は090-2222-3333です"


def test_the_action_server_receives_the_entities_the_api_found(stack: Stack) -> None:
    with httpx.Client(timeout=60) as client:
        sender, headers = open_chat_session(client, stack.api_url)
        sent = client.post(
            f"{stack.api_url}/api/v1/chat",
            json={"sender": sender, "message": MESSAGE},
            headers=headers,
        )
        assert sent.status_code == 200, sent.text
        tracker = client.get(
            f"{stack.rasa_url}/conversations/{quote(sender, safe=':')}/tracker",
            params={"token": RASA_AUTH_TOKEN, "include_events": "NONE"},
        )
    assert tracker.status_code == 200, tracker.text
    # `latest_message` is what Rasa sends the action server as the tracker's
    latest = tracker.json()["latest_message"]
    assert latest["text"] == MESSAGE
    entities = carried(ADMIN_TOKEN, MESSAGE, latest.get("metadata"))
    assert entities == extract(MESSAGE)
    assert {span.label for span in entities} >= {"PERSON", "ADDRESS", "PHONE"}
