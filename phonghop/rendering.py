"""Page images: rendered in worker processes, cached on disk by (content hash, page, width).

The event loop only waits; it never renders. Two requests for the same image share one render.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from meetings.blobs import BlobStore
from meetings.pdf_pages import render_page, snap_width


def _warm() -> None:
    import pymupdf  # noqa: F401  (import once in each worker before the first request)


class PageRenderer:
    def __init__(self, blobs: BlobStore, cache_dir: Path, workers: int) -> None:
        self.blobs = blobs
        self.cache_dir = cache_dir
        self.workers = max(1, workers)
        self._pool: ProcessPoolExecutor | None = None
        self._inflight: dict[Path, asyncio.Future[str]] = {}

    def start(self, *, warm: bool = True) -> None:
        # Workers are spawned, not forked: the server has threads, and a forked copy of a
        # thread holding a lock would hang.
        self._pool = ProcessPoolExecutor(
            max_workers=self.workers, mp_context=multiprocessing.get_context("spawn")
        )
        if warm:
            for _ in range(self.workers):
                self._pool.submit(_warm)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def cache_path(self, sha256: str, page: int, width: int) -> Path:
        return self.cache_dir / sha256[:2] / sha256 / f"{page}-{width}.png"

    async def page_png(self, sha256: str, page: int, width: int) -> Path:
        width = snap_width(width)
        target = self.cache_path(sha256, page, width)
        if target.exists():
            return target
        pending = self._inflight.get(target)
        if pending is None:
            assert self._pool is not None, "renderer not started"
            loop = asyncio.get_running_loop()
            pending = asyncio.ensure_future(
                loop.run_in_executor(
                    self._pool, render_page, str(self.blobs.path(sha256)), page, width, str(target)
                )
            )
            self._inflight[target] = pending
            pending.add_done_callback(lambda _: self._inflight.pop(target, None))
        await asyncio.shield(pending)
        return target

    def prerender(self, sha256: str, pages: range, width: int) -> None:
        """Queue pages in the background (e.g. the first pages of a fresh upload)."""
        for page in pages:
            asyncio.ensure_future(self._quiet(sha256, page, width))

    async def _quiet(self, sha256: str, page: int, width: int) -> None:
        try:
            await self.page_png(sha256, page, width)
        except Exception:  # a background render that fails is retried on demand
            pass
