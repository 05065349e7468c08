"""Password hashing with Argon2id.

The cost is a setting: production uses argon2-cffi's recommended profile; the test suite and
benchmarks, which create hundreds of accounts, may choose a cheaper one (still Argon2id).
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.profiles import RFC_9106_LOW_MEMORY

_FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
_STRONG = PasswordHasher.from_parameters(RFC_9106_LOW_MEMORY)


class Passwords:
    def __init__(self, fast: bool = False) -> None:
        self._hasher = _FAST if fast else _STRONG

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
