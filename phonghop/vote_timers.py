"""Timed votes close on time, whether or not anyone calls close: a timer per timed vote, and
a sweeper every few seconds as the backstop for timers lost in a restart. Owned by the app's
lifespan: started with it, and stopped (every timer awaited) before the database goes."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from meetings.errors import DomainError
from meetings.models import Vote, utcnow
from meetings.votes import voting

if TYPE_CHECKING:
    from phonghop.services import Services

log = logging.getLogger("phonghop.votes")


class VoteTimers:
    def __init__(self, services: Services, sweep_every: float = 2.0) -> None:
        self.services = services
        self.sweep_every = sweep_every

    def start(self) -> None:
        self.services.tasks.spawn(self._sweep_forever(), "vote-sweeper", timer=True)

    def schedule(self, vote: Vote) -> None:
        """Close `vote` when its timer runs out (a little after, so it is due)."""
        assert vote.closes_at is not None
        delay = max(0.0, (vote.closes_at - utcnow()).total_seconds()) + 0.05
        self.services.tasks.spawn(self._close_later(delay), f"vote-timer-{vote.id}",
                                 timer=True)

    async def _close_later(self, delay: float) -> None:
        await asyncio.sleep(delay)
        await self.close_due()

    async def close_due(self) -> None:
        """Close every open vote whose timer has run out (idempotent, safe to call often)."""
        services = self.services
        for vote_id in await services.read(voting.due_votes):
            try:
                vote = await services.perform(
                    lambda s, v=vote_id: voting.close_if_due(s, v, services.secrecy))  # type: ignore[misc]
                await services.votes_ended([vote])
            except DomainError:
                pass

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(self.sweep_every)
            try:
                await self.close_due()
            except Exception:
                log.exception("closing due votes failed")
