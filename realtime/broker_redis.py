"""The Redis broker: many server processes share channels through one Redis.

Each channel has a hash (offset, epoch) and a stream (its history, bounded by size and age).
Publishing is one Lua script: it takes the next offset, appends to the stream and publishes
the encoded frame on one pub/sub channel, atomically, so every process sees every channel's
publications in offset order. A channel whose keys expired comes back with a new epoch:
tablets that held the old one reload a snapshot.

The connections of each identity (a person's sockets, for the cap on sockets per person) are a
sorted set per identity, scored by when each was last heard, in Redis' clock: claiming drops
the stale members and counts in one script; every process touches its own members about
once a second, so a process that dies stops holding its places within the stale interval.
Every key has a TTL: a cluster that crashed leaves nothing behind for ever.

Every process receives every publication and drops those no local tablet listens to: at a
province's scale (hundreds of meetings a week, a few events a second) that is cheaper than
subscribing per channel.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import math
import secrets
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from realtime.broker import (
    BrokerUnavailable,
    ControlHandler,
    Position,
    Publication,
    PublicationHandler,
)
from realtime.protocol import dumps

log = logging.getLogger("phonghop.broker.redis")

PUBLISH = """
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then
  epoch = ARGV[4]
  redis.call('HSET', KEYS[1], 'epoch', epoch)
