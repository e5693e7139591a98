"""Rasa validates the action server's answers with a validator built once (bot/action_results.py):
the schema is checked once, not at every answer, and answers are judged as before."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import ValidationError, validators
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

import bot  # noqa: F401  (installs the validator, as Rasa's loading of the model does)
from bot.action_results import install

GOOD = {
    "events": [{"event": "slot", "name": "language", "value": "en"}],
    "responses": [{"text": "こんにちは"}],
}


@pytest.fixture
def action() -> RemoteAction:
    return RemoteAction("action_answer_faq", EndpointConfig("http://127.0.0.1:1/webhook"))


def test_importing_the_bot_package_installs_it_once() -> None:
    patched = RemoteAction._validate_action_result
    assert install() is True
    assert RemoteAction._validate_action_result is patched


def test_a_good_answer_passes_without_checking_the_schema_again(
    action: RemoteAction, monkeypatch: pytest.MonkeyPatch
) -> None:
    action._validate_action_result(GOOD)  # the validator exists from here on
    checks: list[Any] = []
    cls = validators.validator_for(RemoteAction.action_response_format_spec())
    monkeypatch.setattr(cls, "check_schema", classmethod(lambda c, s: checks.append(s)))
    for _ in range(3):
        assert action._validate_action_result(GOOD) is True
    assert action._validate_action_result({}) is True  # both keys are optional
    assert checks == []


@pytest.mark.parametrize(
    "answer",
    [
        {"events": [{"event": "no_such_event"}], "responses": []},
        {"events": "not a list", "responses": []},
        {"events": [], "responses": ["not an object"]},
    ],
)
def test_a_malformed_answer_fails_as_rasa_says(action: RemoteAction, answer: Any) -> None:
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result(answer)
