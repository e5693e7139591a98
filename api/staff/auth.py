"""Staff authentication: until staff accounts exist, the bootstrap administrator token."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from api.core.config import Settings
from api.core.errors import UnauthorizedError


@dataclass(frozen=True)
class StaffPrincipal:
    name: str
    role: str  # "admin" sees every department
    departments: frozenset[str] | None = None  # None: all departments

    def can_access(self, department_code: str) -> bool:
        return self.departments is None or department_code in self.departments


def authenticate_bearer(authorization: str | None, settings: Settings) -> StaffPrincipal:
    if not authorization:
        raise UnauthorizedError("missing Authorization header (expected: Bearer <token>)")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise UnauthorizedError("Authorization header must be: Bearer <token>")
    expected = settings.admin_token.get_secret_value()
    if hmac.compare_digest(token.strip().encode(), expected.encode()):
        return StaffPrincipal(name="admin", role="admin")
    raise UnauthorizedError("invalid token")
