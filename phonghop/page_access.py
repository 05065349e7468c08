"""What a server process remembers to send a page image without the database or the disk:
whom it gave which document's pages (`PageGrants`), and the bytes of the pages it sent last
(`PageBytes`).

Without them, every tablet asking for the new page cost six queries in a worker thread, then
a stat, an open, 64 KB reads and a close of the file, each another hop to a worker thread: 100
connections queued on the thread pool, about 0.1 to 0.15 of the `/healthz` rate (issue 13 §2;
bench/page_serve.py measures both).

A grant is what the database said for one login, one document and one version: the file's
hash, its page count, and whether the meeting is confidential (its pages are then drawn for
each viewer, with their name, and never kept). It is dropped, on every process:

- all of them, when a committed write touched a row that can change who sees a document
  (`meetings.documents.access_changes`: a role, a publication, an exclusion, a new version,
  the confidentiality...): `op: forget_pages` over the broker;
- a login's, when it is closed (`forget_session`: log-out, deactivation, password reset);
- a person's, when their global role changes (`forget_user`);
- all of them, when the broker comes back from an outage (`resync`: forgets may be lost);
- any of them after `GRANT_SECONDS`, a bound for what no server saw (the `phonghop` command
  writing to the database).

A read that began before a forget cannot put back what it read: grants carry the generation
they were read in, and a grant from an older generation is not kept.

Page files are named by the content's hash and never change once written, so their bytes can
be kept without any invalidation; `PageBytes` keeps the most recently sent within a budget.
"""

from __future__ import annotations

import itertools
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

GRANT_SECONDS = 300.0
MAX_GRANTS = 100_000
FORGET_PAGES = "forget_pages"


@dataclass(frozen=True)
class Grant:
    user_id: int
    sha256: str
    page_count: int
    confidential: bool


GrantKey = tuple[str, int, int | None]  # login token's digest, document, version (None: current)


class PageGrants:
    def __init__(self, seconds: float = GRANT_SECONDS) -> None:
        self.seconds = seconds
        self._grants: dict[GrantKey, tuple[float, Grant]] = {}
        self._counter = itertools.count(1)
        self.generation = next(self._counter)

    def get(self, key: GrantKey) -> Grant | None:
        hit = self._grants.get(key)
        if hit is None:
            return None
        if hit[0] < time.monotonic():
            self._grants.pop(key, None)
            return None
        return hit[1]

    def put(self, key: GrantKey, grant: Grant, generation: int) -> None:
        """Keep `grant`, read when the generation was `generation`, unless forgets came since."""
        if generation != self.generation:
            return
        if len(self._grants) >= MAX_GRANTS:
            self._grants.clear()
        self._grants[key] = (time.monotonic() + self.seconds, grant)

    def forget_all(self) -> None:
        # Safe from the thread that committed: one step each under the GIL, generation first.
        self.generation = next(self._counter)
        self._grants.clear()

    def on_control(self, message: dict[str, Any]) -> None:
        op = message.get("op")
        if op in (FORGET_PAGES, "resync"):
            self.forget_all()
        elif op == "forget_session":
            self.generation = next(self._counter)
            token = str(message.get("token"))
            for key in [k for k in tuple(self._grants) if k[0] == token]:
                self._grants.pop(key, None)
        elif op == "forget_user":
            self.generation = next(self._counter)
            user_id = message.get("user_id")
            for key, (_until, grant) in tuple(self._grants.items()):
                if grant.user_id == user_id:
                    self._grants.pop(key, None)

    def __len__(self) -> int:
        return len(self._grants)


class PageBytes:
    """The page images sent last, by path, up to `budget` bytes (least recently sent go
    first). Paths name content (hash, page, width, format): an entry is never stale."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.size = 0
        self._images: OrderedDict[str, bytes] = OrderedDict()

    def get(self, path: str) -> bytes | None:
        data = self._images.get(path)
        if data is not None:
            self._images.move_to_end(path)
        return data

    def put(self, path: str, data: bytes) -> None:
        if len(data) > self.budget // 4 or path in self._images:
            return
        self._images[path] = data
        self.size += len(data)
        while self.size > self.budget:
            _path, old = self._images.popitem(last=False)
            self.size -= len(old)
