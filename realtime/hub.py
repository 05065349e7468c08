"""The hub: which clients listen to which channels, fan-out of publications, recovery, and
presence. It encodes each publication once and never waits on a slow client."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from realtime.broker import Broker, Position, Publication
from realtime.client import Client
from realtime.protocol import Close, dumps


class Hub:
    def __init__(self, broker: Broker) -> None:
        self.broker = broker
        self._subs: dict[str, set[Client]] = {}
        self._presence_pending: set[str] = set()
        broker.set_handler(self._on_publication)

    # --- publishing ----------------------------------------------------------------------

    async def publish(self, channel: str, type: str, data: Any) -> Publication:
        return await self.broker.publish(channel, type, data)

    def _on_publication(self, pub: Publication, frame: str) -> None:
        for client in tuple(self._subs.get(pub.channel, ())):
            client.deliver(pub.channel, pub.offset, frame)

    # --- subscriptions -------------------------------------------------------------------

    def subscribers(self, channel: str) -> set[Client]:
        return self._subs.get(channel, set())

    async def attach(self, client: Client, channel: str, since: Position | None) -> Any:
        """Subscribe `client` to `channel`, buffering live publications.

        Returns the missed publications when `since` can be recovered from history, else the
        channel's current position: the caller then sends a snapshot and calls
        `client.finish_recovery(channel, position.offset)`."""
        client.begin_recovery(channel)
        self._subs.setdefault(channel, set()).add(client)
        if since is not None:
            missed = await self.broker.history(channel, since)
            if missed is not None:
                return missed
        return await self.broker.position(channel)

    def detach(self, client: Client) -> list[str]:
        channels = []
        for channel, subs in list(self._subs.items()):
            if client in subs:
                subs.discard(client)
                channels.append(channel)
                if not subs:
                    del self._subs[channel]
        return channels

    # --- presence ------------------------------------------------------------------------

    def presence(self, channel: str) -> list[dict[str, Any]]:
        return [dict(c.info) for c in self._subs.get(channel, ()) if c.info and not c.closed]

    def announce_presence(
        self, channel: str, audience: str, describe: Callable[[list[dict[str, Any]]], Any]
    ) -> None:
        """Send the presence of `channel` to the clients of `audience`, coalescing bursts
        (a roomful of tablets connecting at once) into one message per 200 ms."""
        if channel in self._presence_pending:
            return
        self._presence_pending.add(channel)

        def send() -> None:
            self._presence_pending.discard(channel)
            frame = dumps({"type": "presence", "data": describe(self.presence(channel))})
            for client in tuple(self._subs.get(audience, ())):
                client.send(frame)

        asyncio.get_running_loop().call_later(0.2, send)

    async def close(self, code: int) -> None:
        clients = {c for subs in self._subs.values() for c in subs}
        await asyncio.gather(*(c.close(Close(code)) for c in clients), return_exceptions=True)
