"""The broker interface: publishing to channels with per-channel offsets, an epoch, and a
bounded history for recovery. The broker never sees connections; it hands publications to
the hub through one handler."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from realtime.protocol import publication_frame


@dataclass(frozen=True)
class Publication:
    channel: str
    offset: int
    epoch: str
    type: str
    data: Any

    def frame(self) -> str:
        return publication_frame(self.channel, self.offset, self.epoch, self.type, self.data)

    def as_dict(self) -> dict[str, Any]:
        return {"channel": self.channel, "offset": self.offset, "epoch": self.epoch,
                "type": self.type, "data": self.data}


@dataclass(frozen=True)
class Position:
    offset: int
    epoch: str


Handler = Callable[[Publication, str], None]  # (publication, its encoded frame)


class Broker(Protocol):
    def set_handler(self, handler: Handler) -> None: ...

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def publish(self, channel: str, type: str, data: Any) -> Publication: ...

    async def position(self, channel: str) -> Position: ...

    async def history(self, channel: str, since: Position) -> list[Publication] | None:
        """Publications after `since`, in order; None when history cannot cover the gap
        (other epoch, or offsets already trimmed)."""
        ...