end
local offset = redis.call('HINCRBY', KEYS[1], 'offset', 1)
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local last = tonumber(redis.call('HGET', KEYS[1], 'ms') or '0')
if now < last then now = last end
redis.call('HSET', KEYS[1], 'ms', now)
local frame = '{"channel":' .. ARGV[1] .. ',"offset":' .. offset .. ',"epoch":"' .. epoch
  .. '","type":' .. ARGV[2] .. ',"data":' .. ARGV[3] .. '}'
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[5], now .. '-' .. offset, 'f', frame)
redis.call('XTRIM', KEYS[2], 'MINID', '~', now - tonumber(ARGV[6]))
redis.call('EXPIRE', KEYS[1], ARGV[7])
redis.call('EXPIRE', KEYS[2], ARGV[7])
redis.call('PUBLISH', ARGV[8], ARGV[9] .. '\\n' .. offset .. '\\n' .. epoch .. '\\n' .. frame)
return {offset, epoch, frame}
"""

POSITION = """
redis.call('HSETNX', KEYS[1], 'epoch', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
local v = redis.call('HMGET', KEYS[1], 'offset', 'epoch')
return {v[1] or '0', v[2]}
"""

HISTORY = """
local v = redis.call('HMGET', KEYS[1], 'offset', 'epoch')
if not v[2] then return {'0', ''} end
local current = tonumber(v[1] or '0')
local count = current - tonumber(ARGV[1])
if count <= 0 then return {tostring(current), v[2]} end
local entries = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', count)
local out = {tostring(current), v[2]}
for i = #entries, 1, -1 do
  out[#out + 1] = entries[i][1]
  out[#out + 1] = entries[i][2][2]
end
return out
"""


CLAIM_SOCKET = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (now - tonumber(ARGV[3])))
if not redis.call('ZSCORE', KEYS[1], ARGV[1])
    and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  return 0
end
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1
"""

# KEYS: one sorted set per identity; ARGV: the TTL, then per key its count of members and
# that many (member, milliseconds since heard) pairs.
TOUCH_SOCKETS = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local a = 2
for _, key in ipairs(KEYS) do
  local n = tonumber(ARGV[a])
  a = a + 1
  for _ = 1, n do
    redis.call('ZADD', key, now - tonumber(ARGV[a + 1]), ARGV[a])
    a = a + 2
  end
  redis.call('EXPIRE', key, ARGV[1])
end
return #KEYS
"""


P = ParamSpec("P")
R = TypeVar("R")


def _unavailable(method: Callable[P, Coroutine[Any, Any, R]]
                 ) -> Callable[P, Coroutine[Any, Any, R]]:
    """Redis down (restarting, unreachable) is `BrokerUnavailable` to the hub's callers."""

    @functools.wraps(method)
    async def call(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await method(*args, **kwargs)
        except (RedisError, OSError) as exc:
            raise BrokerUnavailable(str(exc)) from exc

    return call


class RedisBroker:
    def __init__(
        self,
        url: str,
        *,
        prefix: str = "phonghop",
        history_size: int = 1000,
        history_seconds: int = 3600,
        channel_ttl_seconds: int = 86400,
        max_connections: int = 50,
    ) -> None:
        self.url = url
        self.max_connections = max_connections
        self.prefix = prefix
        self.history_size = history_size
        self.history_seconds = history_seconds
        self.channel_ttl = channel_ttl_seconds
        self._pub_key = f"{prefix}:pub"
        self._ctl_key = f"{prefix}:ctl"
        self._redis: aioredis.Redis | None = None
        self._listener: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()
        self._on_publication: PublicationHandler | None = None
        self._on_control: ControlHandler | None = None
        self._scripts: dict[str, Any] = {}

    def set_handlers(self, on_publication: PublicationHandler, on_control: ControlHandler) -> None:
        self._on_publication, self._on_control = on_publication, on_control

    def _meta(self, channel: str) -> str:
        return f"{self.prefix}:ch:{channel}:meta"

    def _stream(self, channel: str) -> str:
        return f"{self.prefix}:ch:{channel}:stream"

    @property
    def redis(self) -> aioredis.Redis:
        assert self._redis is not None, "broker not started"
        return self._redis

    async def start(self) -> None:
        # A reconnect storm asks for history on hundreds of tablets at once: they queue for
        # one of a bounded set of connections instead of failing at redis-py's limit.
        pool = aioredis.BlockingConnectionPool.from_url(
            self.url, max_connections=self.max_connections, timeout=30, decode_responses=True)
        self._redis = aioredis.Redis.from_pool(pool)  # owns the pool: aclose() closes it
        for name, source in (("publish", PUBLISH), ("position", POSITION), ("history", HISTORY),
                             ("claim_socket", CLAIM_SOCKET), ("touch_sockets", TOUCH_SOCKETS)):
            self._scripts[name] = self._redis.register_script(source)
        self._listener = asyncio.create_task(self._listen())
        # Publications must not be lost between start and the subscription being in place.
        await asyncio.wait_for(self._ready.wait(), 10)

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        if self._redis is not None:
            await self._redis.aclose()

    async def _listen(self) -> None:
        delay = 0.2
        lost = False
        while True:
            pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self._pub_key, self._ctl_key)
                self._ready.set()
                if lost and self._on_control is not None:
                    # Publications may have gone by while we were away: tablets resync.
                    self._on_control({"op": "resync"})
                delay = 0.2
                async for message in pubsub.listen():
                    if message["type"] != "message":
                        continue
                    if message["channel"] == self._pub_key:
                        self._deliver(message["data"])
                    elif self._on_control is not None:
                        self._on_control(json.loads(message["data"]))
            except asyncio.CancelledError:
                await pubsub.aclose()
                raise
            except (RedisError, OSError) as exc:
                log.warning("redis subscription lost (%r); retrying in %.1f s", exc, delay)
                lost = True
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    def _deliver(self, raw: str) -> None:
        channel, offset, epoch, frame = raw.split("\n", 3)
        if self._on_publication is not None:
            self._on_publication(Publication(channel, int(offset), epoch, frame))

    @_unavailable
    async def publish(self, channel: str, type: str, data: Any) -> Publication:
        offset, epoch, frame = await self._scripts["publish"](
            keys=[self._meta(channel), self._stream(channel)],
            args=[
                json.dumps(channel, ensure_ascii=False),
                json.dumps(type, ensure_ascii=False),
                dumps(data),
                secrets.token_hex(4),
                self.history_size,
                self.history_seconds * 1000,
                self.channel_ttl,
                self._pub_key,
                channel,
            ],
        )
        return Publication(channel, int(offset), epoch, frame)

    @_unavailable
    async def position(self, channel: str) -> Position:
        offset, epoch = await self._scripts["position"](
            keys=[self._meta(channel)], args=[secrets.token_hex(4), self.channel_ttl]
        )
        return Position(int(offset), epoch)

    @_unavailable
    async def history(self, channel: str, since: Position) -> list[Publication] | None:
        reply = await self._scripts["history"](
            keys=[self._meta(channel), self._stream(channel)], args=[since.offset]
        )
        current, epoch, rest = int(reply[0]), reply[1], reply[2:]
        if epoch != since.epoch or since.offset > current:
            return None
        pubs = [
            Publication(channel, int(entry_id.split("-")[1]), epoch, frame)
            for entry_id, frame in zip(rest[::2], rest[1::2], strict=True)
        ]
        expected = list(range(since.offset + 1, current + 1))
        if [p.offset for p in pubs] != expected:
            return None  # trimmed by size or age: the tablet reloads a snapshot
        return pubs

    @_unavailable
    async def control(self, message: dict[str, Any]) -> None:
        await self.redis.publish(self._ctl_key, dumps(message))

    def _sockets_key(self, identity: str) -> str:
        return f"{self.prefix}:sockets:{identity}"

    @staticmethod
    def _sockets_ttl(stale_after: float) -> int:
        return math.ceil(stale_after) * 2 + 5

    @_unavailable
    async def claim_socket(self, identity: str, conn_id: str, cap: int,
                           stale_after: float) -> bool:
        claimed = await self._scripts["claim_socket"](
            keys=[self._sockets_key(identity)],
            args=[conn_id, cap, int(stale_after * 1000), self._sockets_ttl(stale_after)],
        )
        return bool(int(claimed))

    @_unavailable
    async def release_socket(self, identity: str, conn_id: str) -> None:
        await self.redis.zrem(self._sockets_key(identity), conn_id)

    @_unavailable
    async def touch_sockets(self, held: dict[str, dict[str, float]],
                            stale_after: float) -> None:
        keys: list[str] = []
        args: list[str | int] = [self._sockets_ttl(stale_after)]
        for identity, conns in held.items():
            if not conns:
                continue
            keys.append(self._sockets_key(identity))
            args.append(len(conns))
            for conn_id, age in conns.items():
                args += [conn_id, max(0, int(age * 1000))]
        if keys:
            await self._scripts["touch_sockets"](keys=keys, args=args)

    async def drop_all(self) -> None:
        """Delete every key under this broker's prefix (tests use their own prefixes)."""
        async for key in self.redis.scan_iter(match=f"{self.prefix}:*", count=500):
            await self.redis.delete(key)
