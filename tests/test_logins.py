"""Logins that cannot stall the room: passwords are checked off the database's write lock and
the event loop, a few at a time; wrong passwords are throttled per account and per address
with a short back-off that staff can clear."""

from __future__ import annotations

import logging
import statistics
import threading
import time

import httpx

from meetings.db import Database
from meetings.demo.seed import DEMO_PASSWORD
from meetings.models import User
from meetings.passwords import Passwords
from phonghop.logins import ACCOUNT_FREE_ATTEMPTS, ADDRESS_FREE_ATTEMPTS, MAX_WAIT_SECONDS, Throttle
from tests.conftest import LiveServer
from tests.helpers import error_of

FLOOD_PASSWORD = "mat-khau-that-dai"


def strong_account(server: LiveServer, username: str) -> None:
    """An account whose password hash has the production cost (the hash carries its own
    parameters, so checking it costs a full Argon2id even on a server with fast passwords)."""
    db = Database(server.settings.db_url)
    try:
        with db.write() as session:
            session.add(User(username=username, full_name="Người thử",
                             password_hash=Passwords().hash(FLOOD_PASSWORD)))
    finally:
        db.dispose()


def page_turns(client: httpx.Client, count: int, start_page: int) -> list[float]:
    took = []
    for n in range(count):
        began = time.perf_counter()
        r = client.post("/api/meetings/1/present", json={"page": 1 + (start_page + n) % 3})
        took.append(time.perf_counter() - began)
        assert r.status_code == 200, r.text
    return took


def test_a_flood_of_logins_does_not_stall_page_turns(live_server: LiveServer) -> None:
    strong_account(live_server, "nguoithu")
    sec = live_server.session("thuky")
    try:
        quiet, busy, answered = _turns_quiet_and_flooded(live_server, sec)
    finally:
        sec.close()
    assert answered and set(answered) == {200}, set(answered)
    # Liveness, not speed: a page turn that waited behind password checks holding the write
    # lock took about a second here; generous bounds either way.
    assert busy < max(5 * quiet, 0.5), (quiet, busy)


def _turns_quiet_and_flooded(live_server: LiveServer, sec: httpx.Client
                             ) -> tuple[float, float, list[int]]:
    assert sec.post("/api/meetings/1/start").status_code == 200
    page_turns(sec, 3, 0)  # warm up
    quiet = statistics.median(page_turns(sec, 15, 0))

    stop = threading.Event()
    answered: list[int] = []

    def flood() -> None:
        # Right passwords: never throttled, and each costs a full Argon2id check, as every
        # wrong one did before throttling.
        with httpx.Client(base_url=live_server.url, timeout=60) as client:
            while not stop.is_set():
                r = client.post("/api/login", json={"username": "nguoithu",
                                                    "password": FLOOD_PASSWORD})
                answered.append(r.status_code)

    threads = [threading.Thread(target=flood) for _ in range(6)]
    for t in threads:
        t.start()
    try:
        time.sleep(1.0)  # the flood is under way
        busy = statistics.median(page_turns(sec, 15, 1))
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=120)
    return quiet, busy, answered


def user_id(login, username: str) -> int:  # type: ignore[no-untyped-def]
    users = login("admin").get("/api/users", params={"q": username}).json()["users"]
    return next(u["id"] for u in users if u["username"] == username)


def try_login(client, username: str, password: str):  # type: ignore[no-untyped-def]
    return client.post("/api/login", json={"username": username, "password": password})


def test_forty_wrong_passwords_then_the_right_one_must_wait(login, caplog) -> None:
    client = login(None)
    caplog.set_level(logging.WARNING, logger="phonghop.audit")
    statuses = [try_login(client, "uyvien1", f"doan-sai-{n}").status_code for n in range(40)]
    assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}, statuses
    r = try_login(client, "uyvien1", DEMO_PASSWORD)
    body = error_of(r, 429, "too_many_attempts")
    wait = int(r.headers["Retry-After"])
    assert 1 <= wait <= 60 and body["details"]["retry_after"] == wait
    assert "chờ" in body["message_vi"] and "wait" in body["message_en"]
    assert any("login_throttled" in rec.getMessage() and "account:uyvien1" in rec.getMessage()
               for rec in caplog.records if rec.name == "phonghop.audit")
    time.sleep(wait + 0.2)
    assert try_login(client, "uyvien1", DEMO_PASSWORD).status_code == 200


def test_back_off_doubles_and_is_capped() -> None:
    now = [1000.0]
    throttle = Throttle(1.0, clock=lambda: now[0])
    waits = [throttle.failed("account:x", ACCOUNT_FREE_ATTEMPTS)[1] for _ in range(14)]
    assert waits[:4] == [0, 0, 0, 0]
    assert waits[4:10] == [1, 2, 4, 8, 16, 32]
    assert waits[10:] == [MAX_WAIT_SECONDS] * 4
    assert throttle.wait("account:x") == MAX_WAIT_SECONDS
    now[0] += MAX_WAIT_SECONDS
    assert throttle.wait("account:x") == 0


