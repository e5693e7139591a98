"""Password hashing with Argon2id (argon2-cffi's recommended parameters), and the password
policy: long enough, not the username, not one of the passwords every attacker tries first.
(Length over composition rules, as NIST SP 800-63B advises.)"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from api.core.errors import AppError

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 200
# Spent on unknown usernames too, so response time does not reveal which names exist.
_DUMMY_HASH = _hasher.hash("madoguchi-timing-equaliser")
_COMMON = frozenset(
    {
        "password1234",
        "passwordpassword",
        "123456789012",
        "1234567890123",
        "qwertyuiop12",
        "qwertyuiopasdf",
        "abcdefghijkl",
        "madoguchi123",
        "madoguchi1234",
        "administrator",
        "iloveyou1234",
    }
)


class WeakPasswordError(AppError):
    status_code = 422
    code = "weak_password"


def check_policy(password: str, username: str | None = None) -> None:
    """Raises WeakPasswordError with a message that says what to change."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPasswordError(
            f"パスワードは{MIN_PASSWORD_LENGTH}文字以上にしてください"
            f"（a password needs at least {MIN_PASSWORD_LENGTH} characters）"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise WeakPasswordError(
            f"パスワードは{MAX_PASSWORD_LENGTH}文字以内にしてください"
            f"（at most {MAX_PASSWORD_LENGTH} characters）"
        )
    lowered = password.lower()
    if len(set(password)) < 4 or lowered in _COMMON:
        raise WeakPasswordError(
            "推測されやすいパスワードは使えません。単語を組み合わせた長い文などにしてください"
            "（this password is too easy to guess）"
        )
    if username and len(username) >= 3 and username.lower() in lowered:
        raise WeakPasswordError(
            "パスワードにユーザー名を含めないでください"
            "（the password must not contain the username）"
        )


def hash_password(password: str, username: str | None = None) -> str:
    check_policy(password, username)
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
