"""Logging in without stalling the room, and without letting anyone guess passwords.

The account is read, the transaction closed, then the password is checked (Argon2id, about a
third of a second of CPU) in a worker thread of the lowest CPU priority, at most
`login_concurrency` at once, and only then is the login written. So a flood of logins never
holds the database's write lock, the event loop or a core the room needs: page turns and
ballots go on beside it. Waiting logins wait on an asyncio semaphore, not in a thread, so
they do not starve the thread pool that database work shares.

Wrong passwords are throttled per account (after 5) and per address (after 20) with an
exponential back-off: 1, 2, 4 ... seconds (`login_backoff_seconds`, doubling), capped at 60,
forgotten 15 minutes after the last failure. An attempt made during the wait is refused
(429 `too_many_attempts`, Retry-After) without checking the password, and does not lengthen
the wait. The refusal itself is held back until the wait is over, for at most
`login_hold_seconds` (1 s), a few hundred at once per process: a client looping on refused
logins is slowed to about one attempt a second instead of hundreds, so a flood of them costs
the process next to nothing (bench/login_flood.py measured page turns 2–3 times slower while
twenty clients had their refusals answered at once). Throttling slows guessing; it never
locks the right person out for more than a minute, and the secretary or an administrator
can clear an account's throttle at once (`POST /api/users/{id}/unlock`).

The counts are kept in memory, per process, on purpose: counting a failure costs no database
write (the flood this guards against must not queue on the write lock), and a count lost on
restart is at most a minute of back-off. In a cluster each process throttles on its own (an
attacker spread over N processes gets N times the tries, still exponentially slowed), and a
clearing is sent to every process over the broker."""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from sqlmodel import Session

from meetings import security_events
from meetings.accounts import (
    LoginCandidate,
    bad_login,
    find_login,
    normal_username,
    start_login,
)
from meetings.admin import audit
from meetings.errors import DomainError, Kind
from meetings.passwords import Passwords
from meetings.views import user_view

if TYPE_CHECKING:
    from phonghop.services import Services

T = TypeVar("T")


def _lowest_priority() -> None:
    """A password-checking thread runs at the lowest CPU priority (nice 19; on Linux the
    niceness is per thread, and the threads Argon2 starts for its lanes inherit it): checks
    use the CPU the room leaves idle, and never make a page turn wait for a core."""
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)


class PasswordChecks:
    """Argon2id work: at most `concurrency` at once, in threads of their own at the lowest
    priority, off the event loop. Logins beyond that wait on an asyncio semaphore (a login
    whose client went away while waiting costs nothing)."""

    def __init__(self, passwords: Passwords, concurrency: int) -> None:
        self.passwords = passwords
        size = max(1, concurrency)
        self._slots = asyncio.Semaphore(size)
        self._pool = ThreadPoolExecutor(size, thread_name_prefix="password-check",
                                        initializer=_lowest_priority)

    async def _run(self, gate: Callable[[], None], fn: Callable[..., T], *args: str) -> T:
        async with self._slots:
            # Asked again once it is this login's turn: a burst of attempts that all queued
            # before the first failure was counted must not all be checked.
            gate()
            return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    async def verify(self, password_hash: str, password: str,
                     gate: Callable[[], None] = lambda: None) -> bool:
        """Whether the password matches; `gate` may refuse (raise) when the turn comes."""
        return await self._run(gate, self.passwords.verify, password_hash, password)

    async def hash(self, password: str, gate: Callable[[], None] = lambda: None) -> str:
        return await self._run(gate, self.passwords.hash, password)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


ACCOUNT_FREE_ATTEMPTS = 5
ADDRESS_FREE_ATTEMPTS = 20  # a meeting room's tablets may share one address (NAT, a proxy)
MAX_WAIT_SECONDS = 60.0
FORGET_SECONDS = 15 * 60.0
CLEAR_OP = "clear_login_throttle"
MAX_HELD = 500  # refusals held back at once, per process; more are answered at once
MAX_KEYS = 50_000  # a flood of made-up usernames cannot grow memory without bound


@dataclass
class _Failures:
    count: int
    last: float
    wait_until: float


