"""One connected tablet: its channels, the offsets it has seen, and its bounded send queue.

A client is CONNECTING until its first `connect` command is answered, then LIVE, then CLOSED.
While a channel is recovering, live publications for it are buffered and merged by offset
afterwards: the tablet never sees a gap or a duplicate.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from enum import StrEnum
from typing import Any, Protocol

from realtime.protocol import Close

log = logging.getLogger("phonghop.realtime")


class Transport(Protocol):
    async def send_text(self, data: str) -> None: ...

    async def close(self, code: int = 1000, reason: str | None = None) -> None: ...


class State(StrEnum):
    CONNECTING = "connecting"
    LIVE = "live"
    CLOSED = "closed"


class Client:
    def __init__(self, transport: Transport, *, queue_limit: int = 256) -> None:
        self.transport = transport
        self.queue_limit = queue_limit
        self.state = State.CONNECTING
        self.offsets: dict[str, int] = {}
        self.info: dict[str, Any] = {}
        self._buffers: dict[str, list[tuple[int, str]]] = {}
        self._queue: deque[str] = deque()
        self._wakeup = asyncio.Event()
        self._writer: asyncio.Task[None] | None = None
        self.close_code: int | None = None
        self.id = ""  # given by the hub: "<node>:<n>"

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

    def deliver(self, channel: str, offset: int, frame: str) -> None:
        buffer = self._buffers.get(channel)
        if buffer is not None:
            buffer.append((offset, frame))
            return
        self._deliver_now(channel, offset, frame)

    def _deliver_now(self, channel: str, offset: int, frame: str) -> None:
        if offset <= self.offsets.get(channel, 0):
            return  # already delivered (history overlap): never a duplicate
        self.offsets[channel] = offset
        self.send(frame)

    def send(self, frame: str) -> None:
        if self.state is State.CLOSED:
            return
        if len(self._queue) >= self.queue_limit:
            # A tablet that does not read must not hold up the room or grow without bound.
            self.abort(Close.SLOW_CONSUMER)
            return
        self._queue.append(frame)
        self._wakeup.set()

    # --- lifecycle -----------------------------------------------------------------------

    def start_writer(self) -> None:
        self._writer = asyncio.create_task(self._write_loop())

    async def _write_loop(self) -> None:
        try:
            while not self.closed:
                await self._wakeup.wait()
                self._wakeup.clear()
                while self._queue and not self.closed:
                    await self.transport.send_text(self._queue.popleft())
        except Exception as exc:  # the socket went away under us
            log.debug("writer stopped: %r", exc)
            self.state = State.CLOSED

    def abort(self, code: Close, reason: str = "") -> None:
        """Close from synchronous code (fan-out): drop the queue and close in the background."""
        if self.state is State.CLOSED:
            return
        self.state = State.CLOSED
        self.close_code = int(code)
        self._queue.clear()
        self._wakeup.set()
        asyncio.get_running_loop().create_task(self._close(int(code), reason))

    async def close(self, code: Close, reason: str = "") -> None:
        """Close after flushing what is queued (e.g. an error frame)."""
        if self.state is State.CLOSED:
            return
        await self.flush()
        self.state = State.CLOSED
        self.close_code = int(code)
        self._wakeup.set()
        await self._close(int(code), reason)

    async def flush(self, within: float = 2.0) -> None:
        """Wait (a bounded time) until the queue is written out."""
        deadline = asyncio.get_running_loop().time() + within
        while self._queue and not self.closed:
            if asyncio.get_running_loop().time() > deadline:
                break
            await asyncio.sleep(0.005)

    async def _close(self, code: int, reason: str) -> None:
        try:
            await self.transport.close(code, reason[:120])
        except Exception as exc:
            log.debug("close failed: %r", exc)

    async def stop(self) -> None:
        self.state = State.CLOSED
        self._wakeup.set()
        if self._writer is not None:
            self._writer.cancel()
            try:
                await self._writer
            except asyncio.CancelledError:
                pass
