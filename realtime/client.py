"""One connected tablet: its channels, the offsets it has seen, and its send path.

A client is CONNECTING until its first `connect` command is answered, then LIVE, then CLOSED;
it refuses an illegal transition loudly. While a channel is recovering, live publications for
it are buffered and merged by offset afterwards: the tablet never sees a gap or a duplicate.

Sends go straight to the socket (no queue of our own, no task): the socket's write buffer is
the queue, and a tablet whose buffer passes `buffer_limit` bytes is closed as a slow consumer
(4001) instead of holding the room up or growing without bound.
"""

from __future__ import annotations

import time
from enum import StrEnum
from typing import Any, Protocol

from realtime.protocol import Close


class Wire(Protocol):
    """The socket under a client (realtime.server.Connection, or a test double)."""

    def write_text(self, data: bytes) -> None: ...

    def buffered(self) -> int: ...

    def close(self, code: int, reason: str = "") -> None: ...


class State(StrEnum):
    CONNECTING = "connecting"
    LIVE = "live"
    CLOSED = "closed"


class Client:
    __slots__ = ("wire", "buffer_limit", "state", "offsets", "info", "id", "close_code",
                 "last_heard", "channels", "claim", "_buffers")

    def __init__(self, wire: Wire, *, buffer_limit: int = 1 << 20) -> None:
        self.wire = wire
        self.buffer_limit = buffer_limit
        self.state = State.CONNECTING
        self.offsets: dict[str, int] = {}
        self.channels: set[str] = set()  # subscribed to, kept by the hub
        self.info: dict[str, Any] = {}
        self.id = ""  # given by the hub: "<node>:<n>"
        self.close_code: int | None = None
        self.last_heard = time.monotonic()
        self.claim: str | None = None  # its place among its identity's sockets (Hub.hold)
        self._buffers: dict[str, list[tuple[int, bytes]]] = {}

    # --- state machine -------------------------------------------------------------------

    def go_live(self) -> None:
        if self.state is not State.CONNECTING:
            raise RuntimeError(f"cannot go live from {self.state.value}")
        self.state = State.LIVE

    @property
    def closed(self) -> bool:
        return self.state is State.CLOSED

    # --- delivery ------------------------------------------------------------------------

    def begin_recovery(self, channel: str) -> None:
        self._buffers[channel] = []

    def finish_recovery(self, channel: str, delivered: int) -> None:
        """Mark `delivered` as the last offset the tablet holds, then send what arrived live
        meanwhile: in offset order, each once, nothing it already holds."""
        self.offsets[channel] = delivered
        for offset, frame in sorted(self._buffers.pop(channel, []), key=lambda x: x[0]):
            self._deliver_now(channel, offset, frame)

    def deliver(self, channel: str, offset: int, frame: bytes) -> None:
        buffer = self._buffers.get(channel)
        if buffer is not None:
            buffer.append((offset, frame))
            return
        self._deliver_now(channel, offset, frame)

    def _deliver_now(self, channel: str, offset: int, frame: bytes) -> None:
        if offset <= self.offsets.get(channel, 0):
            return  # already delivered (history overlap): never a duplicate
        self.offsets[channel] = offset
        self.send(frame)

    def send(self, frame: bytes | str) -> None:
        if self.state is State.CLOSED:
            return
        if self.wire.buffered() > self.buffer_limit:
            self.close(Close.SLOW_CONSUMER, "slow consumer")
            return
        self.wire.write_text(frame.encode() if isinstance(frame, str) else frame)

    def close(self, code: Close, reason: str = "") -> None:
        if self.state is State.CLOSED:
            return
        self.state = State.CLOSED
        self.close_code = int(code)
        self._buffers.clear()
        self.wire.close(int(code), reason)
