"""The survey's button payloads, and the answers a citizen may type instead.

A rating button sends `/survey{"case": "2026-000001", "target": "bot", "score": 4}`; the
「回答しない」 and 「なし」 buttons send `/survey{"case": "…", "action": "decline"}` and
`{"case": "…", "action": "skip"}` (skip: no comment). On LINE the payload is the postback data.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

PREFIX = "/survey"
RatedStep = Literal["bot", "staff"]
Action = Literal["decline", "skip"]

_CASE_NUMBER = re.compile(r"^\d{4}-\d{6}$")
_DIGIT = re.compile(r"^[1-5]$")
# What a citizen types to say they have no comment (after NFKC, without spaces or 。).
_NO_COMMENT = frozenset(
    {"なし", "特になし", "ない", "特にない", "ありません", "特にありません"}
    | {"none", "nothing", "no", "nocomment", "nocomments", "nothanks", "n/a"}
)


class MalformedPayloadError(ValueError):
    """A /survey message that is not one of ours (edited, truncated, or made up)."""


@dataclass(frozen=True)
class SurveyPayload:
    case_number: str
    target: RatedStep | None = None  # with score: a rating
    score: int | None = None
    action: Action | None = None  # or an action


def is_survey_payload(text: str) -> bool:
    """`/survey` alone or followed by its JSON; anything else (`/surveys`, text) is not ours."""
    return text == PREFIX or text.startswith(PREFIX + "{")


def parse(text: str) -> SurveyPayload:
    """The payload of a /survey message; MalformedPayloadError when it is not a valid one."""
    try:
        data = json.loads(text[len(PREFIX) :])
    except ValueError as exc:
        raise MalformedPayloadError("not JSON") from exc
    if not isinstance(data, dict):
        raise MalformedPayloadError("not a JSON object")
    case_number = data.get("case")
    if not isinstance(case_number, str) or not _CASE_NUMBER.match(case_number):
        raise MalformedPayloadError("no valid case number")
    keys = set(data) - {"case"}
    if keys == {"target", "score"}:
        target, score = data["target"], data["score"]
        # bool is an int in Python: true must not count as a score of 1.
        if target not in ("bot", "staff") or type(score) is not int or not 1 <= score <= 5:
            raise MalformedPayloadError("rating out of range")
        return SurveyPayload(case_number, target=target, score=score)
    if keys == {"action"} and data["action"] in ("decline", "skip"):
        return SurveyPayload(case_number, action=data["action"])
    raise MalformedPayloadError("neither a rating nor an action")


def rating(case_number: str, target: RatedStep, score: int) -> str:
    return PREFIX + json.dumps({"case": case_number, "target": target, "score": score})


def action(case_number: str, name: Action) -> str:
    return PREFIX + json.dumps({"case": case_number, "action": name})


def _normalized(text: str) -> str:
    return re.sub(r"[\s。．.!！]", "", unicodedata.normalize("NFKC", text))


def typed_score(text: str) -> int | None:
    """A rating typed as a bare digit, 1–5 or full-width １–５; None for anything else."""
    normalized = _normalized(text)
    return int(normalized) if _DIGIT.match(normalized) else None


def says_no_comment(text: str) -> bool:
    return _normalized(text).lower() in _NO_COMMENT
