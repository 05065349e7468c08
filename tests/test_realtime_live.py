"""A real uvicorn server on 127.0.0.1 and real WebSocket tablets: page changes reach every
tablet, ballots are acknowledged after commit, a dropped tablet resumes with no gap and no
duplicate, and bad input gets an error or a typed close while the others carry on."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
import websockets

from tests.conftest import LiveServer
from tests.helpers import record_quorum_async
from tests.wsclient import CommandError, Tablet, cookie_for

pytestmark = pytest.mark.server

MEMBERS = ["chutich", "phochutich1", "phochutich2", "uyvien1", "uyvien2"]


async def tablets(server: LiveServer, usernames: list[str]) -> list[Tablet]:
    out = []
    for username in usernames:
        tablet = Tablet(server.ws_url, await cookie_for(server.url, username),
                        server.demo.meeting_id)
        await tablet.connect()
        out.append(tablet)
    return out


async def secretary(server: LiveServer) -> httpx.AsyncClient:
    http = httpx.AsyncClient(base_url=server.url, timeout=30)
    r = await http.post("/api/login", json={"username": "thuky", "password": "phonghop2026"})
    assert r.status_code == 200
    return http


async def test_page_changes_reach_every_tablet_and_votes_are_counted(
    live_server: LiveServer,
) -> None:
    meeting = live_server.demo.meeting_id
    sec = await secretary(live_server)
    members = await tablets(live_server, MEMBERS)
    guest = (await tablets(live_server, ["khachmoi"]))[0]
    assert members[0].snapshot and members[0].snapshot["meeting"]["status"] == "draft"
    assert (await sec.post(f"/api/meetings/{meeting}/start")).status_code == 200
    await record_quorum_async(sec, meeting)
    for page in (2, 3, 4, 5):
        r = await sec.post(f"/api/meetings/{meeting}/present", json={"page": page})
        assert r.status_code == 200
    for tablet in members + [guest]:
        await tablet.wait_for("presentation", lambda d: d["page"] == 5)
        pages = [e["data"]["page"] for e in tablet.events if e["type"] == "presentation"]
        assert pages == [1, 2, 3, 4, 5]  # every change, in order
    r = await sec.post(f"/api/meetings/{meeting}/votes", json={"question": "Thông qua báo cáo?"})
    vote_id = r.json()["vote"]["id"]
    for tablet in members:
        await tablet.wait_for("vote.opened")
    choices = ["yes", "yes", "yes", "yes", "no"]
    replies = await asyncio.gather(*(
        t.command("vote.cast", {"vote_id": vote_id, "choice": c})
        for t, c in zip(members, choices, strict=True)
    ))
    assert [r["choice"] for r in replies] == choices
    with pytest.raises(CommandError) as refused:
        await guest.command("vote.cast", {"vote_id": vote_id, "choice": "yes"})
    assert refused.value.code == "forbidden"
    with pytest.raises(CommandError) as twice:
        await members[0].command("vote.cast", {"vote_id": vote_id, "choice": "no"})
    assert twice.value.code == "already_voted"
    # every ballot acknowledged is committed: the secretary's snapshot counts them all
    live = (await sec.get(f"/api/meetings/{meeting}")).json()["open_vote"]
    assert live["tally"] == {"yes": 4, "no": 1, "abstain": 0}
    r = await sec.post(f"/api/votes/{vote_id}/close")
    assert r.json()["vote"]["result"] == {"yes": 4, "no": 1, "abstain": 0, "passed": True}
    for tablet in members + [guest]:
        closed = await tablet.wait_for("vote.closed")
        assert closed["data"]["result"]["passed"] is True
    # each member's own channel confirmed their ballot
    for tablet, choice in zip(members, choices, strict=True):
        accepted = await tablet.wait_for("ballot.accepted")
        assert accepted["data"] == {"vote_id": vote_id, "choice": choice}
    for tablet in members + [guest]:
        await tablet.close()
    await sec.aclose()


async def test_dropped_tablet_resumes_without_gap_or_duplicate(live_server: LiveServer) -> None:
    meeting = live_server.demo.meeting_id
    sec = await secretary(live_server)
    (tablet,) = await tablets(live_server, ["uyvien1"])
    await sec.post(f"/api/meetings/{meeting}/start")
    await sec.post(f"/api/meetings/{meeting}/present", json={"page": 2})
    await tablet.wait_for("presentation", lambda d: d["page"] == 2)
    # cut the connection without a close handshake, as a Wi-Fi drop does
    tablet.conn.transport.abort()
    await tablet.closed.wait()
    for page in (3, 4, 5, 6):
        await sec.post(f"/api/meetings/{meeting}/present", json={"page": page})
    reply = await tablet.connect(resume=True)
    assert reply["recovered"] is True
    await tablet.wait_for("presentation", lambda d: d["page"] == 6)
    pages = [e["data"]["page"] for e in tablet.events if e["type"] == "presentation"]
    assert pages == [1, 2, 3, 4, 5, 6]
    offsets = [e["offset"] for e in tablet.events if e["channel"] == f"meeting:{meeting}"]
    assert offsets == sorted(set(offsets)) and offsets == list(range(offsets[0], offsets[-1] + 1))
    await tablet.close()
    await sec.aclose()


async def test_secretary_turns_pages_over_the_socket(live_server: LiveServer) -> None:
    meeting = live_server.demo.meeting_id
    sec = await secretary(live_server)
    assert (await sec.post(f"/api/meetings/{meeting}/start")).status_code == 200
    console, member = await tablets(live_server, ["thuky", "uyvien1"])
    assert member.snapshot and member.snapshot["presentation"]["page"] == 1
    for page in (2, 3, 4):
        reply = await console.command("present", {"page": page})
        assert reply["presentation"]["page"] == page
    await member.wait_for("presentation", lambda d: d["page"] == 4)
    pages = [e["data"]["page"] for e in member.events if e["type"] == "presentation"]
    assert pages == [2, 3, 4]  # every change, in order
    # the same rules as the HTTP route: members may not turn the room's page
    with pytest.raises(CommandError) as refused:
        await member.command("present", {"page": 7})
    assert refused.value.code == "forbidden"
    with pytest.raises(CommandError) as bad:
        await console.command("present", {"page": "7"})
    assert bad.value.code == "bad_field"
    with pytest.raises(CommandError) as beyond:
        await console.command("present", {"page": 10_000})
    assert beyond.value.code == "bad_page"
    # and what it did is the room's state: a snapshot taken now shows page 4
    assert (await sec.get(f"/api/meetings/{meeting}")).json()["presentation"]["page"] == 4
    await console.close()
    await member.close()
    await sec.aclose()


async def test_unknown_epoch_gets_a_snapshot(live_server: LiveServer) -> None:
    channel = f"meeting:{live_server.demo.meeting_id}"
    cookie = await cookie_for(live_server.url, "uyvien2")
    tablet = Tablet(live_server.ws_url, cookie, live_server.demo.meeting_id)
    now = (await tablet.connect())["positions"][channel]
    await tablet.close()
    # The offset is the current one, so only the epoch says this position is of another
    # history (a stale offset alone would force the snapshot too).
    tablet = Tablet(live_server.ws_url, cookie, live_server.demo.meeting_id)
    tablet.positions = {channel: {"offset": now["offset"], "epoch": "gone"}}
    reply = await tablet.connect(resume=True)
    assert reply["recovered"] is False and reply["snapshot"]["meeting"]["id"] == 1
    assert reply["positions"][channel]["epoch"] == now["epoch"] != "gone"
    await tablet.close()


async def test_the_frame_limit_counts_bytes_not_characters(live_server: LiveServer) -> None:
    """30,000 Vietnamese letters are 30,000 characters, under the 64 KiB limit, but 90,000
    bytes of UTF-8: over it, closed 4104 like any frame too large. Just under the limit in
    bytes, the frame is read (and answered, as malformed JSON)."""
    headers = {"Cookie": await cookie_for(live_server.url, "uyvien1")}
    async with websockets.connect(live_server.ws_url, additional_headers=headers,
                                  max_size=None) as ws:
        await ws.send("ệ" * ((64 * 1024) // 3))  # 65,535 bytes
        assert json.loads(await ws.recv())["error"] == "bad_json"
        await ws.send("ệ" * 30_000)
        with pytest.raises(websockets.ConnectionClosed):
            await ws.recv()
        assert ws.close_code == 4104


async def test_bad_input_gets_errors_and_typed_closes(live_server: LiveServer) -> None:
    meeting = live_server.demo.meeting_id
    (bystander,) = await tablets(live_server, ["uyvien3"])
    cookie = await cookie_for(live_server.url, "uyvien1")
    headers = {"Cookie": cookie}
    async with websockets.connect(live_server.ws_url, additional_headers=headers) as ws:
        await ws.send("{not json")
        assert json.loads(await ws.recv())["error"] == "bad_json"
        await ws.send(json.dumps({"id": 1, "type": "launch.missiles"}))
        reply = json.loads(await ws.recv())
        assert reply == reply | {"id": 1, "type": "error", "error": "unknown_type"}
        assert reply["message_vi"] and reply["message_en"]
        await ws.send(json.dumps({"id": 2, "type": "vote.cast", "data": {}}))
        assert json.loads(await ws.recv())["error"] == "not_connected"
        await ws.send(json.dumps({"id": 3, "type": "connect", "data": {"meeting_id": "x"}}))
        assert json.loads(await ws.recv())["error"] == "bad_meeting"
        await ws.send(b"\x00binary")
        with pytest.raises(websockets.ConnectionClosed):
            await ws.recv()
        assert ws.close_code == 4103
    async with websockets.connect(live_server.ws_url, additional_headers=headers,
                                  max_size=None) as ws:
        await ws.send("x" * 70_000)
        with pytest.raises(websockets.ConnectionClosed):
            await ws.recv()
        assert ws.close_code == 4104
    async with websockets.connect(live_server.ws_url, additional_headers=headers) as ws:
        for i in range(200):  # a flood
            await ws.send(json.dumps({"id": i, "type": "pong"}))
        errors = []
        with pytest.raises(websockets.ConnectionClosed):
            while True:
                errors.append(json.loads(await ws.recv()))
        assert ws.close_code == 4003
        assert errors and all(e["error"] == "rate_limited" for e in errors)
    # not logged in: a typed close that says "do not reconnect"
    async with websockets.connect(live_server.ws_url) as ws:
        assert json.loads(await ws.recv())["error"] == "unauthenticated"
        with pytest.raises(websockets.ConnectionClosed):
            await ws.recv()
        assert ws.close_code == 4100
    # another site's page may not use the member's cookie: refused at the handshake
    with pytest.raises(websockets.InvalidStatus) as cross:
        await websockets.connect(live_server.ws_url, additional_headers=headers,
                                 origin="https://evil.example")  # type: ignore[arg-type]
    assert cross.value.response.status_code == 403
    # someone not in the meeting
    outsider = Tablet(live_server.ws_url, await cookie_for(live_server.url, "luutru"), meeting)
    with pytest.raises(CommandError):
        await outsider.connect()
    await outsider.closed.wait()
    assert outsider.close_code == 4101
    # the bystander was never disturbed
    sec = await secretary(live_server)
    await sec.post(f"/api/meetings/{meeting}/start")
    await bystander.wait_for("presentation")
    assert not bystander.closed.is_set()
    await bystander.close()
    await sec.aclose()


async def test_logout_and_sealing_close_with_do_not_reconnect_codes(
    live_server: LiveServer,
) -> None:
    meeting = live_server.demo.meeting_id
    member_http = httpx.AsyncClient(base_url=live_server.url)
    await member_http.post("/api/login", json={"username": "uyvien1", "password": "phonghop2026"})
    tablet = Tablet(live_server.ws_url,
                    f"phonghop_session={member_http.cookies['phonghop_session']}", meeting)
    await tablet.connect()
    await member_http.post("/api/logout")
    await asyncio.wait_for(tablet.closed.wait(), 5)
    assert tablet.close_code == 4100
    (other,) = await tablets(live_server, ["uyvien2"])
    sec = await secretary(live_server)
    await sec.post(f"/api/meetings/{meeting}/start")
    await sec.post(f"/api/meetings/{meeting}/end")
    r = await sec.post(f"/api/meetings/{meeting}/minutes/seal")
    assert r.status_code == 200, r.text
    await asyncio.wait_for(other.closed.wait(), 5)
    assert other.close_code == 4102
    assert (await other.wait_for("minutes.sealed"))["data"]["status"] == "sealed"
    # an archivist may open the sealed meeting (its snapshot), then is told it is sealed
    archivist = Tablet(live_server.ws_url, await cookie_for(live_server.url, "luutru"), meeting)
    reply = await archivist.connect()
    assert reply["snapshot"]["meeting"]["status"] == "sealed"
    await asyncio.wait_for(archivist.closed.wait(), 5)
    assert archivist.close_code == 4102
    # a meeting that does not exist is refused like one the tablet is not in
    nowhere = Tablet(live_server.ws_url, await cookie_for(live_server.url, "uyvien2"), 9999)
    with pytest.raises(CommandError) as missing:
        await nowhere.connect()
    assert missing.value.code == "not_found"
    await nowhere.closed.wait()
    assert nowhere.close_code == 4101
    await member_http.aclose()
    await sec.aclose()


async def test_secretary_sees_presence(live_server: LiveServer) -> None:
    (staff,) = await tablets(live_server, ["thuky"])
    (member,) = await tablets(live_server, ["uyvien1"])
    await member.command("presence", {"mode": "browse", "document_id": 1, "page": 4})
    deadline = asyncio.get_running_loop().time() + 5
    while True:
        views = [c for c in staff.controls if c["type"] == "presence"]
        entries = views[-1]["data"]["connections"] if views else []
        browsing = [e for e in entries if e["full_name"] == "Hoàng Minh Tuấn"]
        if browsing and browsing[0]["mode"] == "browse" and browsing[0]["page"] == 4:
            break
        assert asyncio.get_running_loop().time() < deadline, views
        await asyncio.sleep(0.05)
    with pytest.raises(CommandError) as bad:
        await member.command("presence", {"mode": "dance"})
    assert bad.value.code == "bad_presence"
    await member.close()
    await staff.close()
