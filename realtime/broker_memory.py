"""The in-memory broker: one process, history in a bounded deque per channel.

Its epoch is chosen at start: after a restart history is gone, and clients that come back
with the old epoch are told to reload a snapshot."""

from __future__ import annotations

import secrets
from collections import deque
from typing import Any

from realtime.broker import Handler, Position, Publication


class MemoryBroker:
    def __init__(self, history_size: int = 1000) -> None:
        self.history_size = history_size
        self.epoch = secrets.token_hex(4)
        self._offsets: dict[str, int] = {}
        self._history: dict[str, deque[Publication]] = {}
        self._handler: Handler | None = None

    def set_handler(self, handler: Handler) -> None:
        self._handler = handler

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def publish(self, channel: str, type: str, data: Any) -> Publication:
        offset = self._offsets.get(channel, 0) + 1
        self._offsets[channel] = offset
        pub = Publication(channel, offset, self.epoch, type, data)
        history = self._history.get(channel)
        if history is None:
            history = self._history[channel] = deque(maxlen=self.history_size)
        history.append(pub)
        if self._handler is not None:
            self._handler(pub, pub.frame())
        return pub

    async def position(self, channel: str) -> Position:
        return Position(self._offsets.get(channel, 0), self.epoch)

    async def history(self, channel: str, since: Position) -> list[Publication] | None:
        if since.epoch != self.epoch:
            return None
        current = self._offsets.get(channel, 0)
        if since.offset > current:
            return None
        if since.offset == current:
            return []
        history = self._history.get(channel)
        if not history or history[0].offset > since.offset + 1:
            return None
        return [p for p in history if p.offset > since.offset]
