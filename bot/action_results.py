"""Rasa checks each answer of the action server (the API's /webhook) against a fixed JSON
schema with `jsonschema.validate`, which first checks that schema itself against the draft
2020-12 meta-schema, at every call: on Rasa 3.6 with jsonschema 4.17 that is 20-80 ms of CPU
per custom action, more than the whole NLU pipeline spends on a message, paid at every
citizen message (action_set_language runs at each one, the answering action after it).

`install()` replaces that check with one validator per schema, built (and its schema checked)
once: every answer is validated against the same schema as before, and a malformed answer
fails as before, with jsonschema's best-matching error and Rasa's hint appended. Installed by
the `bot` package (bot/__init__.py), which Rasa imports whenever it loads the model (its
pipeline has the bot's own components); nothing is done outside Rasa's environment."""

from __future__ import annotations

from typing import Any

_MARK = "_madoguchi_prechecked"


def install() -> bool:
    """Patches Rasa's RemoteAction once; False where Rasa is not installed (the API's venv)."""
    try:
        from jsonschema import exceptions, validators
        from rasa.core.actions.action import RemoteAction
    except ImportError:
        return False
    if getattr(RemoteAction._validate_action_result, _MARK, False):
        return True
    original = RemoteAction._validate_action_result
    built: dict[type, Any] = {}  # per class: action_response_format_spec is a staticmethod

    def validator_for(action_class: type) -> Any:
        validator = built.get(action_class)
        if validator is None:
            schema = action_class.action_response_format_spec()
            cls = validators.validator_for(schema)
            cls.check_schema(schema)  # once, as jsonschema.validate would at every call
            validator = built[action_class] = cls(schema)
        return validator

    def _validate_action_result(self: Any, result: dict[str, Any]) -> bool:
        error = exceptions.best_match(validator_for(type(self)).iter_errors(result))
        if error is None:
            return True
        # Rasa's own handling of the error (its hint appended to the message), unchanged.
        return original(self, result)

    setattr(_validate_action_result, _MARK, True)
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    return True
