"""Sockets per person are capped (PHONGHOP_MAX_SOCKETS_PER_USER): the newest one past the cap
gets `too_many_connections` and the close 4105, the others carry on, and a dropped tablet's
connection the server has not yet noticed makes way instead of locking its owner out."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from pathlib import Path

import pytest
import websockets

from tests.conftest import LiveServer, free_port, start_server, stop_server
from tests.wsclient import Tablet, cookie_for

pytestmark = pytest.mark.server


async def test_the_sixth_socket_of_one_person_is_refused_with_4105(
    live_server: LiveServer,
) -> None:
    meeting = live_server.demo.meeting_id
    cookie = await cookie_for(live_server.url, "uyvien1")
    devices = [Tablet(live_server.ws_url, cookie, meeting) for _ in range(5)]
    for device in devices:
        await device.connect()
    async with websockets.connect(live_server.ws_url,
                                  additional_headers={"Cookie": cookie}) as sixth:
        refusal = json.loads(await asyncio.wait_for(sixth.recv(), 10))
        with pytest.raises(websockets.ConnectionClosed):
            await asyncio.wait_for(sixth.recv(), 10)
    assert sixth.close_code == 4105
    assert refusal["error"] == "too_many_connections"
    assert refusal["message_vi"] and refusal["message_en"]
    # the five already open were not disturbed, and another person is not counted with them
    assert await devices[0].command("presence", {"mode": "browse", "page": 2}) == {"ok": True}
    assert not any(d.closed.is_set() for d in devices)
    other = Tablet(live_server.ws_url, await cookie_for(live_server.url, "uyvien2"), meeting)
    await other.connect()
    # a device closed frees its place
    await devices[0].close()
    again = Tablet(live_server.ws_url, cookie, meeting)
    reply = await again.connect()
    assert reply["snapshot"]["meeting"]["id"] == meeting
    for device in [*devices[1:], other, again]:
        await device.close()


async def test_a_dropped_tablet_does_not_lock_its_owner_out(settings, demo, tmp_path: Path
                                                            ) -> None:  # type: ignore[no-untyped-def]
    # pings every second, silence closed only after 60 s: the dropped tablet is still held
    quick = replace(settings, ws_ping_seconds=1.0, ws_timeout_seconds=60.0)
    port = free_port()
    server = start_server(quick, port, tmp_path / "server.log",
                          {"PHONGHOP_MAX_SOCKETS_PER_USER": "2"})
    url, ws_url = f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}/ws"
    try:
        cookie = await cookie_for(url, "uyvien1")
        alive = Tablet(ws_url, cookie, demo.meeting_id)  # answers every ping
        await alive.connect()
        dropped = await websockets.connect(ws_url, additional_headers={"Cookie": cookie})
        await dropped.send(json.dumps({"id": 1, "type": "connect",
                                       "data": {"meeting_id": demo.meeting_id}}))
        assert json.loads(await dropped.recv())["type"] == "reply"
        # its Wi-Fi is gone: it answers nothing more (its frames are no longer read)
        dropped.transport.pause_reading()
        # the cap (2) is reached: a third socket at once is refused
        async with websockets.connect(ws_url, additional_headers={"Cookie": cookie}) as third:
            with pytest.raises(websockets.ConnectionClosed):
                while True:
                    await asyncio.wait_for(third.recv(), 10)
        assert third.close_code == 4105
        await asyncio.sleep(4)  # more than a ping interval plus 2 s of silence
        back = Tablet(ws_url, cookie, demo.meeting_id)
        reply = await back.connect()
        assert reply["snapshot"]["meeting"]["id"] == demo.meeting_id
        assert not alive.closed.is_set()  # the live one, heard every second, stays
        dropped.transport.resume_reading()
        with pytest.raises(websockets.ConnectionClosed):
            while True:
                await asyncio.wait_for(dropped.recv(), 10)
        assert dropped.close_code == 4002
        await back.close()
        await alive.close()
    finally:
        stop_server(server)
