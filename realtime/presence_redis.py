"""Presence shared between processes in Redis: one hash per channel, connection id to the
JSON of its entry and refresh time. Stale entries (a process that died) are dropped."""

from __future__ import annotations

import json
import time
from typing import Any

import redis.asyncio as aioredis

from realtime.broker_redis import RedisBroker
from realtime.protocol import dumps


class RedisPresence:
    """Uses the broker's Redis connection and key prefix."""

    def __init__(self, broker: RedisBroker, *, ttl: float = 45.0) -> None:
        self.broker = broker
        self.prefix = broker.prefix
        self.ttl = ttl

    @property
    def redis(self) -> aioredis.Redis:
        return self.broker.redis

    def _key(self, channel: str) -> str:
        return f"{self.prefix}:presence:{channel}"

    async def update(self, channel: str, conn_id: str, info: dict[str, Any]) -> None:
        key = self._key(channel)
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hset(key, conn_id, dumps({"t": time.time(), "info": info}))
            pipe.expire(key, int(self.ttl * 2))
            await pipe.execute()

    async def remove(self, channel: str, conn_id: str) -> None:
        await self.redis.hdel(self._key(channel), conn_id)

    async def list(self, channel: str) -> list[dict[str, Any]]:
        raw = await self.redis.hgetall(self._key(channel))
        cutoff = time.time() - self.ttl
        live: list[tuple[float, str, dict[str, Any]]] = []
        stale: list[tuple[float, str, dict[str, Any]]] = []
        for conn_id, value in raw.items():
            entry = json.loads(value)
            (live if entry["t"] >= cutoff else stale).append(
                (float(entry["t"]), str(conn_id), entry["info"])
            )
        if stale:
            await self.redis.hdel(self._key(channel), *[c for _, c, _ in stale])
        return [info for _, _, info in sorted(live, key=lambda e: (e[0], e[1]))]
