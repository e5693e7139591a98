"""Keys from the command line; the demo city's report categories load with the directory."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from api.categories.service import read_categories
from api.cli import main
from api.departments.service import read_directory
from tests.api.test_cli import scratch_database  # noqa: F401  (fixture)
from tests.conftest import REPO_ROOT


def test_demo_city_categories_belong_to_its_departments() -> None:
    path = REPO_ROOT / "demo_city" / "departments.yml"
    departments = {d.code for d in read_directory(path)}
    categories = read_categories(path)
    assert {"road_damage", "streetlight", "illegal_dumping"} <= {c.code for c in categories}
    assert all(c.department in departments for c in categories)


def test_keys_from_the_command_line(
    scratch_database: str,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["city", "load", str(REPO_ROOT / "demo_city")]) == 0
    capsys.readouterr()
    assert main(["open311", "keys", "add", "fixmystreet", "--per-minute", "12"]) == 0
    key = capsys.readouterr().out.strip().splitlines()[-1]
    assert key.startswith("o311_")
    assert main(["open311", "keys", "add", "fixmystreet"]) == 2  # names are unique
    assert main(["open311", "keys", "list"]) == 0
    listed = capsys.readouterr().out
    assert f"fixmystreet\t{key[:9]}…\t12/min\tactive" in listed
    assert key not in listed
    assert main(["open311", "keys", "revoke", "fixmystreet"]) == 0
    assert main(["open311", "keys", "revoke", "nobody"]) == 2
    engine = create_engine(scratch_database)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT key_hash, revoked_at FROM open311_clients")).one()
        categories = connection.execute(text("SELECT count(*) FROM report_categories")).scalar()
    engine.dispose()
    assert stored[0] != key and stored[1] is not None
    assert categories >= 8
