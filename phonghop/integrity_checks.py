"""The scheduled integrity check, owned by the app's lifespan: every
`PHONGHOP_INTEGRITY_HOURS` (24 by default; 0: never on its own) one process re-hashes the
stored files and re-verifies the record chains (`meetings.integrity`), stores the report and
logs any damage at level error for the administrator. Whichever process finds the last run
older than the period runs it, so several processes do not all check at once."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool

from meetings import integrity
from meetings.models import utcnow

if TYPE_CHECKING:
    from phonghop.services import Services

log = logging.getLogger("phonghop.integrity")


class IntegrityChecks:
    def __init__(self, services: Services) -> None:
        self.services = services
        self._lock = asyncio.Lock()

    def start(self) -> None:
        if self.services.settings.integrity_hours > 0:
            self.services.tasks.spawn(self._forever(), "integrity-check", timer=True)

    async def run(self, trigger: str) -> dict[str, Any]:
        """Check now (one at a time per process); the stored report."""
        async with self._lock:
            blobs = self.services.blobs
            report = await run_in_threadpool(lambda: self._check(blobs))
            row = await self.services.write(
                lambda s: integrity.view(integrity.store(s, report, trigger=trigger)))
        if report.damage:
            for damage in report.damage:
                log.error("integrity: %s, meeting %s: %s — %s", damage.kind, damage.meeting_id,
                          damage.what, damage.message)
        else:
            log.info("integrity: %d files and %d meetings checked, no damage",
                     report.files_checked, report.meetings_checked)
        return row

    def _check(self, blobs: Any) -> integrity.Report:
        with self.services.db.read() as session:
            return integrity.check(session, blobs)

    async def _forever(self) -> None:
        period = timedelta(hours=self.services.settings.integrity_hours)
        # Not at once on start: a first look after a while (ten minutes at most), then
        # whenever the last run, by any process, is a period old.
        step = min(period.total_seconds(), 600.0)
        while True:
            await asyncio.sleep(step)
            last = await self.services.read(integrity.last_started)
            if last is None or utcnow() - _aware(last) >= period:
                try:
                    await self.run("schedule")
                except Exception:  # the next period tries again; the server keeps serving
                    log.exception("integrity: the scheduled check failed")

def _aware(moment: Any) -> Any:
    from datetime import UTC
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
