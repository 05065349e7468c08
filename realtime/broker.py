"""The broker interface: publishing to channels with per-channel offsets, an epoch, and a
bounded history for recovery, plus control messages to every server process, plus the
connections each identity holds (so a cap on sockets per person holds across processes).

The broker never sees connections; it hands publications and control messages to the hub
through two handlers. Implementations live side by side: `broker_memory` (one process, the
default) and `broker_redis` (many processes); one contract test suite runs against both.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Publication:
    channel: str
    offset: int
    epoch: str
    frame: str  # the encoded envelope: exactly what a tablet receives

    def as_dict(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.frame)
        return value


@dataclass(frozen=True)
class Position:
    offset: int
    epoch: str


PublicationHandler = Callable[[Publication], None]
ControlHandler = Callable[[dict[str, Any]], None]


class BrokerUnavailable(Exception):
    """The broker cannot be reached now (Redis restarting). Nothing was published; when the
    broker is back, every process has its tablets resynchronise, so nothing is a gap."""


class Broker(Protocol):
    def set_handlers(self, on_publication: PublicationHandler, on_control: ControlHandler) -> None:
        ...

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def publish(self, channel: str, type: str, data: Any) -> Publication:
        """Append to the channel's history and deliver to every process, atomically: offsets
        are strictly increasing and every process sees them in order."""
        ...

    async def position(self, channel: str) -> Position: ...

    async def history(self, channel: str, since: Position) -> list[Publication] | None:
        """Publications after `since`, in order; None when history cannot cover the gap
        (other epoch, or offsets already trimmed)."""
        ...

    async def control(self, message: dict[str, Any]) -> None:
        """Deliver a control message (close these connections, presence changed...) to every
        process, this one included."""
        ...

    async def claim_socket(self, identity: str, conn_id: str, cap: int,
                           stale_after: float) -> bool:
        """Count `conn_id` among the connections of `identity` if fewer than `cap` are held,
        atomically, across every process. Connections not touched for `stale_after` seconds
        (their process died, or their tablet went silent) are dropped before counting.
        Claiming a connection already held is true and refreshes it."""
        ...

    async def release_socket(self, identity: str, conn_id: str) -> None:
        """The connection is gone: its place is free at once."""
        ...

    async def touch_sockets(self, held: dict[str, dict[str, float]],
                            stale_after: float) -> None:
        """Refresh the connections this process holds: identity -> {conn_id: seconds since
        the connection was last heard}. A connection dropped as stale is counted again."""
        ...
