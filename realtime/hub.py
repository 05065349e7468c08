"""The hub: which clients of this process listen to which channels, fan-out of publications,
recovery, presence, control messages between processes, and the places each identity's
connections hold under a cap (counted by the broker, so across processes).

It encodes nothing per client: a publication arrives encoded once and the same string goes
into every subscriber's queue. It never waits on a slow client.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import secrets
import time
from collections.abc import Callable
from typing import Any

from realtime.broker import Broker, BrokerUnavailable, Position, Publication
from realtime.client import Client
from realtime.presence import Presence
from realtime.protocol import Close, dumps

log = logging.getLogger("phonghop.hub")

Describe = Callable[[list[dict[str, Any]]], Any]


class Hub:
    def __init__(
        self,
        broker: Broker,
        presence: Presence,
        *,
        presence_refresh_seconds: float = 15.0,
        presence_coalesce_seconds: float = 0.2,
        ping_seconds: float = 10.0,
        timeout_seconds: float = 25.0,
    ) -> None:
        self.broker = broker
        self.presence_store = presence
        self.node = secrets.token_hex(4)
        self.presence_refresh = presence_refresh_seconds
        self.presence_coalesce = presence_coalesce_seconds
        self.ping_seconds = ping_seconds
        self.timeout_seconds = timeout_seconds
        self.clients: set[Client] = set()
        self._ids = itertools.count(1)
        self._subs: dict[str, set[Client]] = {}
        self._last: dict[str, Position] = {}
        self._presence: dict[Client, dict[str, dict[str, Any]]] = {}
        self._watch: dict[str, tuple[str, Describe]] = {}
        self._pending: set[str] = set()
        self._control_handlers: list[Callable[[dict[str, Any]], None]] = []
        self._timers: list[asyncio.Task[None]] = []
        self._announcing: set[asyncio.Task[None]] = set()  # coalesced presence, in flight
        # A connection not heard for a ping interval plus 2 s is a dropped tablet: its place
        # under the cap is free. Places this process holds are touched about once a second.
        self.stale_after = ping_seconds + 2.0
        self.touch_seconds = min(1.0, ping_seconds / 2)
        self._claims: dict[str, tuple[str, Client | None]] = {}  # claim -> identity, client
        self._by_identity: dict[str, set[str]] = {}
        self._touch_failed = False
        broker.set_handlers(self._on_publication, self._on_control)

    async def start(self) -> None:
        await self.broker.start()
        self._timers = [asyncio.create_task(self._refresh_presence()),
                        asyncio.create_task(self._heartbeat()),
                        asyncio.create_task(self._touch_sockets())]

    async def close(self, code: Close = Close.SHUTDOWN) -> None:
        for timer in (*self._timers, *self._announcing):
            timer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await timer
        for client in tuple(self.clients):
            client.close(code, "server shutting down")
        for client in tuple(self._presence):
            await self._drop_presence(client)
        for claim in tuple(self._claims):
            with contextlib.suppress(Exception):
                await self.release_socket(claim)
        await self.broker.close()

    async def _heartbeat(self) -> None:
        """One timer for every connection: ping the quiet ones, close the silent ones."""
        ping = b'{"type":"ping"}'
        while True:
            await asyncio.sleep(self.ping_seconds)
            now = time.monotonic()
            for client in tuple(self.clients):
                if now - client.last_heard > self.timeout_seconds:
                    client.close(Close.HEARTBEAT_TIMEOUT, "heartbeat timeout")
                else:
                    client.send(ping)

    # --- places under the cap of connections per identity ---------------------------------

    async def claim_socket(self, identity: str, cap: int) -> str | None:
        """A place for one more connection of `identity`, or None when it already holds
        `cap` across every process. Its connections here that have gone silent are closed
        first and make way. If the broker cannot be reached, this process counts only its
        own (a Redis blink must not lock a room out) and says so in the log."""
        silent_since = time.monotonic() - self.stale_after
        for claim in tuple(self._by_identity.get(identity, ())):
            client = self._claims[claim][1]
            if client is not None and not client.closed and client.last_heard < silent_since:
                client.close(Close.HEARTBEAT_TIMEOUT, "heartbeat timeout")
                await self.release_socket(claim)
        claim = f"{self.node}:s{next(self._ids)}"
        try:
            granted = await self.broker.claim_socket(identity, claim, cap, self.stale_after)
        except BrokerUnavailable as exc:
            log.warning("sockets of %s counted on this process only (broker unavailable: %s)",
                        identity, exc)
            granted = len(self._by_identity.get(identity, ())) < cap
        if not granted:
            return None
        self._claims[claim] = (identity, None)
        self._by_identity.setdefault(identity, set()).add(claim)
        return claim

    def hold(self, claim: str, client: Client) -> None:
        """`client` is the connection that holds `claim` (it is released with it)."""
        identity = self._claims[claim][0]
        self._claims[claim] = (identity, client)
        client.claim = claim

    async def release_socket(self, claim: str) -> None:
        """The place is free at once (a second release does nothing)."""
        held = self._claims.pop(claim, None)
        if held is None:
            return
        identity = held[0]
        mine = self._by_identity.get(identity)
        if mine is not None:
            mine.discard(claim)
            if not mine:
                del self._by_identity[identity]
        try:
            await self.broker.release_socket(identity, claim)
        except BrokerUnavailable as exc:  # not touched any more: stale within stale_after
            log.warning("socket place %s not released now (broker unavailable: %s)", claim, exc)

    def held_sockets(self) -> dict[str, dict[str, float]]:
        """identity -> {claim: seconds since its connection was last heard}, for this process."""
        now = time.monotonic()
        held: dict[str, dict[str, float]] = {}
        for claim, (identity, client) in self._claims.items():
            if client is not None and client.closed:
                continue  # going: released when it is unregistered
            age = 0.0 if client is None else max(0.0, now - client.last_heard)
            held.setdefault(identity, {})[claim] = age
        return held

    async def _touch_sockets(self) -> None:
        while True:
            await asyncio.sleep(self.touch_seconds)
            if not self._claims:
                continue
            try:
                await self.broker.touch_sockets(self.held_sockets(), self.stale_after)
                if self._touch_failed:
                    log.info("socket places touched again")
                self._touch_failed = False
            except Exception as exc:  # the broker is away: try again next round
                if not self._touch_failed:
                    log.warning("socket places not touched: %r", exc)
                self._touch_failed = True

    # --- clients -------------------------------------------------------------------------

    def register(self, client: Client) -> None:
        client.id = f"{self.node}:{next(self._ids)}"
        self.clients.add(client)

    async def unregister(self, client: Client) -> None:
        self.clients.discard(client)
        for channel in client.channels:  # its own few, not every channel of the hub
            subs = self._subs.get(channel)
            if subs is None:
                continue
            subs.discard(client)
            if not subs:
                del self._subs[channel]
                self._last.pop(channel, None)
        client.channels.clear()
        await self._drop_presence(client)
        if client.claim is not None:
            await self.release_socket(client.claim)

    # --- publishing ----------------------------------------------------------------------

    async def publish(self, channel: str, type: str, data: Any) -> Publication:
        return await self.broker.publish(channel, type, data)

    def _on_publication(self, pub: Publication) -> None:
        subs = self._subs.get(pub.channel)
        if not subs:
            return
        last = self._last.get(pub.channel)
        if last is not None and (pub.epoch != last.epoch or pub.offset > last.offset + 1):
            # Publications went missing on the way here (a lost broker connection): these
            # tablets cannot be sure of their state, so they reconnect and recover.
            log.warning("gap on %s: had %s, got %s/%s", pub.channel, last, pub.offset, pub.epoch)
            self._last[pub.channel] = Position(pub.offset, pub.epoch)
            for client in tuple(subs):
                client.close(Close.RESYNC, "resync")
            return
        if last is None or pub.offset > last.offset:
            self._last[pub.channel] = Position(pub.offset, pub.epoch)
        frame = pub.frame.encode()  # once, for every tablet
        for client in tuple(subs):
            client.deliver(pub.channel, pub.offset, frame)

    # --- subscriptions -------------------------------------------------------------------

    def subscribers(self, channel: str) -> set[Client]:
        return self._subs.get(channel, set())

    async def attach(
        self, client: Client, channel: str, since: Position | None
    ) -> list[Publication] | Position:
        """Subscribe `client` to `channel`, buffering live publications.

        Returns the missed publications when `since` can be recovered from history, else the
        channel's current position: the caller then sends a snapshot. Either way it ends with
        `client.finish_recovery(channel, offset the tablet then holds)`."""
        client.begin_recovery(channel)
        self._subs.setdefault(channel, set()).add(client)
        client.channels.add(channel)
        if since is not None:
            missed = await self.broker.history(channel, since)
            if missed is not None:
                end = missed[-1].offset if missed else since.offset
                self._seen(channel, Position(end, since.epoch))
                return missed
        position = await self.broker.position(channel)
        self._seen(channel, position)
        return position

    def _seen(self, channel: str, position: Position) -> None:
        last = self._last.get(channel)
        if last is None or last.epoch != position.epoch or position.offset > last.offset:
            self._last[channel] = position

    # --- presence ------------------------------------------------------------------------

    def watch_presence(self, channel: str, audience: str, describe: Describe) -> None:
        """Send the presence of `channel` to the subscribers of `audience` when it changes."""
        self._watch[channel] = (audience, describe)

    async def set_presence(self, client: Client, channel: str, info: dict[str, Any]) -> None:
        self._presence.setdefault(client, {})[channel] = info
        await self.presence_store.update(channel, client.id, info)
        await self.broker.control({"op": "presence", "channel": channel})

    async def _drop_presence(self, client: Client) -> None:
        for channel in self._presence.pop(client, {}):
            await self.presence_store.remove(channel, client.id)
            await self.broker.control({"op": "presence", "channel": channel})

    def presence_of(self, client: Client, channel: str) -> dict[str, Any]:
        return dict(self._presence.get(client, {}).get(channel, {}))

    async def presence(self, channel: str) -> list[dict[str, Any]]:
        return await self.presence_store.list(channel)

    async def _refresh_presence(self) -> None:
        while True:
            await asyncio.sleep(self.presence_refresh)
            for client, entries in list(self._presence.items()):
                for channel, info in entries.items():
                    try:
                        await self.presence_store.update(channel, client.id, info)
                    except Exception as exc:  # the store is away: try again next round
                        log.warning("presence refresh failed: %r", exc)

    def _announce(self, channel: str) -> None:
        watch = self._watch.get(channel)
        if watch is None or channel in self._pending:
            return
        audience, describe = watch
        if not self._subs.get(audience):
            return
        self._pending.add(channel)

        async def send() -> None:
            # Coalesce a roomful of tablets connecting at once into one message.
            await asyncio.sleep(self.presence_coalesce)
            self._pending.discard(channel)
            entries = await self.presence_store.list(channel)
            frame = dumps({"type": "presence", "data": describe(entries)}).encode()
            for client in tuple(self._subs.get(audience, ())):
                client.send(frame)

        task = asyncio.get_running_loop().create_task(send())
        self._announcing.add(task)
        task.add_done_callback(self._announcing.discard)

    # --- control between processes -------------------------------------------------------

    def on_control(self, handler: Callable[[dict[str, Any]], None]) -> None:
        self._control_handlers.append(handler)

    async def control(self, message: dict[str, Any]) -> None:
        """Send a control message to every process. It is applied here first, at once (what
        this process was asked must not wait for the broker's echo, nor for the broker to be
        up), then sent; the echo applies it again, which changes nothing. With the broker
        away the others miss it: the broker, back, has every process resync (`op: resync`),
        which drops what they cached."""
        self._on_control(message)
        try:
            await self.broker.control(message)
        except BrokerUnavailable as exc:
            log.warning("control %s applied on this process only: broker away (%s)",
                        message.get("op"), exc)

    async def disconnect(self, match: dict[str, Any], code: Close) -> None:
        """Close, on every process, the connections whose info has all of `match`."""
        await self.control({"op": "close", "match": match, "code": int(code)})

    def _on_control(self, message: dict[str, Any]) -> None:
        op = message.get("op")
        if op == "presence":
            self._announce(str(message.get("channel")))
        elif op == "close":
            match = message.get("match") or {}
            code = Close(int(message.get("code", Close.FORBIDDEN)))
            for client in tuple(self.clients):
                if all(client.info.get(k) == v for k, v in match.items()):
                    client.close(code)
        elif op == "resync":
            for client in tuple(self.clients):
                client.close(Close.RESYNC, "resync")
        for handler in self._control_handlers:
            handler(message)
