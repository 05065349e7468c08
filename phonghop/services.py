"""The running server's parts, built from settings and held on `app.state.services`:
database, blob store, keys, password hasher, renderer, broker and hub."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from meetings.blobs import BlobStore
from meetings.db import Database
from meetings.events import MEETING, STAFF, Event
from meetings.ingest import Limits
from meetings.minutes import KeyStore
from meetings.passwords import Passwords
from phonghop.rendering import PageRenderer
from phonghop.settings import Settings
from realtime.broker import Broker
from realtime.broker_memory import MemoryBroker
from realtime.hub import Hub
from realtime.presence import MemoryPresence, Presence

T = TypeVar("T")


def meeting_channel(meeting_id: int) -> str:
    return f"meeting:{meeting_id}"


def staff_channel(meeting_id: int) -> str:
    return f"meeting:{meeting_id}:staff"


def user_channel(meeting_id: int, user_id: int) -> str:
    return f"meeting:{meeting_id}:user:{user_id}"


def channel_of(event: Event) -> str:
    if event.audience == MEETING:
        return meeting_channel(event.meeting_id)
    if event.audience == STAFF:
        return staff_channel(event.meeting_id)
    assert event.user_id is not None
    return user_channel(event.meeting_id, event.user_id)


def build_hub(settings: Settings) -> Hub:
    """One process: the in-memory broker. Several: Redis (PHONGHOP_REDIS_URL)."""
    broker: Broker
    presence: Presence
    if settings.redis_url:
        from realtime.broker_redis import RedisBroker
        from realtime.presence_redis import RedisPresence

        redis_broker = RedisBroker(settings.redis_url, prefix=settings.redis_prefix,
                                   history_size=settings.history_size,
                                   history_seconds=settings.history_seconds)
        broker, presence = redis_broker, RedisPresence(redis_broker)
    else:
        broker = MemoryBroker(settings.history_size, settings.history_seconds)
        presence = MemoryPresence()
    return Hub(broker, presence, ping_seconds=settings.ws_ping_seconds,
               timeout_seconds=settings.ws_timeout_seconds)


@dataclass
class Services:
    settings: Settings
    db: Database
    blobs: BlobStore
    keys: KeyStore
    passwords: Passwords
    renderer: PageRenderer
    hub: Hub
    ingest_slots: threading.BoundedSemaphore

    @property
    def limits(self) -> Limits:
        s = self.settings
        return Limits(max_bytes=s.max_upload_mb * 1024 * 1024, max_pages=s.max_pages,
                      max_page_mm=s.max_page_mm, memory_mb=s.ingest_memory_mb,
                      cpu_seconds=s.ingest_cpu_seconds, convert_seconds=s.convert_seconds)

    @classmethod
    def build(cls, settings: Settings) -> Services:
        data = settings.data_dir
        data.mkdir(parents=True, exist_ok=True)
        blobs = BlobStore(data / "blobs")
        return cls(
            settings=settings,
            db=Database(settings.db_url, settings.db_pool_size),
            blobs=blobs,
            keys=KeyStore(data / "keys"),
            passwords=Passwords(fast=settings.fast_passwords),
            renderer=PageRenderer(blobs, data / "cache" / "pages", settings.render_workers,
                                  settings.render_memory_mb),
            hub=build_hub(settings),
            ingest_slots=threading.BoundedSemaphore(max(1, settings.ingest_concurrency)),
        )

    async def write(self, fn: Callable[[Session], T]) -> T:
        """Run `fn` in one committed write transaction, off the event loop."""

        def run() -> T:
            with self.db.write() as session:
                return fn(session)

        return await run_in_threadpool(run)

    async def read(self, fn: Callable[[Session], T]) -> T:
        def run() -> T:
            with self.db.read() as session:
                return fn(session)

        return await run_in_threadpool(run)

    async def publish(self, events: Iterable[Event]) -> None:
        """Publish what the domain says happened. Called after the commit, never before."""
        for event in events:
            await self.hub.publish(channel_of(event), event.type, event.data)

    async def perform(self, fn: Callable[[Session], tuple[Any, list[Event]] | list[Event]]) -> Any:
        """Write, then publish the events the service returned; give back its result."""
        out = await self.write(fn)
        if isinstance(out, list):
            await self.publish(out)
            return None
        result, events = out
        await self.publish(events)
        return result
