"""The running server's parts, built from settings and held on `app.state.services`:
database, blob store, keys, password hasher, renderer, broker and hub, and the services that
work in the background (the upload pipeline, the ballot box, vote timers, the mailer), whose
tasks the app's lifespan starts and awaits."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

import anyio
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from meetings import archive_search
from meetings.db import Database
from meetings.documents import access_changes
from meetings.documents.blobs import BlobStore
from meetings.documents.ingest import Limits
from meetings.events import INBOX, MEETING, STAFF, Event
from meetings.minutes.drafting import KeyStore
from meetings.models import Vote
from meetings.passwords import Passwords
from meetings.votes.secrecy import Secrecy
from meetings.votes.voting import progress_of
from phonghop.ballot_box import BallotBox
from phonghop.integrity_checks import IntegrityChecks
from phonghop.logins import PasswordChecks, Throttle
from phonghop.mailer import Mailer
from phonghop.page_access import FORGET_PAGES, PageBytes, PageGrants
from phonghop.presenter import PresenterInk
from phonghop.rendering import PageRenderer
from phonghop.settings import Settings
from phonghop.tasks import Tasks
from phonghop.uploads import Uploads
from phonghop.vote_timers import VoteTimers
from realtime.broker import Broker, BrokerUnavailable
from realtime.broker_memory import MemoryBroker
from realtime.hub import Hub
from realtime.presence import MemoryPresence, Presence
from realtime.protocol import Close

T = TypeVar("T")
log = logging.getLogger("phonghop.services")


def meeting_channel(meeting_id: int) -> str:
    return f"meeting:{meeting_id}"


def staff_channel(meeting_id: int) -> str:
    return f"meeting:{meeting_id}:staff"


def user_channel(meeting_id: int, user_id: int) -> str:
    return f"meeting:{meeting_id}:user:{user_id}"


def inbox_channel(user_id: int) -> str:
    return f"user:{user_id}"


def channel_of(event: Event) -> str:
    if event.audience == MEETING:
        return meeting_channel(event.meeting_id)
    if event.audience == STAFF:
        return staff_channel(event.meeting_id)
    assert event.user_id is not None
    if event.audience == INBOX:
        return inbox_channel(event.user_id)
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
    # Read at start: a mistyped holiday stops the server, not a request days later.
    holidays: frozenset[date] = field(default_factory=frozenset)
    tasks: Tasks = field(default_factory=Tasks)
    # Built with the services, each holding a reference back to them.
    secrecy: Secrecy = field(init=False)  # seals secret ballots (meetings.votes.secrecy)
    _bulk_writes: anyio.CapacityLimiter | None = field(init=False, default=None)
    uploads: Uploads = field(init=False)
    ballots: BallotBox = field(init=False)
    vote_timers: VoteTimers = field(init=False)
    mailer: Mailer = field(init=False)
    password_checks: PasswordChecks = field(init=False)  # Argon2id off the loop, bounded
    login_throttle: Throttle = field(init=False)  # wrong passwords, per process
    integrity: IntegrityChecks = field(init=False)  # files and records re-checked
    presenter_ink: PresenterInk = field(default_factory=PresenterInk)  # where it is, per meeting
    # Whom this process gave which document's pages, and the page images it sent last
    # (phonghop.page_access): a page turn costs no database read per tablet.
    page_grants: PageGrants = field(default_factory=PageGrants)
    page_bytes: PageBytes = field(init=False)

    def __post_init__(self) -> None:
        self.secrecy = Secrecy(("phonghop.ballots:" + self.settings.resolved_secret()).encode())
        self.uploads = Uploads(self)
        self.ballots = BallotBox(self, progress_of)
        self.vote_timers = VoteTimers(self)
        self.mailer = Mailer(self)
        self.password_checks = PasswordChecks(self.passwords, self.settings.login_concurrency)
        self.login_throttle = Throttle(self.settings.login_backoff_seconds)
        self.integrity = IntegrityChecks(self)
        self.page_bytes = PageBytes(self.settings.page_memory_mb * 1024 * 1024)
        self.db.after_commit.append(self._committed)

    def _committed(self, session: Session) -> None:
        """After every write, in its thread: one that may change who sees a document's pages
        drops this process's page grants before anyone is answered (`write` then tells the
        other processes)."""
        if access_changes.changed(session):
            self.page_grants.forget_all()

    async def start(self) -> None:
        """What runs with the app: render workers, the archive's index caught up, the hub,
        uploads (those a stopped process was reading are recorded as interrupted), vote
        timers, the mailer."""
        self.hub.on_control(self.page_grants.on_control)
        self.renderer.start(warm=self.settings.render_warm)
        # Meetings sealed before the archive's index existed are indexed once, here.
        await self.write(lambda s: archive_search.backfill(s, self.blobs))
        await self.hub.start()
        await self.uploads.start()
        self.vote_timers.start()
        self.mailer.start()
        self.integrity.start()

    async def close(self) -> None:
        """Stop in the reverse order: nothing new starts, ballots in flight are committed
        and answered, the mailer ends its step, background tasks are awaited, then tablets,
        workers and database."""
        await self.ballots.close()
        await self.mailer.close()
        await self.tasks.close()
        await self.hub.close(Close.SHUTDOWN)
        await self.renderer.close()
        self.password_checks.close()
        self.db.dispose()

    @property
    def limits(self) -> Limits:
        return limits_for(self.settings)

    @classmethod
    def build(cls, settings: Settings) -> Services:
        data = settings.data_dir
        data.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Also a data directory made by an older version, or by hand. Behind nginx sending
        # the page images (accel_redirect), the server's group may pass through it, to the
        # page cache alone (phonghop.rendering).
        data.chmod(0o710 if settings.accel_redirect else 0o700)
        blobs = BlobStore(data / "blobs")
        return cls(
            settings=settings,
            db=Database(settings.db_url, settings.db_pool_size),
            blobs=blobs,
            keys=KeyStore(data / "keys"),
            passwords=Passwords(fast=settings.fast_passwords),
            renderer=PageRenderer(blobs, data / "cache" / "pages", settings.render_workers,
                                  settings.render_memory_mb,
                                  shared=bool(settings.accel_redirect)),
            hub=build_hub(settings),
            ingest_slots=threading.BoundedSemaphore(max(1, settings.ingest_concurrency)),
            holidays=settings.public_holidays,
        )

    async def write(self, fn: Callable[[Session], T], *, bulk: bool = False) -> T:
        """Run `fn` in one committed write transaction, off the event loop.

        `bulk`: one of many small writes that come in streams (annotations: 50 members
        drawing make 100 a second). At most two of them are in the thread pool at once, the
        rest wait their turn on the event loop: they never fill the pool nor queue ahead of a
        page turn or a ballot, which find at most two of them before them at the write lock
        (bench/annotations.py: p99 page change 5x the quiet figure while members drew)."""

        def run() -> tuple[T, bool]:
            with self.db.write() as session:
                out = fn(session)
            return out, access_changes.changed(session)

        if bulk:
            if self._bulk_writes is None:  # made in the event loop, on first use
                self._bulk_writes = anyio.CapacityLimiter(2)
            out, changed = await anyio.to_thread.run_sync(run, limiter=self._bulk_writes)
        else:
            out, changed = await run_in_threadpool(run)
        if changed:
            # Every process forgets whom it gave pages before the writer is answered: the
            # next page anyone asks for, anywhere, is checked against what was just written.
            await self.hub.control({"op": FORGET_PAGES})
        return out

    async def read(self, fn: Callable[[Session], T]) -> T:
        def run() -> T:
            with self.db.read() as session:
                return fn(session)

        return await run_in_threadpool(run)

    async def votes_ended(self, votes: Iterable[Vote | None]) -> None:
        """After a vote closed or was cancelled (committed): a secret one's deleted ballots
        are made unrecoverable from the database's files, in the background."""
        if any(v is not None and v.kind == "secret" for v in votes):
            self.tasks.spawn(run_in_threadpool(self.db.forget_deleted), "forget-secret-ballots")

    async def publish(self, events: Iterable[Event]) -> None:
        """Publish what the domain says happened. Called after the commit, never before.

        What is committed stands even when the broker (Redis) is down and the tablets cannot
        be told now: the broker, once back, has every tablet resynchronise (a snapshot), so a
        publication lost here is never a gap. The caller's answer is not turned into an
        error for it."""
        for event in events:
            try:
                await self.hub.publish(channel_of(event), event.type, event.data)
            except BrokerUnavailable as exc:
                log.warning("publication %s not sent (broker unavailable): %s", event.type, exc)
            if event.type == "presentation":  # a page turn takes the presenter's ink away
                clear = self.presenter_ink.turned(event.meeting_id, event.data)
                if clear is not None:
                    await self.publish([clear])

    async def perform(self, fn: Callable[[Session], tuple[Any, list[Event]] | list[Event]],
                      *, bulk: bool = False) -> Any:
        """Write, then publish the events the service returned; give back its result."""
        out = await self.write(fn, bulk=bulk)
        if isinstance(out, list):
            await self.publish(out)
            return None
        result, events = out
        await self.publish(events)
        return result


def limits_for(s: Settings) -> Limits:
    """What reading one upload may take, from the settings."""
    return Limits(max_bytes=s.max_upload_mb * 1024 * 1024, max_pages=s.max_pages,
                  max_page_mm=s.max_page_mm, memory_mb=s.ingest_memory_mb,
                  cpu_seconds=s.ingest_cpu_seconds, convert_seconds=s.convert_seconds)
