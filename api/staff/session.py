"""Console sessions: the session token travels in an HttpOnly cookie, and every state-changing
request must repeat a CSRF token (bound to the session by HMAC) in a header. A page on
another site can make the browser send the cookie, but cannot read the CSRF cookie."""

from __future__ import annotations

import hashlib
import hmac

SESSION_COOKIE = "madoguchi_session"
CSRF_COOKIE = "madoguchi_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def csrf_token_for(session_token: str) -> str:
    return hmac.new(session_token.encode(), b"madoguchi-csrf", hashlib.sha256).hexdigest()


def csrf_is_valid(session_token: str, presented: str | None) -> bool:
    return bool(presented) and hmac.compare_digest(csrf_token_for(session_token), presented or "")
