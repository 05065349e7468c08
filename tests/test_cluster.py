"""Many processes: three `phonghop serve` processes on different ports share PostgreSQL and
Redis. A tablet on one sees a page change made through another, presence is merged,
logging out or sealing closes tablets on every process, and the cap on one person's sockets
counts their sockets on every process."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from meetings.db import Database
from meetings.demo.seed import Demo, seed
from meetings.documents.blobs import BlobStore
from meetings.passwords import Passwords
from phonghop.settings import Settings
from tests.conftest import free_port, start_server, stop_server
from tests.helpers import record_quorum_async
from tests.wsclient import CommandError, Tablet, cookie_for

pytestmark = pytest.mark.server


def start_cluster(settings: Settings, tmp_path: Path, processes: list[subprocess.Popen[bytes]],
                  extra_env: dict[str, str] | None = None) -> tuple[list[str], Demo]:
    database = Database(settings.db_url)
    demo = seed(database, BlobStore(settings.data_dir / "blobs"),
                settings.data_dir / "keys", Passwords(fast=True))
    database.dispose()
    ports = []
    for n in range(3):
        port = free_port()
        processes.append(start_server(settings, port, tmp_path / f"server-{n}.log", extra_env))
        ports.append(port)
    return [f"127.0.0.1:{p}" for p in ports], demo


@pytest.fixture
def cluster(postgres_settings: Settings, tmp_path: Path) -> Iterator[tuple[list[str], Demo]]:
    processes: list[subprocess.Popen[bytes]] = []
    try:
        yield start_cluster(postgres_settings, tmp_path, processes)
    finally:
        for process in processes:
            stop_server(process)


async def tablet_on(host: str, username: str, meeting_id: int, device: str = "") -> Tablet:
    tablet = Tablet(f"ws://{host}/ws", await cookie_for(f"http://{host}", username), meeting_id)
    await tablet.connect()
    return tablet


async def test_page_change_through_one_process_reaches_tablets_on_all(cluster) -> None:
    hosts, demo = cluster
    meeting = demo.meeting_id
    tablets = [await tablet_on(host, user, meeting)
               for host, user in zip(hosts, ["uyvien1", "uyvien2", "uyvien3"], strict=True)]
    sec = httpx.AsyncClient(base_url=f"http://{hosts[0]}")
    await sec.post("/api/login", json={"username": "thuky", "password": "phonghop2026"})
    assert (await sec.post(f"/api/meetings/{meeting}/start")).status_code == 200
    await record_quorum_async(sec, meeting)
    for page in (2, 3, 4):
        assert (await sec.post(f"/api/meetings/{meeting}/present",
                               json={"page": page})).status_code == 200
    for tablet in tablets:
        await tablet.wait_for("presentation", lambda d: d["page"] == 4)
        assert [e["data"]["page"] for e in tablet.events if e["type"] == "presentation"] == [
            1, 2, 3, 4]
    # a ballot through process C is counted in the vote opened through process A
    vote_id = (await sec.post(f"/api/meetings/{meeting}/votes",
                              json={"question": "Thông qua?"})).json()["vote"]["id"]
    await tablets[2].wait_for("vote.opened")
    assert (await tablets[2].command("vote.cast", {"vote_id": vote_id, "choice": "yes"}))
    progress = await tablets[0].wait_for("vote.progress")
    assert progress["data"]["cast"] == 1
    # a tablet dropped from process B resumes on process C, with nothing missed
    tablets[1].conn.transport.abort()
    await tablets[1].closed.wait()
    await sec.post(f"/api/meetings/{meeting}/present", json={"page": 5})
    tablets[1].ws_url = f"ws://{hosts[2]}/ws"
    reply = await tablets[1].connect(resume=True)
    assert reply["recovered"] is True
    await tablets[1].wait_for("presentation", lambda d: d["page"] == 5)
    for tablet in tablets:
        await tablet.close()
    await sec.aclose()


async def test_presence_is_merged_and_closes_cross_processes(cluster) -> None:
    hosts, demo = cluster
    meeting = demo.meeting_id
    staff = await tablet_on(hosts[0], "thuky", meeting)
    member_b = await tablet_on(hosts[1], "uyvien1", meeting)
    member_c = await tablet_on(hosts[2], "uyvien2", meeting)
    await member_c.command("presence", {"mode": "browse", "document_id": 1, "page": 3})
    deadline = asyncio.get_running_loop().time() + 10
    while True:
        views = [c for c in staff.controls if c["type"] == "presence"]
        entries = views[-1]["data"]["connections"] if views else []
        modes = {e["full_name"]: (e["mode"], e["page"]) for e in entries}
        if modes.get("Vũ Thị Lan") == ("browse", 3) and "Hoàng Minh Tuấn" in modes:
            break
        assert asyncio.get_running_loop().time() < deadline, views[-1:] if views else None
        await asyncio.sleep(0.05)
    # the member on B logs out through A: B closes their tablet with "do not reconnect"
    cookie = member_b.cookie.split("=", 1)[1]
    for host in hosts:  # every process has the login in its cache
        async with httpx.AsyncClient(base_url=f"http://{host}") as other:
            other.cookies.set("phonghop_session", cookie)
            assert (await other.get("/api/me")).status_code == 200
    member_http = httpx.AsyncClient(base_url=f"http://{hosts[0]}")
    member_http.cookies.set("phonghop_session", cookie)
    assert (await member_http.post("/api/logout")).status_code == 200
    await asyncio.wait_for(member_b.closed.wait(), 5)
    assert member_b.close_code == 4100
    # and the cookie is refused by every process at once (no stale cache)
    for host in hosts:
        async with httpx.AsyncClient(base_url=f"http://{host}") as other:
            other.cookies.set("phonghop_session", cookie)
            assert (await other.get("/api/me")).status_code == 401
    # the tablet that left is no longer listed
    while True:
        views = [c for c in staff.controls if c["type"] == "presence"]
        names = {e["full_name"] for e in views[-1]["data"]["connections"]}
        if "Hoàng Minh Tuấn" not in names:
            break
        assert asyncio.get_running_loop().time() < deadline + 10
        await asyncio.sleep(0.05)
    await member_c.close()
    await staff.close()
    await member_http.aclose()


@pytest.mark.parametrize("kind", ["named", "secret"])
async def test_one_member_voting_through_every_process_at_once_is_counted_once(cluster,  # type: ignore[no-untyped-def]
                                                                              kind) -> None:
    """The same member's tablets, one on each process, cast at the same instant: each
    process reads "not voted yet" and inserts, and only the database's unique constraint on
    the receipt decides. One ballot is accepted, the others are told already_voted, the
    count is one, round after round."""
    hosts, demo = cluster
    meeting = demo.meeting_id
    tablets = [await tablet_on(host, "uyvien1", meeting) for host in hosts]
    sec = httpx.AsyncClient(base_url=f"http://{hosts[0]}")
    await sec.post("/api/login", json={"username": "thuky", "password": "phonghop2026"})
    assert (await sec.post(f"/api/meetings/{meeting}/start")).status_code == 200
    await record_quorum_async(sec, meeting)

    async def cast(tablet: Tablet, vote_id: int, choice: str) -> str:
        try:
            await tablet.command("vote.cast", {"vote_id": vote_id, "choice": choice})
            return "ok"
        except CommandError as exc:
            return exc.code

    try:
        for round_ in range(8):
            vote_id = (await sec.post(f"/api/meetings/{meeting}/votes", json={
                "question": f"Lần {round_ + 1}?", "kind": kind})).json()["vote"]["id"]
            for tablet in tablets:
                await tablet.wait_for("vote.opened", lambda d, v=vote_id: d["id"] == v)
            outcomes = await asyncio.gather(*(cast(t, vote_id, c) for t, c in
                                              zip(tablets, ["yes", "no", "abstain"],
                                                  strict=True)))
            assert sorted(outcomes) == ["already_voted", "already_voted", "ok"], outcomes
            closed = (await sec.post(f"/api/votes/{vote_id}/close")).json()["vote"]
            assert closed["counts"]["cast"] == 1, closed["counts"]
    finally:
        for tablet in tablets:
            await tablet.close()
        await sec.aclose()


async def refusal(host: str, cookie: str, meeting: int) -> tuple[int | None, dict[str, Any]]:
    """Open a socket as the cookie's owner and ask to connect: (close code, first frame) if
    it is refused, (None, the reply) if it is let in (then it is closed again)."""
    ws = await websockets.connect(f"ws://{host}/ws", additional_headers={"Cookie": cookie},
                                  open_timeout=20)
    try:
        with contextlib.suppress(websockets.ConnectionClosed):  # refused at once
            await ws.send(json.dumps({"id": 1, "type": "connect",
                                      "data": {"meeting_id": meeting}}))
        first = json.loads(await asyncio.wait_for(ws.recv(), 20))
        if first.get("type") == "reply":
            return None, first
        with pytest.raises(websockets.ConnectionClosed):
            while True:
                await asyncio.wait_for(ws.recv(), 10)
        return ws.close_code, first
    finally:
        await ws.close()


async def let_in(host: str, cookie: str, meeting: int, within: float = 10) -> Tablet:
    """A tablet connected as the cookie's owner, once the server lets it in. A probe let in a
    moment ago (`refusal`) holds its place until the server has seen it close: until then a
    new socket may still be refused with 4105, and is tried again."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        tablet = Tablet(f"ws://{host}/ws", cookie, meeting)
        connecting = asyncio.ensure_future(tablet.connect())
        closing = asyncio.ensure_future(tablet.closed.wait())
        await asyncio.wait({connecting, closing}, timeout=20,
                           return_when=asyncio.FIRST_COMPLETED)
        if connecting.done() and connecting.exception() is None:
            closing.cancel()
            return tablet
        connecting.cancel()
        closing.cancel()
        with contextlib.suppress(BaseException):
            await connecting
        await tablet.close()
        assert tablet.close_code == 4105, tablet.close_code
        assert asyncio.get_running_loop().time() < deadline, "never let in again"
        await asyncio.sleep(0.1)


