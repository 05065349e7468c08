"""Malformed `connect` data gets the documented `error` with a precise code (docs/protocol.md,
"Connecting and recovering"), never a snapshot or a misleading code, and the connection stays
open for a correct `connect`; an offset ahead of the server's gets a snapshot."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import websockets

from phonghop.commands import read_connect
from realtime.broker import Position
from realtime.protocol import ProtocolError
from tests.conftest import LiveServer
from tests.wsclient import Tablet, cookie_for

pytestmark = pytest.mark.server

ROOM = "meeting:1"
MALFORMED: list[tuple[dict[str, Any], str, str]] = [
    # (connect data, code, a word the English message must hold)
    ({"meeting_id": 1, "positions": {ROOM: {"offset": "x", "epoch": "e"}}}, "bad_positions",
     "offset"),
    ({"meeting_id": 1, "positions": {ROOM: {"offset": -5, "epoch": "e"}}}, "bad_positions",
     "offset"),
    ({"meeting_id": 1, "positions": {ROOM: {"offset": 3}}}, "bad_positions", "epoch"),
    ({"meeting_id": 1, "positions": {ROOM: 3}}, "bad_positions", ROOM),
    ({"meeting_id": 1, "positions": [{"offset": 1, "epoch": "e"}]}, "bad_positions", "object"),
    ({"meeting_id": "1"}, "bad_meeting", '"1"'),
    ({"meeting_id": 1e20}, "bad_meeting", "1e+20"),
    ({"meeting_id": -5}, "bad_meeting", "-5"),
    ({"meeting_id": True}, "bad_meeting", "true"),
    ({"meeting_id": 2**31}, "bad_meeting", "2147483647"),
    ({}, "meeting_required", "meeting_id"),
    ({"meeting_id": None}, "meeting_required", "meeting_id"),
    ({"inbox": "yes"}, "bad_connect", "inbox"),
    ({"meeting_id": 1, "device": ["ipad"]}, "bad_connect", "device"),
]


@pytest.mark.parametrize(("data", "code", "word"), MALFORMED)
def test_each_malformed_connect_is_named(data: dict[str, Any], code: str, word: str) -> None:
    with pytest.raises(ProtocolError) as refused:
        read_connect(7, data)
    assert refused.value.code == code and refused.value.id == 7
    assert word in refused.value.en and refused.value.vi != refused.value.en


def test_well_formed_connects_are_read() -> None:
    read = read_connect(1, {"meeting_id": 3, "positions": {ROOM: {"offset": 0, "epoch": "e"}},
                            "device": "iPad"})
    assert (read.meeting_id, read.positions, read.device) == (3, {ROOM: Position(0, "e")},
                                                              "iPad")
    assert read_connect(1, {"inbox": True}).inbox
    assert read_connect(1, {"meeting_id": 3, "positions": None}).positions == {}


async def test_a_malformed_connect_gets_its_error_and_the_socket_stays_open(
    live_server: LiveServer,
) -> None:
    meeting = live_server.demo.meeting_id
    headers = {"Cookie": await cookie_for(live_server.url, "uyvien1")}
    async with websockets.connect(live_server.ws_url, additional_headers=headers) as ws:
        for n, (data, code, word) in enumerate(MALFORMED, start=1):
            data = json.loads(json.dumps(data).replace('"meeting:1"', f'"meeting:{meeting}"'))
            await ws.send(json.dumps({"id": n, "type": "connect", "data": data}))
            answer = json.loads(await asyncio.wait_for(ws.recv(), 10))
            assert answer["type"] == "error", (data, answer)  # never a snapshot
            assert (answer["id"], answer["error"]) == (n, code), (data, answer)
            assert word in answer["message_en"] and answer["message_vi"]
            await asyncio.sleep(0.06)  # well within the rate limit
        # still open, still waiting for a correct connect
        await ws.send(json.dumps({"id": 99, "type": "connect", "data": {"meeting_id": meeting}}))
        answer = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert answer["id"] == 99 and answer["type"] == "reply"
        assert answer["data"]["snapshot"]["meeting"]["id"] == meeting


async def test_an_offset_ahead_of_the_server_gets_a_snapshot(live_server: LiveServer) -> None:
    meeting = live_server.demo.meeting_id
    cookie = await cookie_for(live_server.url, "uyvien2")
    first = Tablet(live_server.ws_url, cookie, meeting)
    await first.connect()
    await first.close()
    room = f"meeting:{meeting}"
    epoch = first.positions[room]["epoch"]  # the server's own epoch, but an offset it never sent
    ahead = Tablet(live_server.ws_url, cookie, meeting)
    ahead.positions = {room: {"offset": first.positions[room]["offset"] + 50, "epoch": epoch}}
    reply = await ahead.connect(resume=True)
    assert reply["recovered"] is False and reply["snapshot"]["meeting"]["id"] == meeting
    assert reply["positions"][room] == first.positions[room]  # the server's, lower than sent
    await ahead.close()


async def test_a_frame_nested_past_recursion_gets_bad_json(live_server: LiveServer) -> None:
    headers = {"Cookie": await cookie_for(live_server.url, "uyvien1")}
    async with websockets.connect(live_server.ws_url, additional_headers=headers) as ws:
        for opener in ("[" * 60_000, '{"a":' * 12_000):  # under the 64 KB frame limit
            await ws.send(opener)
            answer = json.loads(await asyncio.wait_for(ws.recv(), 10))
            assert answer["type"] == "error" and answer["error"] == "bad_json"
        await ws.send(json.dumps({"id": 1, "type": "connect",
                                  "data": {"meeting_id": live_server.demo.meeting_id}}))
        assert json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "reply"
