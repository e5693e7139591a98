"""X-Line-Signature: base64 HMAC-SHA256 of the raw request body, keyed by the channel secret."""

from __future__ import annotations

import base64
import hashlib
import hmac


def sign(channel_secret: str, body: bytes) -> str:
    digest = hmac.new(channel_secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def is_valid_signature(channel_secret: str, body: bytes, signature: str | None) -> bool:
    """Constant-time comparison; a missing or empty signature is invalid."""
    if not signature:
        return False
    expected = sign(channel_secret, body)
    return hmac.compare_digest(
        expected.encode("ascii"), signature.strip().encode("ascii", "replace")
    )
