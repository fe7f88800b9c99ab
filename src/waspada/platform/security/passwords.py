"""Password hashing with argon2id."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from waspada.platform.i18n import N_
from waspada.platform.settings import get_settings

MIN_PASSWORD_LENGTH = 10


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    settings = get_settings()
    return PasswordHasher(time_cost=settings.argon2_time_cost,
                          memory_cost=settings.argon2_memory_kib)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# A hash to verify against when the user does not exist, so timing does not reveal usernames.
@lru_cache(maxsize=1)
def dummy_hash() -> str:
    return hash_password("not-a-real-password-0")


def password_problem(password: str) -> str | None:
    """An English reason when a new password is too weak, else None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return N_("password must have at least 10 characters")
    if password.strip() != password:
        return N_("password must not start or end with spaces")
    return None
