"""The in-memory broker: one process, history in a bounded deque per channel.

Its epoch is chosen at start: after a restart history is gone, and clients that come back
with the old epoch are told to reload a snapshot."""

from __future__ import annotations

import secrets
import time
from collections import deque
from typing import Any

from realtime.broker import ControlHandler, Position, Publication, PublicationHandler
from realtime.protocol import publication_frame


class MemoryBroker:
    def __init__(self, history_size: int = 1000, history_seconds: float = 3600.0) -> None:
        self.history_size = history_size
        self.history_seconds = history_seconds
        self.epoch = secrets.token_hex(4)
        self._offsets: dict[str, int] = {}
        self._history: dict[str, deque[tuple[float, Publication]]] = {}
        self._on_publication: PublicationHandler | None = None
        self._on_control: ControlHandler | None = None
        self._sockets: dict[str, dict[str, float]] = {}  # identity -> conn id -> last heard

    def set_handlers(self, on_publication: PublicationHandler, on_control: ControlHandler) -> None:
        self._on_publication, self._on_control = on_publication, on_control

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def publish(self, channel: str, type: str, data: Any) -> Publication:
        offset = self._offsets.get(channel, 0) + 1
        self._offsets[channel] = offset
        pub = Publication(channel, offset, self.epoch,
                          publication_frame(channel, offset, self.epoch, type, data))
        history = self._history.get(channel)
        if history is None:
            history = self._history[channel] = deque(maxlen=self.history_size)
        now = time.monotonic()
        history.append((now, pub))
        while history and history[0][0] < now - self.history_seconds:
            history.popleft()
        if self._on_publication is not None:
            self._on_publication(pub)
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
        cutoff = time.monotonic() - self.history_seconds
        kept = [p for t, p in history or () if t >= cutoff]
        if not kept or kept[0].offset > since.offset + 1:
            return None
        return [p for p in kept if p.offset > since.offset]

    async def control(self, message: dict[str, Any]) -> None:
        if self._on_control is not None:
            self._on_control(message)

    async def claim_socket(self, identity: str, conn_id: str, cap: int,
                           stale_after: float) -> bool:
        now = time.monotonic()
        held = self._sockets.setdefault(identity, {})
        for other, heard in list(held.items()):
            if heard < now - stale_after:
                del held[other]
        if conn_id not in held and len(held) >= cap:
            return False
        held[conn_id] = now
        return True

    async def release_socket(self, identity: str, conn_id: str) -> None:
        held = self._sockets.get(identity)
        if held is not None:
            held.pop(conn_id, None)
            if not held:
                del self._sockets[identity]

    async def touch_sockets(self, held: dict[str, dict[str, float]],
                            stale_after: float) -> None:
        now = time.monotonic()
        for identity, conns in held.items():
            mine = self._sockets.setdefault(identity, {})
            for conn_id, age in conns.items():
                mine[conn_id] = now - age
