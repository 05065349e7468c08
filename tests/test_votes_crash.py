"""kill -9 of the real server in the middle of a storm of 500 ballots from real WebSocket
tablets, then a restart: every acknowledged ballot is there, none twice, and the totals equal
the tablets' own count."""

from __future__ import annotations

import asyncio
import os
import random
import signal
from pathlib import Path

import httpx
import pytest
import websockets
from itsdangerous import Signer
from sqlmodel import select

from meetings.accounts import create_user, open_session
from meetings.db import Database
from meetings.models import BallotReceipt, BodyMember, Participant, Role, utcnow
from meetings.passwords import Passwords
from phonghop.settings import Settings
from tests.conftest import LiveServer, free_port, start_server, stop_server
from tests.wsclient import Tablet

# Never rerun (Makefile, RERUNS): one acknowledged ballot lost is a failure, however rare.
pytestmark = [pytest.mark.server, pytest.mark.flaky(reruns=0)]


def add_members(settings: Settings, body_id: int, meeting_id: int, n: int,
                prefix: str = "dbieu") -> list[str]:
    """Create n members of the body and of the meeting, checked in, with a login each;
    return the cookies, as the tablets send them."""
    signer = Signer(settings.resolved_secret(), salt="phonghop.session")
    db = Database(settings.db_url)
    passwords = Passwords(fast=True)
    cookies = []
    try:
        with db.write() as session:
            for i in range(n):
                user = create_user(session, passwords, username=f"{prefix}{i:04d}",
                                   full_name=f"Đại biểu {i:04d}", password="phonghop2026")
                session.flush()
                assert user.id is not None
                session.add(BodyMember(body_id=body_id, user_id=user.id, title="Đại biểu"))
                # Checked in: the demo body is a People's Committee, whose votes need two
                # thirds of its members present.
                session.add(Participant(meeting_id=meeting_id, user_id=user.id,
                                        role=Role.MEMBER.value, attendance="present",
                                        checked_in_at=utcnow()))
                token = open_session(session, user)
                cookies.append(f"phonghop_session={signer.sign(token).decode()}")
    finally:
        db.dispose()
    return cookies


async def connect_all(server_ws: str, cookies: list[str], meeting_id: int) -> list[Tablet]:
    tablets = [Tablet(server_ws, c, meeting_id) for c in cookies]
    for i in range(0, len(tablets), 50):
        await asyncio.gather(*(t.connect() for t in tablets[i:i + 50]))
    return tablets


def test_kill_9_during_a_storm_of_500_ballots(live_server: LiveServer, tmp_path: Path) -> None:
    server = live_server
    meeting = server.demo.meeting_id
    cookies = add_members(server.settings, server.demo.body_id, meeting, 500)
    sec = server.session("thuky")
    try:
        assert sec.post(f"/api/meetings/{meeting}/start").status_code == 200
        r = sec.post(f"/api/meetings/{meeting}/votes",
                     json={"question": "Thông qua nghị quyết?"})
    finally:
        sec.close()
    assert r.status_code == 201, r.text
    vote_id = r.json()["vote"]["id"]
    assert r.json()["vote"]["eligible"] == 506
    choices = [random.Random(i).choice(["yes", "no", "abstain"]) for i in range(500)]
    acked: dict[int, str] = {}
    failed = 0

    async def storm() -> None:
        nonlocal failed
        tablets = await connect_all(server.ws_url, cookies, meeting)
        start = asyncio.get_running_loop().time()
        killed = False

        async def cast(i: int) -> None:
            nonlocal failed, killed
            # The ballots go out over about a second, so the kill (at the 150th answer) always
            # finds some already committed, some in flight and some not yet sent, however
            # busy the machine is.
            await asyncio.sleep(max(0.0, start + i * 0.002 - asyncio.get_running_loop().time()))
            if killed:
                failed += 1  # the server is gone: this tablet never gets to vote
                return
            try:
                reply = await tablets[i].command("vote.cast", {"vote_id": vote_id,
                                                               "choice": choices[i]}, within=30)
            except (TimeoutError, OSError, websockets.ConnectionClosed):
                failed += 1  # the server died before it answered: not acknowledged
                return
            # Outside the try: a wrong answer, or a refusal, fails the test.
            assert reply == {"vote_id": vote_id, "choice": choices[i]}
            acked[i] = choices[i]
            if len(acked) >= 150 and not killed:
                killed = True  # at once, not from another task that a busy loop runs late
                os.kill(server.process.pid, signal.SIGKILL)

        await asyncio.gather(*(cast(i) for i in range(500)))
        for t in tablets:  # the server is gone: drop the sockets without a closing handshake
            t.conn.transport.abort()
        await asyncio.gather(*(t.closed.wait() for t in tablets))

    asyncio.run(storm())
    server.process.wait(10)
    assert server.process.returncode == -signal.SIGKILL
    assert 150 <= len(acked) < 500, len(acked)  # the kill landed in the middle of the storm
    assert failed == 500 - len(acked) > 0  # every tablet has its answer or saw the server die
    # restart on the same database: every acknowledged ballot is there, none twice
    port = free_port()
    process = start_server(server.settings, port, tmp_path / "restart.log")
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            assert http.post("/api/login", json={"username": "thuky",
                                                 "password": "phonghop2026"}).status_code == 200
            vote = http.get(f"/api/votes/{vote_id}").json()["vote"]
            assert vote["status"] == "open"
            stored = {(b["full_name"], b["choice"]) for b in vote["ballots"]}
            for i, choice in acked.items():
                assert (f"Đại biểu {i:04d}", choice) in stored
            assert len(vote["ballots"]) == vote["cast"]  # no duplicates, no orphans
            closed = http.post(f"/api/votes/{vote_id}/close").json()["vote"]
            counts = closed["counts"]
            assert counts["cast"] == len(vote["ballots"]) >= len(acked)
            # the totals equal the tablets' own count of acknowledged ballots, plus only those
            # committed in the instant between the commit and the lost acknowledgement
            for c in ("yes", "no", "abstain"):
                mine = sum(1 for v in acked.values() if v == c)
                assert counts[c] >= mine
            assert counts["cast"] - len(acked) <= 500 - len(acked)
        db = Database(server.settings.db_url)
        try:
            with db.read() as session:
                voters = session.exec(
                    select(BallotReceipt.user_id).where(BallotReceipt.vote_id == vote_id)).all()
                assert len(voters) == len(set(voters)) == counts["cast"]
        finally:
            db.dispose()
    finally:
        stop_server(process)
