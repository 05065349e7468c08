"""The broker interface: publishing to channels with per-channel offsets, an epoch, and a
bounded history for recovery, plus control messages to every server process.

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
