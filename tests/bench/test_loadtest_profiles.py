"""The load test's profile selection and the production stack's pieces that need no process:
which stacks a command line starts, and the lock store's key prefix of a run."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bench import prod_stack
from bench.loadtest import PROFILES, parse_args, title


def test_the_embedded_profile_is_the_default() -> None:
    assert parse_args([]).profiles == ["embedded"]


def test_profiles_run_in_the_order_given_and_once_each() -> None:
    args = parse_args(["--profile", "prod", "--profile", "embedded", "--profile", "prod"])
    assert args.profiles == ["prod", "embedded"]


def test_a_running_stack_starts_no_profile() -> None:
    args = parse_args(["--api-url", "http://a", "--rasa-url", "http://r1,http://r2"])
    assert args.profiles == []
    assert args.rasa_url == "http://r1,http://r2"


@pytest.mark.parametrize(
    "argv",
    [
        ["--profile", "staging"],
        ["--api-url", "http://a"],
        ["--rasa-url", "http://r"],
        ["--profile", "prod", "--api-url", "http://a", "--rasa-url", "http://r"],
    ],
)
def test_a_contradictory_or_unknown_choice_is_refused(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        parse_args(argv)
    assert exit_.value.code == 2


def test_each_table_is_titled_with_what_its_profile_runs() -> None:
    assert set(PROFILES) == {"embedded", "prod"}
    assert "2 Rasa replicas" in title("prod")
    assert "SQLite" in title("embedded")


def test_the_lock_store_gets_the_runs_key_prefix(tmp_path: Path) -> None:
    path = prod_stack.endpoints_with_prefix(tmp_path, "loadtest0a1b2c")
    endpoints = yaml.safe_load(path.read_text())
    original = yaml.safe_load((prod_stack.REPO_ROOT / "bot" / "endpoints.yml").read_text())
    assert endpoints["lock_store"] == {**original["lock_store"], "key_prefix": "loadtest0a1b2c"}
    assert endpoints["tracker_store"] == original["tracker_store"]


def test_a_prefix_rasa_would_ignore_is_refused(tmp_path: Path) -> None:
    # Rasa drops a non-alphanumeric prefix with a warning: the run would share the locks.
    with pytest.raises(ValueError):
        prod_stack.endpoints_with_prefix(tmp_path, "load-test")


def test_each_run_has_databases_of_its_own() -> None:
    api, tracker = prod_stack.scratch_names("loadtest", "0a1b2c")
    assert api != tracker
    assert {api, tracker} == {"madoguchi_loadtest_0a1b2c", "madoguchi_loadtesttracker_0a1b2c"}