class Throttle:
    """Failed attempts per key ("account:name", "address:ip"), with exponential back-off."""

    def __init__(self, first_wait: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.first_wait = first_wait
        self.clock = clock
        self._keys: dict[str, _Failures] = {}
        self._held = 0

    async def hold(self, seconds: float) -> None:
        """Hold a refusal back (a tarpit), unless MAX_HELD are held already."""
        if seconds <= 0 or self._held >= MAX_HELD:
            return
        self._held += 1
        try:
            await asyncio.sleep(seconds)
        finally:
            self._held -= 1

    def wait(self, key: str) -> float:
        """Seconds before `key` may try again (0: now)."""
        entry = self._keys.get(key)
        if entry is None:
            return 0.0
        now = self.clock()
        if now - entry.last > FORGET_SECONDS:
            del self._keys[key]
            return 0.0
        return max(0.0, entry.wait_until - now)

    def failed(self, key: str, free: int) -> tuple[int, float]:
        """Count a failure; the failures so far and the wait it imposes."""
        now = self.clock()
        entry = self._keys.get(key)
        if entry is None or now - entry.last > FORGET_SECONDS:
            if len(self._keys) >= MAX_KEYS:
                self._prune(now)
            entry = self._keys[key] = _Failures(0, now, now)
        entry.count += 1
        entry.last = now
        wait = 0.0 if entry.count < free else min(
            MAX_WAIT_SECONDS, self.first_wait * 2.0 ** (entry.count - free))
        entry.wait_until = now + wait
        return entry.count, wait

    def clear(self, key: str) -> bool:
        return self._keys.pop(key, None) is not None

    def on_control(self, message: dict[str, Any]) -> None:
        """A clearing sent to every process (`POST /api/users/{id}/unlock`)."""
        if message.get("op") == CLEAR_OP:
            self.clear(str(message.get("key")))

    def _prune(self, now: float) -> None:
        for key in [k for k, e in self._keys.items() if now - e.last > FORGET_SECONDS]:
            del self._keys[key]
        if len(self._keys) >= MAX_KEYS:  # still full: forget the oldest half
            oldest = sorted(self._keys, key=lambda k: self._keys[k].last)
            for key in oldest[: len(oldest) // 2]:
                del self._keys[key]


def account_key(username: str) -> str:
    # By the name typed, known or not: a throttle only on real accounts would tell which exist.
    return "account:" + normal_username(username)


def too_many_attempts(wait: float) -> DomainError:
    seconds = max(1, math.ceil(wait))
    return DomainError(
        Kind.TOO_MANY, "too_many_attempts",
        f"Đăng nhập sai quá nhiều lần. Vui lòng chờ {seconds} giây rồi thử lại, hoặc nhờ thư "
        "ký hay quản trị hệ thống mở khóa tài khoản.",
        f"Too many failed logins. Please wait {seconds} seconds and try again, or ask the "
        "secretary or an administrator to unlock the account.",
        details={"retry_after": seconds},
    )


async def log_in(services: Services, username: str, password: str,
                 address: str) -> tuple[dict[str, Any], str]:
    """Check a username and password from `address`; on success, the user (as shown) and a
    new login token."""
    checks, throttle = services.password_checks, services.login_throttle
    keys = ((account_key(username), ACCOUNT_FREE_ATTEMPTS),
            ("address:" + address, ADDRESS_FREE_ATTEMPTS))

    def gate() -> None:
        wait = max(throttle.wait(key) for key, _ in keys)
        if wait > 0:
            raise too_many_attempts(wait)

    wait = max(throttle.wait(key) for key, _ in keys)
    if wait > 0:  # refused, whatever the password: held back, then answered
        await throttle.hold(min(wait, services.settings.login_hold_seconds))
        raise too_many_attempts(max(throttle.wait(key) for key, _ in keys))
    candidate = await services.read(lambda s: find_login(s, username))
    if candidate is None:  # the same cost either way: no user enumeration by timing
        await checks.hash(password, gate)
        right = False
    else:
        right = await checks.verify(candidate.password_hash, password, gate)
    if not right or candidate is None:
        slowed = {}
        for key, free in keys:
            count, wait = throttle.failed(key, free)
            if wait > 0:
                slowed[key] = (count, wait)
        def failed(session: Session) -> None:
            # Its own short transaction: the audit rows, no password work under the lock.
            audit.record(session, None, "login.failed", username.strip().lower()[:64],
                         client=address)
            for key, (count, wait) in slowed.items():
                security_events.record(session, None, "login_throttled", key,
                                       {"address": address, "failures": count,
                                        "wait_seconds": wait})

        await services.write(failed)
        raise bad_login()
    throttle.clear(keys[0][0])

    def write(session: Session, found: LoginCandidate = candidate) -> tuple[dict[str, Any], str]:
        user, token = start_login(session, found)
        audit.record(session, user.id, "login.ok", user.username)
        return user_view(user), token

    return await services.write(write)
