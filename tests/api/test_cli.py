from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from api.cli import main
from tests.conftest import REPO_ROOT


@pytest.fixture
def scratch_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    from api.core.config import get_settings
    from api.core.db import get_engine, get_sessionmaker

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    for cached in (get_settings, get_engine, get_sessionmaker):
        cached.cache_clear()
    yield url
    for cached in (get_settings, get_engine, get_sessionmaker):
        cached.cache_clear()


def test_city_load_is_repeatable(scratch_database: str, capsys: pytest.CaptureFixture) -> None:
    assert main(["city", "load", str(REPO_ROOT / "demo_city")]) == 0
    assert main(["city", "load", str(REPO_ROOT / "demo_city")]) == 0  # updates, no duplicates
    engine = create_engine(scratch_database)
    with engine.connect() as connection:
        faq = connection.execute(text("SELECT count(*) FROM faq_entries")).scalar_one()
        departments = connection.execute(
            text("SELECT count(DISTINCT department_code) FROM faq_entries")
        ).scalar_one()
        orphans = connection.execute(
            text("SELECT count(*) FROM faq_entries WHERE department_code IS NULL")
        ).scalar_one()
    engine.dispose()
    assert faq >= 60 and departments >= 10 and orphans == 0
    assert f"{faq} FAQ entries" in capsys.readouterr().out


def test_staff_add(
    scratch_database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("MADOGUCHI_STAFF_PASSWORD", "a long enough password")
    assert main(["city", "load", str(REPO_ROOT / "demo_city")]) == 0
    args = ["staff", "add", "sato", "--role", "department_staff", "--department", "roads"]
    assert main(args) == 0
    assert "created sato (department_staff; roads)" in capsys.readouterr().out
    assert main(args) == 2  # the name is taken
    assert "already exists" in capsys.readouterr().err
    unknown = ["staff", "add", "ito", "--role", "department_staff", "--department", "nowhere"]
    assert main(unknown) == 2
    monkeypatch.setenv("MADOGUCHI_STAFF_PASSWORD", "short")
    assert main(["staff", "add", "kato", "--role", "admin"]) == 2
    assert "12 characters" in capsys.readouterr().err


def test_staff_administration(
    scratch_database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("MADOGUCHI_STAFF_PASSWORD", "a long enough password")
    assert main(["city", "load", str(REPO_ROOT / "demo_city")]) == 0
    assert (
        main(["staff", "add", "sato", "--role", "department_staff", "--department", "roads"]) == 0
    )
    capsys.readouterr()
    assert main(["staff", "list"]) == 0
    assert capsys.readouterr().out.strip() == "sato\tdepartment_staff\troads\tactive\t0 tokens"

    assert main(["staff", "disable", "sato"]) == 0
    assert "no longer work" in capsys.readouterr().out
    assert main(["staff", "list"]) == 0
    assert "\tdisabled\t" in capsys.readouterr().out
    assert main(["staff", "enable", "sato"]) == 0
    assert main(["staff", "role", "sato", "--role", "call_center"]) == 0
    assert "sato is now call_center" in capsys.readouterr().out.splitlines()[-1]
    assert main(["staff", "revoke", "sato"]) == 0
    assert "revoked 0 tokens" in capsys.readouterr().out

    monkeypatch.setenv("MADOGUCHI_STAFF_PASSWORD", "another long passphrase")
    assert main(["staff", "reset", "sato"]) == 0
    monkeypatch.setenv("MADOGUCHI_STAFF_PASSWORD", "sato-sato-sato-1")
    assert main(["staff", "reset", "sato"]) == 2
    assert "ユーザー名を含めないで" in capsys.readouterr().err
    assert main(["staff", "disable", "nobody"]) == 2
    assert "no staff member 'nobody'" in capsys.readouterr().err
