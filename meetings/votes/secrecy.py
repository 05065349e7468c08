"""Secret ballots at rest: what a secret ballot says is stored sealed (AES-GCM) under a key of
its vote, and the key never enters the database.

A vote's key is derived (HKDF-SHA256) from the server's ballot secret, which lives outside the
database (the server's secret key), and a random salt stored on the vote while it is open. A
ballot's receipt (who voted) and its sealed content are written in the same transaction, so
whoever can query the database can pair a receipt with a sealed row (PostgreSQL's `xmin`,
physical order): what they get is ciphertext of one fixed length. When the vote closes or is
cancelled, the contents are opened once to count them, then deleted with the salt, and the
database is told to forget them (meetings.db.Database.forget_deleted): from then on nothing in
the database or its files can open them, and only the counts remain.
"""

from __future__ import annotations

import json
import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

SALT_BYTES = 32
NONCE_BYTES = 12
YES_NO_SIZE = 16  # "yes", "no", "abstain" all pad to this


def new_salt() -> bytes:
    return os.urandom(SALT_BYTES)


def content_size(options: int) -> int:
    """The padded length of every ballot of a vote: the longest content it could hold (every
    option marked), rounded up to 64 bytes, so a sealed ballot's length says nothing."""
    if options <= 0:
        return YES_NO_SIZE
    longest = len(json.dumps(list(range(options)))) + 2
    return -(-longest // 64) * 64


class SealedBallots:
    """The sealing of one vote's ballots."""

    def __init__(self, key: bytes, vote_id: int, size: int) -> None:
        self._aead = AESGCM(key)
        self._aad = f"phonghop-ballot:{vote_id}".encode()
        self.size = size

    def seal(self, content: str) -> bytes:
        data = content.encode()
        if len(data) > self.size - 2:
            raise ValueError("ballot content longer than its vote allows")
        padded = struct.pack(">H", len(data)) + data + bytes(self.size - 2 - len(data))
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, padded, self._aad)

    def open(self, sealed: bytes) -> str:
        try:
            padded = self._aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], self._aad)
        except InvalidTag:
            raise ValueError("a sealed ballot does not open with its vote's key") from None
        (length,) = struct.unpack(">H", padded[:2])
        return padded[2:2 + length].decode()


class Secrecy:
    """Holds the server's ballot secret and derives each vote's key from it."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the ballot secret is too short")
        self._secret = secret

    def for_vote(self, vote_id: int, salt: bytes, options: int) -> SealedBallots:
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt,
                   info=f"phonghop secret ballot v1:{vote_id}".encode()).derive(self._secret)
        return SealedBallots(key, vote_id, content_size(options))
