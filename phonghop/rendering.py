"""Page images: rendered in worker processes, cached on disk by (content hash, page, width,
format). Watermarked images (confidential meetings) are rendered per viewer and not kept.

The event loop only waits; it never renders. Two requests for the same image share one
render. The workers run under an address-space limit: a page built to exhaust memory kills a
worker, the pool is rebuilt, and the request gets a refusal.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import resource
import shutil
import signal
import tempfile
import threading
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from meetings.documents.blobs import BlobStore
from meetings.documents.orphans import die_with_parent
from meetings.documents.pages import DEFAULT_FORMAT, render_page, snap_width, write_image
from meetings.errors import invalid

Progress = Callable[[int, int], Awaitable[None]]


def _worker_init(memory_mb: int, server: int) -> None:
    die_with_parent(server)
    # Ctrl-C at the terminal reaches the whole process group; the server stops its workers
    # at shutdown, so a worker ignores it rather than die printing a traceback. (Workers
    # spawned at start-up ignore it from birth: see `_sigint_ignored`.)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    import pymupdf  # noqa: F401  (import once in each worker before the first request)


def _warm() -> None:
    pass


@contextmanager
def _sigint_ignored() -> Iterator[None]:
    """SIGINT ignored in this process for a moment, so that the workers spawned meanwhile
    start ignoring it (an ignored signal stays ignored across exec, and Python then leaves
    it so): a Ctrl-C while they import cannot kill them with a traceback. Only the main
    thread may change a handler; elsewhere (tests) nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


# Behind nginx (PHONGHOP_ACCEL_REDIRECT) the server's group reads the cache: it may pass
# through its folders (not list them) and read the images.
SHARED_FOLDER, SHARED_FILE = 0o710, 0o640


class PageRenderer:
    def __init__(self, blobs: BlobStore, cache_dir: Path, workers: int,
                 memory_mb: int = 1536, *, shared: bool = False) -> None:
        self.blobs = blobs
        self.cache_dir = cache_dir
        self.shared = shared
        self.file_mode = SHARED_FILE if shared else 0o600
        self.workers = max(1, workers)
        self.memory_mb = memory_mb
        self._pool: ProcessPoolExecutor | None = None
        self._inflight: dict[Path, asyncio.Future[str]] = {}
        self._background: set[asyncio.Task[None]] = set()

    def _new_pool(self) -> ProcessPoolExecutor:
        # Workers are spawned, not forked: the server has threads, and a forked copy of a
        # thread holding a lock would hang.
        return ProcessPoolExecutor(
            max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
            initializer=_worker_init, initargs=(self.memory_mb, os.getpid()),
        )

    def start(self, *, warm: bool = True) -> None:
        if self.shared:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            for folder in (self.cache_dir.parent, self.cache_dir):
                folder.chmod(SHARED_FOLDER)
        self._pool = self._new_pool()
        if warm:
            with _sigint_ignored():  # each submit spawns a worker
                for _ in range(self.workers):
                    self._pool.submit(_warm)

    async def close(self) -> None:
        """Stop background renders (and wait for them to unwind), then the workers."""
        pending = list(self._background)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def cache_path(self, sha256: str, page: int, width: int, fmt: str = DEFAULT_FORMAT) -> Path:
        ext = "png" if fmt == "png" else fmt
        return self.cache_dir / sha256[:2] / sha256 / f"{page}-{width}.{ext}"

    def forget(self, sha256: str) -> None:
        """Delete the cached images of a file that is gone (a disposed meeting's)."""
        shutil.rmtree(self.cache_dir / sha256[:2] / sha256, ignore_errors=True)

    def _folder_for(self, target: Path) -> None:
        """The image's two folders, made passable by the server's group when shared."""
        if not self.shared or target.parent.is_dir():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        for folder in (target.parent.parent, target.parent):
            folder.chmod(SHARED_FOLDER)

    async def _run(self, *args: Any) -> str:
        assert self._pool is not None, "renderer not started"
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._pool, render_page, *args)
        except BrokenProcessPool:
            # A worker died (out of memory on a hostile page): start a fresh pool.
            old, self._pool = self._pool, self._new_pool()
            old.shutdown(wait=False, cancel_futures=True)
            raise invalid("render_failed",
                          "Không hiển thị được trang này (trang quá phức tạp).",
                          "This page cannot be shown (it is too complex to render).") from None

    async def page_image(self, sha256: str, page: int, width: int,
                         fmt: str = DEFAULT_FORMAT) -> Path:
        width = snap_width(width)
        target = self.cache_path(sha256, page, width, fmt)
        if target.exists():
            return target
        pending = self._inflight.get(target)
        if pending is None:
            self._folder_for(target)
            pending = asyncio.ensure_future(
                self._run(str(self.blobs.path(sha256)), page, width, str(target), fmt, "",
                          self.file_mode)
            )
            self._inflight[target] = pending
            pending.add_done_callback(lambda _: self._inflight.pop(target, None))
        await asyncio.shield(pending)
        return target

    def keep(self, sha256: str, page: int, width: int, fmt: str, image: bytes) -> None:
        """Put an image rendered elsewhere (page 1, by the child that read the upload, with
        `render_page` too) in the cache, as if a worker had rendered it."""
        target = self.cache_path(sha256, page, snap_width(width), fmt)
        if not target.exists():
            self._folder_for(target)
            write_image(target, image, self.file_mode)

    async def page_png(self, sha256: str, page: int, width: int) -> Path:
        return await self.page_image(sha256, page, width, "png")

    async def watermarked(self, sha256: str, page: int, width: int, fmt: str,
                          text: str) -> bytes:
        """One viewer's page, with their name and the time on it; never cached."""
        with tempfile.TemporaryDirectory(prefix="phonghop-wm-") as tmp:
            out = Path(tmp) / f"page.{fmt}"
            await self._run(str(self.blobs.path(sha256)), page, snap_width(width), str(out),
                            fmt, text)
            return out.read_bytes()

    def prerender(self, sha256: str, pages: range, width: int,
                  progress: Progress | None = None) -> None:
        """Render pages in the background, in order, reporting (ready, total) as it goes."""
        task = asyncio.ensure_future(self._prerender(sha256, pages, width, progress))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _prerender(self, sha256: str, pages: range, width: int,
                         progress: Progress | None) -> None:
        # At most one page per worker in the queue: a page a member asks for waits for one
        # render at most, never behind the whole document.
        total = len(pages)
        step = max(1, total // 20)
        slots = asyncio.Semaphore(self.workers)
        done = 0

        async def one(page: int) -> None:
            nonlocal done
            async with slots:
                try:
                    await self.page_image(sha256, page, width)
                except Exception:  # a background render that fails is retried on demand
                    pass
            done += 1
            if progress is not None and (done % step == 0 or done == total):
                try:
                    await progress(done, total)
                except Exception:
                    pass

        await asyncio.gather(*(one(page) for page in pages))