def test_unknown_usernames_are_throttled_alike(login) -> None:
    client = login(None)
    for name in ("uyvien2", "khong-co-ai"):
        answers = [try_login(client, name, "sai-roi-nhe").status_code for _ in range(7)]
        assert answers == [401] * 5 + [429] * 2, (name, answers)


def test_the_secretary_clears_a_members_throttle(login, caplog) -> None:
    caplog.set_level(logging.WARNING, logger="phonghop.audit")
    client = login(None)
    for n in range(6):
        try_login(client, "uyvien1", f"doan-sai-{n}")
    error_of(try_login(client, "uyvien1", DEMO_PASSWORD), 429, "too_many_attempts")
    member = user_id(login, "uyvien1")
    # Another member may not; to them the account is not there.
    error_of(login("uyvien2").post(f"/api/users/{member}/unlock"), 404, "not_found")
    error_of(login(None).post(f"/api/users/{member}/unlock"), 401, "unauthenticated")
    assert login("thuky").post(f"/api/users/{member}/unlock").json() == {"ok": True}
    assert any("login_unlocked" in rec.getMessage() and f"user:{member}" in rec.getMessage()
               for rec in caplog.records if rec.name == "phonghop.audit")
    assert try_login(client, "uyvien1", DEMO_PASSWORD).status_code == 200
    assert login("admin").post(f"/api/users/{member}/unlock").status_code == 200


def test_unlock_says_the_same_for_a_missing_and_a_foreign_account(login) -> None:
    sec = login("thuky")
    admin_id = user_id(login, "admin")  # in no body: beyond the secretary's reach
    foreign, missing = (sec.post(f"/api/users/{n}/unlock") for n in (admin_id, 999_999))
    assert foreign.status_code == missing.status_code == 404
    assert foreign.content == missing.content


def test_one_address_trying_many_accounts_is_slowed(login) -> None:
    client = login(None)
    names = [f"ai-do-{n}" for n in range(ADDRESS_FREE_ATTEMPTS)]
    assert {try_login(client, name, "sai").status_code for name in names} == {401}
    # A new account name from the same address: the address waits now.
    error_of(try_login(client, "uyvien3", DEMO_PASSWORD), 429, "too_many_attempts")


def test_a_burst_of_wrong_passwords_is_not_all_checked(live_server: LiveServer) -> None:
    """Thirty wrong passwords sent at once, all queued before the first failure is counted:
    only the free attempts (and those already being checked) get an answer; the rest wait."""
    strong_account(live_server, "nguoithu")
    statuses: list[int] = []

    def attempt(n: int) -> None:
        with httpx.Client(base_url=live_server.url, timeout=120) as client:
            statuses.append(try_login(client, "nguoithu", f"sai-{n}").status_code)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert len(statuses) == 30 and set(statuses) <= {401, 429}, statuses
    # The server checks 2 passwords at once (PHONGHOP_LOGIN_CONCURRENCY).
    assert statuses.count(401) <= ACCOUNT_FREE_ATTEMPTS + 2, statuses


def test_refusals_are_held_so_a_loop_of_refused_logins_crawls(live_server: LiveServer) -> None:
    """A client looping on a throttled login is answered when the wait is over (at most a
    second later), not at once: twenty attempts take seconds, each still a 429, and the right
    person's login after the wait is not held."""
    with httpx.Client(base_url=live_server.url, timeout=30) as client:
        for n in range(ACCOUNT_FREE_ATTEMPTS):
            assert try_login(client, "uyvien2", f"sai-{n}").status_code == 401
        began = time.monotonic()
        r = try_login(client, "uyvien2", DEMO_PASSWORD)
        held = time.monotonic() - began
        error_of(r, 429, "too_many_attempts")
        assert 0.6 <= held <= 2.5, held  # the first wait is 1 s
        # the wait was over when the refusal arrived: the next try is checked
        assert try_login(client, "uyvien2", DEMO_PASSWORD).status_code == 200
        # a loop on an address already throttled: each refusal takes about the wait
        names = [f"ai-do-{n}" for n in range(ADDRESS_FREE_ATTEMPTS - ACCOUNT_FREE_ATTEMPTS)]
        assert {try_login(client, name, "sai").status_code for name in names} == {401}
        began = time.monotonic()
        answers = [try_login(client, "ai-khac", "sai").status_code for _ in range(3)]
        took = time.monotonic() - began
    assert 429 in answers and took >= 1.0, (answers, took)
