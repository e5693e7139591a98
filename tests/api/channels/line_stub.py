"""A local stand-in for the LINE platform (api.line.me and api-data.line.me) on 127.0.0.1.

It records every request and checks it as the Messaging API would: bearer token, JSON content
type, the body against line-bot-sdk's v3 models (ReplyMessageRequest / PushMessageRequest), and
the documented limits (1–5 messages, text ≤ 5,000 characters, ≤ 13 quick-reply items, label
≤ 20 characters, postback data and displayText ≤ 300). A request that breaks a rule gets a 400
like LINE's and is listed in `errors`, so a test asserts `stub.errors == []`. It also serves
Get profile (GET /v2/bot/profile/{userId}), with personal fields a test looks for in logs and
tables.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from linebot.v3.messaging import PushMessageRequest, ReplyMessageRequest

CONTENT_PATH = re.compile(r"^/v2/bot/message/([^/]+)/content$")
PROFILE_PATH = re.compile(r"^/v2/bot/profile/([^/]*)$")
USER_ID = re.compile(r"^U[0-9a-f]{32}$")
# Personal data every served profile carries, never to be kept or logged by the service.
DISPLAY_NAME = "緑野 花子 (display-name-5e1f)"
PICTURE_URL = "https://profile.line-scdn.net/picture-5e1f"
STATUS_MESSAGE = "status-message-5e1f"


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class LineStub:
    access_token: str
    requests: list[Recorded] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # message id -> (bytes, content type), served by GET /v2/bot/message/{id}/content
    contents: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    # (path, status, body) answered once, instead of the normal answer, to the next match
    scripted: list[tuple[str, int, dict[str, Any]]] = field(default_factory=list)
    # user id -> language served by Get profile (None: the user did not let LINE share it;
    # a user not listed has a profile without a language)
    languages: dict[str, str | None] = field(default_factory=dict)
    # path -> seconds the answer waits (a LINE that is slow to answer)
    delays: dict[str, float] = field(default_factory=dict)
    base_url: str = ""
    _server: ThreadingHTTPServer | None = None

    def start(self) -> str:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def _answer(self, status: int, body: dict[str, Any] | bytes, ctype: str) -> None:
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                record = Recorded(
                    self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body
                )
                stub.requests.append(record)
                time.sleep(stub.delays.get(record.path, 0.0))
                status, answer, ctype = stub._respond(record)
                self._answer(status, answer, ctype)

            do_GET = _handle  # noqa: N815
            do_POST = _handle  # noqa: N815

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        return self.base_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # -- what LINE would answer ------------------------------------------------------------------

    def _fail(self, status: int, message: str) -> tuple[int, dict[str, Any], str]:
        self.errors.append(message)
        return status, {"message": message}, "application/json"

    def _respond(self, record: Recorded) -> tuple[int, dict[str, Any] | bytes, str]:
        if record.headers.get("authorization") != f"Bearer {self.access_token}":
            return self._fail(401, "Authentication failed: bad or missing bearer token")
        for index, (path, status, body) in enumerate(self.scripted):
            if path == record.path:
                del self.scripted[index]
                return status, body, "application/json"
        profile = PROFILE_PATH.match(record.path)
        if profile:
            return self._profile(record, profile.group(1))
        if record.method == "GET":
            match = CONTENT_PATH.match(record.path)
            if match and match.group(1) in self.contents:
                content, ctype = self.contents[match.group(1)]
                return 200, content, ctype
            return self._fail(404, f"Not found: {record.path}")
        if not record.headers.get("content-type", "").startswith("application/json"):
            return self._fail(415, "Content-Type must be application/json")
        try:
            payload = record.json
        except ValueError:
            return self._fail(400, "The request body has 1 error(s): invalid JSON")
        if record.path == "/v2/bot/message/reply":
            model: Any = ReplyMessageRequest
        elif record.path == "/v2/bot/message/push":
            model = PushMessageRequest
            key = record.headers.get("x-line-retry-key", "")
            try:
                uuid.UUID(key)
            except ValueError:
                return self._fail(400, f"X-Line-Retry-Key must be a UUID, got {key!r}")
        else:
            return self._fail(404, f"Not found: {record.path}")
        try:
            model.from_json(record.body.decode("utf-8"))
        except Exception as exc:  # pydantic's ValidationError and friends
            return self._fail(400, f"{model.__name__} rejected the body: {exc}")
        problems = check_messages(payload.get("messages"))
        if problems:
            return self._fail(400, "; ".join(problems))
        if model is PushMessageRequest and not payload.get("to"):
            return self._fail(400, "push needs 'to'")
        return 200, {"sentMessages": [{"id": "1", "quoteToken": "q"}]}, "application/json"

    def _profile(self, record: Recorded, user_id: str) -> tuple[int, dict[str, Any], str]:
        if record.method != "GET":
            return self._fail(405, f"Get profile is a GET, not {record.method}")
        if record.body:
            return self._fail(400, "Get profile has no request body")
        if not USER_ID.match(user_id):
            return self._fail(400, f"Not a LINE user id: {user_id!r}")
        body = {
            "displayName": DISPLAY_NAME,
            "userId": user_id,
            "pictureUrl": PICTURE_URL,
            "statusMessage": STATUS_MESSAGE,
        }
        language = self.languages.get(user_id)
        if language is not None:
            body["language"] = language
        return 200, body, "application/json"

    def profile_requests(self) -> list[Recorded]:
        return [r for r in self.requests if PROFILE_PATH.match(r.path)]

    def posts(self, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == "POST" and r.path == path]

    @property
    def replies(self) -> list[Recorded]:
        return self.posts("/v2/bot/message/reply")

    @property
    def pushes(self) -> list[Recorded]:
        return self.posts("/v2/bot/message/push")


def check_messages(messages: Any) -> list[str]:
    """The Messaging API's documented limits for text messages and quick replies."""
    if not isinstance(messages, list) or not 1 <= len(messages) <= 5:
        return ["messages must hold 1 to 5 message objects"]
    problems: list[str] = []
    for number, message in enumerate(messages):
        if message.get("type") == "text":
            text = message.get("text", "")
            if not 1 <= len(text) <= 5000:
                problems.append(f"messages[{number}].text has {len(text)} characters (1–5000)")
        items = (message.get("quickReply") or {}).get("items")
        if items is None:
            continue
        if not 1 <= len(items) <= 13:
            problems.append(f"messages[{number}].quickReply has {len(items)} items (1–13)")
        for item in items:
            action = item.get("action") or {}
            if item.get("type") != "action":
                problems.append("quick reply item type must be 'action'")
            if not 1 <= len(action.get("label", "")) <= 20:
                problems.append(f"quick reply label {action.get('label')!r} is not 1–20 chars")
            if action.get("type") == "postback":
                if not 0 < len(action.get("data", "")) <= 300:
                    problems.append("postback data must be 1–300 characters")
                if len(action.get("displayText") or "") > 300:
                    problems.append("postback displayText longer than 300 characters")
    return problems
