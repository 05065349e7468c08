"""The ballot box: group commit of ballots, and coalesced vote progress.

Ballots that arrive together go into one write transaction (the single SQLite writer, or one
PostgreSQL transaction). A refusal by the checks writes nothing, so the batch needs no
savepoints; only when the database itself refuses a ballot (a duplicate that another process
committed meanwhile) is the transaction rolled back and the batch run again with a savepoint
per ballot, so that one refusal does not spoil the others. Every caller gets its answer only
after that transaction has committed: a ballot is never acknowledged before it is durable.
Progress events (`vote.progress`, `vote.tally`) are published at most four times a second per
vote, the latest winning, so that 1,600 ballots do not become 1,600 x 1,600 frames;
`ballot.accepted` goes out at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from meetings.errors import DomainError
from meetings.events import Event
from meetings.votes.voting import WriteConflict

if TYPE_CHECKING:
    from phonghop.services import Services

Cast = Callable[[Session], tuple[dict[str, Any], list[Event]]]
Progress = Callable[[Session, int], list[Event]]
COALESCED = ("vote.progress", "vote.tally")
PROGRESS_EVERY = 0.25
MAX_BATCH = 400


class BallotBox:
    def __init__(self, services: Services, progress: Progress) -> None:
        self.services = services
        self.progress = progress
        self._queue: list[tuple[Cast, asyncio.Future[dict[str, Any]]]] = []
        self._worker: asyncio.Task[None] | None = None
        self._pending: dict[tuple[int, str], Event] = {}
        self._flusher: asyncio.Task[None] | None = None

    async def cast(self, fn: Cast) -> dict[str, Any]:
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._queue.append((fn, future))
        if self._worker is None:
            self._worker = asyncio.get_running_loop().create_task(self._work())
        return await future

    async def close(self) -> None:
        """At shutdown: the ballots already in the box are committed and answered (the
        worker runs to the end of the queue); the coalesced progress goes out."""
        if self._worker is not None:
            await asyncio.shield(self._worker)
        if self._flusher is not None:
            await asyncio.shield(self._flusher)

    async def _work(self) -> None:
        try:
            while self._queue:
                batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
                fns = [fn for fn, _ in batch]
                try:
                    try:
                        outcomes = await run_in_threadpool(self._commit, fns, False)
                    except Exception:  # nothing committed: again, each ballot on its own
                        outcomes = await run_in_threadpool(self._commit, fns, True)
                except Exception as exc:  # the transaction failed: nobody is acknowledged
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                events: list[Event] = []
                for (_, future), outcome in zip(batch, outcomes, strict=True):
                    if isinstance(outcome, DomainError):
                        future.set_exception(outcome)
                    else:
                        events.extend(outcome[1])
                        future.set_result(outcome[0])
                await self._publish(events)
        finally:
            self._worker = None

    def _commit(self, fns: list[Cast], careful: bool
                ) -> list[tuple[dict[str, Any], list[Event]] | DomainError]:
        """One transaction for the batch. First without savepoints (a ballot refused by its
        checks has written nothing); if the database itself refuses one (`WriteConflict`: a
        duplicate another process committed meanwhile) or anything fails, the whole
        transaction is rolled back and the batch runs again, `careful`, each ballot in its
        own savepoint."""
        outcomes: list[tuple[dict[str, Any], list[Event]] | DomainError] = []
        with self.services.db.write() as session:
            votes: set[int] = set()
            for fn in fns:
                try:
                    if careful:
                        with session.begin_nested():
                            outcome = fn(session)
                    else:
                        outcome = fn(session)
                except DomainError as exc:
                    if isinstance(exc, WriteConflict) and not careful:
                        raise  # rolls the whole transaction back
                    outcomes.append(exc)
                    continue
                outcomes.append(outcome)
                votes.add(int(outcome[0]["vote_id"]))
            # progress once per batch, not once per ballot; rides on the first accepted one
            extra = [e for v in sorted(votes) for e in self.progress(session, v)]
            for done in outcomes:
                if not isinstance(done, DomainError):
                    done[1].extend(extra)
                    break
        return outcomes  # committed when the block ended

    async def _publish(self, events: list[Event]) -> None:
        now: list[Event] = []
        for event in events:
            if event.type in COALESCED:
                self._pending[(int(event.data.get("vote_id", 0)), event.type)] = event
            else:
                now.append(event)
        await self.services.publish(now)
        if self._pending and self._flusher is None:
            self._flusher = asyncio.get_running_loop().create_task(self._flush_later())

    async def _flush_later(self) -> None:
        try:
            await asyncio.sleep(PROGRESS_EVERY)
            pending, self._pending = self._pending, {}
            await self.services.publish(pending.values())
        finally:
            self._flusher = None
