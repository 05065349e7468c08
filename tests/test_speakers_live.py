"""The speakers' list on a real server with real WebSocket tablets: every tablet (the guest's
too) sees the queue change, the floor given with the timer's start and limit, one message per
turn (no tick per second), and the turn's end with the time spoken; a tablet that connects
mid-turn gets the timer in its snapshot."""

from __future__ import annotations

import asyncio
from datetime import datetime

import httpx
import pytest

from tests.conftest import LiveServer
from tests.wsclient import Tablet, cookie_for

pytestmark = pytest.mark.server

PEOPLE = ["chutich", "phochutich1", "uyvien1", "uyvien2", "khachmoi"]


async def login(server: LiveServer, username: str) -> httpx.AsyncClient:
    http = httpx.AsyncClient(base_url=server.url, timeout=30)
    r = await http.post("/api/login", json={"username": username, "password": "phonghop2026"})
    assert r.status_code == 200
    return http


async def tablet(server: LiveServer, username: str) -> Tablet:
    t = Tablet(server.ws_url, await cookie_for(server.url, username), server.demo.meeting_id)
    await t.connect()
    return t


async def test_tablets_see_the_queue_and_the_timer(live_server: LiveServer) -> None:
    meeting = live_server.demo.meeting_id
    sec = await login(live_server, "thuky")
    member = await login(live_server, "uyvien1")
    other = await login(live_server, "uyvien2")
    tablets = [await tablet(live_server, u) for u in PEOPLE]
    assert (await sec.post(f"/api/meetings/{meeting}/start")).status_code == 200
    assert (await sec.put(f"/api/meetings/{meeting}/speakers/settings",
                          json={"default_seconds": 90})).status_code == 200
    r = await member.post(f"/api/meetings/{meeting}/speakers", json={"kind": "speech"})
    first = r.json()["id"]
    r = await other.post(f"/api/meetings/{meeting}/speakers", json={"kind": "point_of_order"})
    order = r.json()["id"]
    for t in tablets:
        event = await t.wait_for("speakers.changed", lambda d: len(d["queue"]) == 2)
        # the point of order heads the queue on every tablet
        assert [q["id"] for q in event["data"]["queue"]] == [order, first]
    # each requester's own tablet hears of their own request (the others do not)
    mine = await tablets[PEOPLE.index("uyvien1")].wait_for("speakers.mine")
    assert mine["data"]["mine"] == [{"id": first, "kind": "speech"}]
    assert not any(e["type"] == "speakers.mine" for e in tablets[0].events)
    r = await sec.post(f"/api/speakers/{order}/floor")
    assert r.status_code == 200
    await tablets[PEOPLE.index("uyvien2")].wait_for("speakers.mine", lambda d: d["mine"] == [])
    for t in tablets:
        started = await t.wait_for("speaker.started", lambda d: d["id"] == order)
        assert started["data"]["full_name"] == "Vũ Thị Lan"
        assert started["data"]["limit_seconds"] == 90
        assert datetime.fromisoformat(started["data"]["started_at"]).tzinfo is not None
        assert started["data"]["server_time"]
    # the countdown runs on the tablets: nothing more is sent while the speaker talks
    counts = [len(t.events) for t in tablets]
    await asyncio.sleep(2.5)
    assert [len(t.events) for t in tablets] == counts
    # a tablet connecting mid-turn gets the timer from its snapshot
    late = await tablet(live_server, "phochutich2")
    assert late.snapshot is not None
    current = late.snapshot["speakers"]["current"]
    assert current["id"] == order and current["limit_seconds"] == 90
    assert current["started_at"] == started["data"]["started_at"]
    # the secretary gives the floor to the next: the first turn ends with its time
    assert (await sec.post(f"/api/speakers/{first}/floor",
                           json={"limit_seconds": 45})).status_code == 200
    for t in tablets + [late]:
        ended = await t.wait_for("speaker.ended", lambda d: d["id"] == order)
        assert ended["data"]["spoken_seconds"] >= 2
        started = await t.wait_for("speaker.started", lambda d: d["id"] == first)
        assert started["data"]["limit_seconds"] == 45
        changed = await t.wait_for("speakers.changed",
                                   lambda d: d["current"] and d["current"]["id"] == first)
        assert changed["data"]["queue"] == []
    assert (await sec.post(f"/api/speakers/{first}/end")).status_code == 200
    for t in tablets:
        await t.wait_for("speaker.ended", lambda d: d["id"] == first)
        await t.wait_for("speakers.changed", lambda d: d["current"] is None)
    times = (await sec.get(f"/api/meetings/{meeting}/speakers")).json()["times"]
    assert [t["full_name"] for t in times] == ["Vũ Thị Lan", "Hoàng Minh Tuấn"]
    for t in tablets + [late]:
        await t.close()
    for http in (sec, member, other):
        await http.aclose()
