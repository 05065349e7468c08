"""The rate limit of one connection, exactly as docs/protocol.md ("Rate limit") writes it.

Every frame the client sends takes one token from a bucket that holds `burst` tokens and
gains `rate` tokens a second. A frame that finds less than one token is refused, and it still
takes its token: the bucket goes into debt, so a client that keeps sending over the limit
sinks further instead of being forgiven by the next frame that gets through. A bucket `burst`
tokens in debt closes the connection (4003).

From a full bucket, a client sending `r` frames a second (r > rate) is closed after about
`2 * burst / (r - rate)` seconds; one that never sends more than `rate` a second on average,
with bursts up to `burst`, is never refused.
"""

from __future__ import annotations

import time
from enum import StrEnum


class Verdict(StrEnum):
    ACCEPT = "accept"  # carry the frame out
    REFUSE = "refuse"  # answer `error` `rate_limited`, do nothing else
    CLOSE = "close"  # the debt is full: close with 4003


class RateLimit:
    __slots__ = ("rate", "burst", "tokens", "stamp")

    def __init__(self, rate: float, burst: float | None = None, *,
                 now: float | None = None) -> None:
        self.rate = rate
        self.burst = max(1.0, rate * 2 if burst is None else burst)
        self.tokens = self.burst
        self.stamp = time.monotonic() if now is None else now

    def take(self, now: float | None = None) -> Verdict:
        """Count one frame arriving at `now` (monotonic seconds)."""
        now = time.monotonic() if now is None else now
        self.tokens = min(self.burst, self.tokens + max(0.0, now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return Verdict.ACCEPT
        self.tokens -= 1
        return Verdict.CLOSE if self.tokens <= -self.burst else Verdict.REFUSE
