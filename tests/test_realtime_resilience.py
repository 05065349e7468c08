"""The real-time core when things go wrong, on a real server: silent tablets are noticed, a
restarted server (new in-memory epoch) sends snapshots, and a tablet that stops reading is
closed without slowing the others or growing the server's memory."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
import websockets

from bench.support import rss_kb
from tests.conftest import free_port, start_server, stop_server
from tests.wsclient import Tablet, cookie_for

pytestmark = pytest.mark.server


async def test_a_silent_tablet_is_closed_and_a_live_one_is_kept(settings, demo, tmp_path) -> None:
    fast = replace(settings, ws_ping_seconds=0.3, ws_timeout_seconds=0.8)
    port = free_port()
    server = start_server(fast, port, tmp_path / "server.log")
    try:
        url, ws_url = f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}/ws"
        alive = Tablet(ws_url, await cookie_for(url, "uyvien1"), demo.meeting_id)
        await alive.connect()  # answers every ping
        silent = await websockets.connect(ws_url, ping_interval=None, additional_headers={
            "Cookie": await cookie_for(url, "uyvien2")})
        await silent.send(json.dumps({"id": 1, "type": "connect",
                                      "data": {"meeting_id": demo.meeting_id}}))
        t0 = time.monotonic()
        with pytest.raises(websockets.ConnectionClosed):
            while True:  # reads, but never answers a ping
                await asyncio.wait_for(silent.recv(), 5)
        assert silent.close_code == 4002  # closed for not answering pings, nothing else
        assert time.monotonic() - t0 < 30  # liveness only: 0.8 s is the setting
        await asyncio.sleep(1.0)
        assert not alive.closed.is_set()
        await alive.close()
    finally:
        stop_server(server)


async def test_a_restarted_server_has_a_new_epoch_and_sends_a_snapshot(
    settings, demo, tmp_path
) -> None:
    port = free_port()
    server = start_server(settings, port, tmp_path / "first.log")
    url, ws_url = f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}/ws"
    tablet = Tablet(ws_url, await cookie_for(url, "uyvien1"), demo.meeting_id)
    sec = httpx.AsyncClient(base_url=url)
    await sec.post("/api/login", json={"username": "thuky", "password": "phonghop2026"})
    try:
        await tablet.connect()
        await sec.post(f"/api/meetings/{demo.meeting_id}/start")
        await tablet.wait_for("presentation")
        old_epoch = tablet.positions[f"meeting:{demo.meeting_id}"]["epoch"]
    finally:
        stop_server(server)
    await tablet.closed.wait()
    assert tablet.close_code == 4000  # "restarting: come back"
    server = start_server(settings, port, tmp_path / "second.log")
    try:
        # Enough publications that the old offset is inside the new history: only the epoch
        # tells the tablet's position belongs to the server that died.
        old_offset = tablet.positions[f"meeting:{demo.meeting_id}"]["offset"]
        for page in range(old_offset + 1):
            await sec.post(f"/api/meetings/{demo.meeting_id}/present", json={"page": 2 + page % 2})
        await sec.post(f"/api/meetings/{demo.meeting_id}/present", json={"page": 4})
        reply = await tablet.connect(resume=True)
        assert reply["recovered"] is False
        assert reply["snapshot"]["presentation"]["page"] == 4
        assert reply["positions"][f"meeting:{demo.meeting_id}"]["epoch"] != old_epoch
        await tablet.close()
    finally:
        await sec.aclose()
        stop_server(server)


async def stalled_tablet(ws_url: str, cookie: str, meeting_id: int) -> websockets.ClientConnection:
    """A tablet that connects, then stops reading, with a tiny receive window."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", int(ws_url.split(":")[2].split("/")[0])))
    conn = await websockets.connect(ws_url, sock=sock, ping_interval=None, max_queue=1,
                                    additional_headers={"Cookie": cookie})
    await conn.send(json.dumps({"id": 1, "type": "connect", "data": {"meeting_id": meeting_id}}))
    await conn.recv()
    conn.transport.pause_reading()
    return conn


async def page_latencies(sec: httpx.AsyncClient, meeting_id: int, watchers: list[Tablet],
                         pages: range) -> list[float]:
    out = []
    for page in pages:
        seen = [sum(1 for e in t.events if e["type"] == "presentation") for t in watchers]
        t0 = time.monotonic()
        r = await sec.post(f"/api/meetings/{meeting_id}/present", json={"page": page % 5 + 2})
        assert r.status_code == 200, r.text
        for tablet, n in zip(watchers, seen, strict=True):
            deadline = time.monotonic() + 10
            while sum(1 for e in tablet.events if e["type"] == "presentation") == n:
                assert time.monotonic() < deadline, f"page {page} never reached a tablet"
                await asyncio.sleep(0.001)
        out.append(time.monotonic() - t0)
    return out


async def test_a_tablet_that_stops_reading_is_cut_off_and_slows_no_one(
    settings, demo, tmp_path: Path
) -> None:
    tight = replace(settings, ws_send_buffer_kb=64)
    port = free_port()
    server = start_server(tight, port, tmp_path / "server.log")
    url, ws_url = f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}/ws"
    sec = httpx.AsyncClient(base_url=url, timeout=30)
    member = httpx.AsyncClient(base_url=url, timeout=30)
    try:
        await sec.post("/api/login", json={"username": "thuky", "password": "phonghop2026"})
        await member.post("/api/login", json={"username": "uyvien1", "password": "phonghop2026"})
        await sec.post(f"/api/meetings/{demo.meeting_id}/start")
        watchers = []
        for username in ("uyvien2", "uyvien3", "chutich"):
            tablet = Tablet(ws_url, await cookie_for(url, username), demo.meeting_id)
            await tablet.connect()
            watchers.append(tablet)
        before = await page_latencies(sec, demo.meeting_id, watchers, range(20))
        rss_before = rss_kb(server.pid)
        # the member's second device stops reading; the first floods it with large notes
        cookie = f"phonghop_session={member.cookies['phonghop_session']}"
        stalled = await stalled_tablet(ws_url, cookie, demo.meeting_id)
        doc = (await member.get(f"/api/meetings/{demo.meeting_id}")).json()["items"][0][
            "documents"][0]["id"]
        text = "Ghi chú dài về số liệu ngân sách. " * 550  # ~19 KB each
        during: list[float] = []
        for i in range(30):
            for _ in range(15):
                r = await member.post(f"/api/documents/{doc}/notes", json={"page": 1, "text": text})
                assert r.status_code == 201
            during += await page_latencies(sec, demo.meeting_id, watchers, range(i, i + 1))
            if stalled.close_code is not None or stalled.protocol.close_rcvd is not None:
                break
        rss_after = rss_kb(server.pid)
        # the stalled tablet was told to reconnect later (the close frame waits behind its
        # unread data) or cut off; either way the server no longer writes to it
        stalled.transport.resume_reading()
        with pytest.raises(websockets.ConnectionClosed):
            while True:
                await asyncio.wait_for(stalled.recv(), 10)
        assert stalled.close_code in (4001, 1006)
        # nobody else noticed: every page reached every other tablet (page_latencies waits
        # for each) and none was cut off; how fast is bench/fanout.py's business
        assert len(during) >= 1 and len(before) == 20
        assert all(not t.closed.is_set() for t in watchers)
        # and the server did not keep the backlog (a generous bound: the flood is 8 MB per
        # round, tens of MB in all)
        assert rss_after - rss_before < 60_000, (rss_before, rss_after)
        for tablet in watchers:
            await tablet.close()
    finally:
        await sec.aclose()
        await member.aclose()
        stop_server(server)
