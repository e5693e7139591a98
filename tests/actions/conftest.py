from __future__ import annotations

# The API fixtures (database, seeded knowledge base, client) serve the action server too.
from tests.api.conftest import (  # noqa: F401
    auth,
    client,
    database_url,
    seeded,
    session,
    session_factory,
)
