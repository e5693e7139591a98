"""Staff authentication: the bootstrap administrator token, or a token issued at sign-in."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass

from api.core.config import Settings
from api.core.errors import UnauthorizedError


@dataclass(frozen=True)
class StaffPrincipal:
    name: str
    role: str  # admin, department_staff, call_center
    departments: frozenset[str] | None = None  # None: all departments

    def can_access(self, department_code: str) -> bool:
        return self.departments is None or department_code in self.departments

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def authenticate_bearer(
    authorization: str | None,
    settings: Settings,
    lookup: Callable[[str], StaffPrincipal | None],
) -> StaffPrincipal:
    if not authorization:
        raise UnauthorizedError("missing Authorization header (expected: Bearer <token>)")
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise UnauthorizedError("Authorization header must be: Bearer <token>")
    if hmac.compare_digest(token.encode(), settings.admin_token.get_secret_value().encode()):
        return StaffPrincipal(name="admin", role="admin")
    principal = lookup(token)
    if principal is None:
        raise UnauthorizedError("invalid or expired token")
    return principal
