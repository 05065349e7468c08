"""Presence: who is connected to a channel, on which device, doing what. The interface and
the in-memory implementation (one process); `presence_redis` shares it between processes.

Entries are keyed by connection id and carry the time they were last refreshed; an entry
not refreshed within `ttl` seconds (its process died) is dropped from the list."""

from __future__ import annotations

import time
from typing import Any, Protocol


class Presence(Protocol):
    async def update(self, channel: str, conn_id: str, info: dict[str, Any]) -> None: ...

    async def remove(self, channel: str, conn_id: str) -> None: ...

    async def list(self, channel: str) -> list[dict[str, Any]]: ...


class MemoryPresence:
    def __init__(self, ttl: float = 45.0) -> None:
        self.ttl = ttl
        self._entries: dict[str, dict[str, tuple[float, dict[str, Any]]]] = {}

    async def update(self, channel: str, conn_id: str, info: dict[str, Any]) -> None:
        self._entries.setdefault(channel, {})[conn_id] = (time.time(), dict(info))

    async def remove(self, channel: str, conn_id: str) -> None:
        entries = self._entries.get(channel)
        if entries is not None:
            entries.pop(conn_id, None)
            if not entries:
                del self._entries[channel]

    async def list(self, channel: str) -> list[dict[str, Any]]:
        cutoff = time.time() - self.ttl
        entries = self._entries.get(channel, {})
        for conn_id in [c for c, (t, _) in entries.items() if t < cutoff]:
            del entries[conn_id]
        return [info for _, info in sorted(entries.values(), key=lambda e: e[0])]
