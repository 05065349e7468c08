"""Frames a client must accept stay within what docs/protocol.md promises: a recovered reply is
at most 256 KiB, and past that the tablet gets a snapshot instead; so a client with
`websockets`' default max_size (1 MiB) comes back after a long absence instead of looping on
close 1009. Presence is never inside a reply: it follows it, for the staff."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
import websockets

from realtime.protocol import MAX_REPLY_BYTES
from tests.conftest import LiveServer
from tests.wsclient import Tablet, cookie_for

pytestmark = pytest.mark.server

NOTE = "Ghi chú dài về số liệu ngân sách. " * 550  # about 22 KB once encoded


async def connect_raw(ws_url: str, cookie: str, data: dict[str, Any]
                      ) -> tuple[Any, str, dict[str, Any]]:
    """A client with websockets' defaults (max_size 1 MiB); the connect reply, raw and read."""
    ws = await websockets.connect(ws_url, additional_headers={"Cookie": cookie})
    await ws.send(json.dumps({"id": 1, "type": "connect", "data": data}))
    while True:
        raw = await asyncio.wait_for(ws.recv(), 20)
        message = json.loads(raw)
        if message.get("id") == 1:
            return ws, raw, message


async def write_notes(http: httpx.AsyncClient, document_id: int, count: int) -> None:
    for _ in range(count):
        r = await http.post(f"/api/documents/{document_id}/notes", json={"page": 1, "text": NOTE})
        assert r.status_code == 201, r.text


async def test_a_long_absence_is_answered_with_a_reply_a_default_client_can_read(
    live_server: LiveServer,
) -> None:
    meeting = live_server.demo.meeting_id
    cookie = await cookie_for(live_server.url, "uyvien1")
    other_device = httpx.AsyncClient(base_url=live_server.url, timeout=30,
                                     headers={"Cookie": cookie})
    document = (await other_device.get(f"/api/meetings/{meeting}")).json()["items"][0][
        "documents"][0]["id"]
    ws, _, first = await connect_raw(live_server.ws_url, cookie, {"meeting_id": meeting})
    positions = first["data"]["positions"]
    await ws.close()
    channel = next(c for c in positions if ":user:" in c)  # where my notes are published

    # a short absence: what was missed comes back as publications, in a bounded frame
    await write_notes(other_device, document, 8)
    ws, raw, reply = await connect_raw(live_server.ws_url, cookie,
                                       {"meeting_id": meeting, "positions": positions})
    await ws.close()
    assert reply["data"]["recovered"] is True
    missed = [p for p in reply["data"]["publications"] if p["type"] == "note.saved"]
    assert len(missed) == 8
    assert len(raw.encode()) <= MAX_REPLY_BYTES
    positions = reply["data"]["positions"]

    # a long one: about 1.3 MB missed, more than a default client accepts in one frame
    await write_notes(other_device, document, 60)
    ws, raw, reply = await connect_raw(live_server.ws_url, cookie,
                                       {"meeting_id": meeting, "positions": positions})
    assert reply["type"] == "reply" and reply["data"]["recovered"] is False
    assert reply["data"]["snapshot"]["meeting"]["id"] == meeting
    assert reply["data"]["positions"][channel]["offset"] == positions[channel]["offset"] + 60
    assert len(raw.encode()) <= MAX_REPLY_BYTES
    # the connection is live and keeps going in order from there
    await write_notes(other_device, document, 1)
    after = json.loads(await asyncio.wait_for(ws.recv(), 20))
    assert after["type"] == "note.saved"
    assert after["offset"] == reply["data"]["positions"][channel]["offset"] + 1
    await ws.close()
    await other_device.aclose()


async def test_presence_follows_the_reply_for_the_staff_only(live_server: LiveServer) -> None:
    meeting = live_server.demo.meeting_id
    member = Tablet(live_server.ws_url, await cookie_for(live_server.url, "uyvien2"), meeting)
    reply = await member.connect()
    assert "presence" not in reply and "presence" not in reply["snapshot"]
    staff = Tablet(live_server.ws_url, await cookie_for(live_server.url, "thuky"), meeting)
    reply = await staff.connect()
    assert "presence" not in reply and "presence" not in reply["snapshot"]
    deadline = asyncio.get_running_loop().time() + 10
    while not any(c["type"] == "presence" for c in staff.controls):
        assert asyncio.get_running_loop().time() < deadline
        await asyncio.sleep(0.01)
    first = next(c for c in staff.controls if c["type"] == "presence")
    assert member.snapshot is not None
    assert member.snapshot["me"]["full_name"] in {
        e["full_name"] for e in first["data"]["connections"]}
    # a recovered reply has none either; the presence message follows it just the same
    await staff.close()
    staff.controls.clear()
    reply = await staff.connect(resume=True)
    assert reply["recovered"] is True and "presence" not in reply
    while not any(c["type"] == "presence" for c in staff.controls):
        assert asyncio.get_running_loop().time() < deadline + 10
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.5)
    assert not any(c["type"] == "presence" for c in member.controls)
    await staff.close()
    await member.close()
