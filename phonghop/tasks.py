"""Background work the server starts on its own (a vote's timer, the indexing of an upload,
unregistering a dropped tablet): every task is kept until it ends, so none is lost to the
garbage collector mid-flight, and the app's lifespan awaits them all at shutdown, so none is
left holding a database connection when the pool is disposed."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger("phonghop.tasks")


class Tasks:
    def __init__(self) -> None:
        self._running: set[asyncio.Task[Any]] = set()
        self._waiting: set[asyncio.Task[Any]] = set()  # timers: cancelled at once at shutdown
        self._closed = False

    def spawn(self, work: Coroutine[Any, Any, Any], name: str, *, timer: bool = False
              ) -> asyncio.Task[Any] | None:
        """Run `work` in the background; a failure is logged with `name`, never lost. A
        `timer` mostly sleeps (a vote's countdown, a sweeper): shutdown cancels it at once
        instead of letting it finish. After shutdown has begun nothing new starts (the
        coroutine is closed unrun)."""
        if self._closed:
            work.close()
            return None
        task = asyncio.get_running_loop().create_task(work, name=name)
        self._running.add(task)
        if timer:
            self._waiting.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._running.discard(task)
        self._waiting.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background task %s failed", task.get_name(), exc_info=task.exception())

    def __len__(self) -> int:
        return len(self._running)

    def names(self) -> list[str]:
        """What is running now, by name (for the tests and for logs)."""
        return sorted(task.get_name() for task in self._running)

    async def close(self, grace: float = 2.0) -> None:
        """Let running tasks finish for up to `grace` seconds, then cancel the rest and wait
        for them to unwind."""
        self._closed = True
        for task in self._waiting:
            task.cancel()
        if self._running:
            await asyncio.wait(set(self._running), timeout=grace)
        pending = set(self._running)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