async def test_one_persons_sockets_are_capped_across_every_process(
    postgres_settings: Settings, tmp_path: Path,
) -> None:
    """Cap 3: three sockets of one person spread over three processes; the fourth, on any
    process, is closed with 4105; a socket closed frees its place for any process; a process
    killed outright does not hold its sockets' places longer than the stale interval (a ping
    interval plus 2 s)."""
    quick = replace(postgres_settings, ws_ping_seconds=1.0, ws_timeout_seconds=60.0)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        hosts, demo = start_cluster(quick, tmp_path, processes,
                                    {"PHONGHOP_MAX_SOCKETS_PER_USER": "3"})
        meeting = demo.meeting_id
        cookie = await cookie_for(f"http://{hosts[0]}", "uyvien1")
        tablets = []
        for host in hosts:
            tablet = Tablet(f"ws://{host}/ws", cookie, meeting)
            await tablet.connect()
            tablets.append(tablet)
        for host in hosts:
            code, frame = await refusal(host, cookie, meeting)
            assert code == 4105, (host, code, frame)
            assert frame["error"] == "too_many_connections"
            assert "tối đa 3" in frame["message_vi"] and "at most 3" in frame["message_en"]
        # another person is not counted with them
        other = await tablet_on(hosts[1], "uyvien2", meeting)
        # the tablets let in carry on
        assert await tablets[0].command("presence", {"mode": "browse", "page": 2}) == {"ok": True}
        assert not any(t.closed.is_set() for t in tablets)
        # one closed on process A: a new one is let in on process C (its place is freed as
        # the server sees the socket go, a moment after the tablet has closed it)
        await tablets[0].close()
        for _ in range(20):
            code, reply = await refusal(hosts[2], cookie, meeting)
            if code is None:
                break
            await asyncio.sleep(0.1)
        assert code is None and reply["data"]["snapshot"]["meeting"]["id"] == meeting
        again = await let_in(hosts[2], cookie, meeting)
        assert (await refusal(hosts[0], cookie, meeting))[0] == 4105
        # process B dies (SIGKILL: no goodbye); its socket's place is held only until it
        # is stale, then a new one is let in on process A
        processes[1].send_signal(signal.SIGKILL)
        processes[1].wait()
        killed = asyncio.get_running_loop().time()
        await asyncio.wait_for(tablets[1].closed.wait(), 10)
        assert (await refusal(hosts[0], cookie, meeting))[0] == 4105  # at once: still held
        while True:
            code, _ = await refusal(hosts[0], cookie, meeting)
            waited = asyncio.get_running_loop().time() - killed
            if code is None:
                break
            assert code == 4105
            assert waited < 8, "a killed process still holds its sockets' places"
            await asyncio.sleep(0.3)
        # not freed before the stale interval (3 s) after the dead process's last touch, which
        # came up to a touch interval (1 s) before the kill
        assert waited >= 1.8
        late = await let_in(hosts[0], cookie, meeting)
        for tablet in (tablets[2], again, late, other):
            await tablet.close()
    finally:
        for process in processes:
            stop_server(process)
