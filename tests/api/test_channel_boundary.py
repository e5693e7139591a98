"""Domain code never imports a channel: it queues messages in the outbox (api.outbox) and asks
api.channels.registry what a case's channel can do. Only the allowlisted modules below may
import api.channels.line / api.channels.web directly, each for the reason given."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHANNELS = ("api.channels.line", "api.channels.web")
WALKED = ("api", "actions")
# Composition roots and the channels themselves.
EXEMPT_DIRS = ("api/channels/",)
ALLOWED = {
    # The app mounts the channels' webhooks and routers.
    "api/main.py",
    # Imports every model module so that Alembic and tests see all tables.
    "api/core/models.py",
    # The widget's own endpoint: POST /api/v1/chat checks the web session token.
    "api/conversation/router.py",
    # Photos a citizen sends during a report arrive only on LINE; the report form adopts them.
    "actions/asks.py",
    "actions/cases.py",
    # A citizen's erasure request must reach every table holding their data.
    "api/privacy/service.py",
}


def _imported(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _channel_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return sorted(
        name
        for name in _imported(tree)
        if any(name == c or name.startswith(c + ".") for c in CHANNELS)
    )


def test_domain_code_imports_no_channel() -> None:
    offending = {}
    for top in WALKED:
        for path in sorted((ROOT / top).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative.startswith(EXEMPT_DIRS) or relative in ALLOWED:
                continue
            found = _channel_imports(path)
            if found:
                offending[relative] = found
    assert offending == {}, "import api.channels.registry / api.outbox instead"


def test_the_allowlist_is_still_needed() -> None:
    stale = sorted(p for p in ALLOWED if not _channel_imports(ROOT / p))
    assert stale == []


def test_the_walk_sees_an_import() -> None:
    tree = ast.parse("from api.channels import line\nimport api.channels.web.outbox\n")
    assert {"api.channels.line", "api.channels.web.outbox"} <= _imported(tree)
