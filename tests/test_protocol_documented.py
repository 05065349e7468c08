"""What docs/protocol.md says about the edges of the protocol, one test per point: a
publication may come before the reply to the command that caused it; the HTTP snapshot is the
socket's without positions; the handshake's Origin rule. (Presence after the reply:
tests/test_protocol_frames.py; an offset ahead of the server: tests/test_protocol_connect.py.)"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from tests.conftest import LiveServer, free_port, start_server, stop_server
from tests.wsclient import Tablet, cookie_for

pytestmark = pytest.mark.server

PROTOCOL_MD = (Path(__file__).resolve().parent.parent / "docs" / "protocol.md").read_text()


async def test_a_page_turn_arrives_before_the_reply_to_the_present_that_caused_it(
    live_server: LiveServer,
) -> None:
    assert "may arrive before the reply to the command that caused it" in PROTOCOL_MD
    meeting = live_server.demo.meeting_id
    secretary = Tablet(live_server.ws_url, await cookie_for(live_server.url, "thuky"), meeting)
    await secretary.connect()
    http = httpx.AsyncClient(base_url=live_server.url, timeout=30,
                             headers={"Cookie": secretary.cookie})
    assert (await http.post(f"/api/meetings/{meeting}/start")).status_code == 200
    await secretary.wait_for("presentation", lambda d: d["page"] == 1)
    for page in (2, 3, 4):
        reply = await secretary.command("present", {"page": page})
        assert reply["presentation"]["page"] == page
        # by the time the reply is read, the publication it caused has been read already
        assert any(e["type"] == "presentation" and e["data"]["page"] == page
                   for e in secretary.events)
    await secretary.close()
    await http.aclose()


def comparable(snapshot: dict[str, Any]) -> dict[str, Any]:
    """A snapshot without the clock readings each copy takes for itself."""
    out = dict(snapshot)
    for key in ("speakers", "screen"):
        if isinstance(out.get(key), dict):
            out[key] = {k: v for k, v in out[key].items() if k != "server_time"}
    # A meeting not over yet is kept on the tablet for a day after now: a clock reading too.
    if isinstance(out.get("offline"), dict):
        out["offline"] = {k: v for k, v in out["offline"].items() if k != "expires_at"}
    return out


@pytest.mark.parametrize("username", ["uyvien1", "thuky"])
async def test_the_http_snapshot_is_the_sockets_without_positions(
    live_server: LiveServer, username: str,
) -> None:
    meeting = live_server.demo.meeting_id
    cookie = await cookie_for(live_server.url, username)
    tablet = Tablet(live_server.ws_url, cookie, meeting)
    reply = await tablet.connect()
    async with httpx.AsyncClient(base_url=live_server.url, headers={"Cookie": cookie}) as http:
        over_http = (await http.get(f"/api/meetings/{meeting}")).json()
    assert "positions" in reply and "positions" not in over_http
    assert "presence" not in over_http and "presence" not in reply["snapshot"]
    assert comparable(over_http) == comparable(reply["snapshot"])
    await tablet.close()


async def test_the_handshake_origin_rule(settings, demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    port = free_port()
    allowed = "https://hop.example.vn"
    server = start_server(settings, port, tmp_path / "server.log",
                          {"PHONGHOP_ALLOWED_ORIGINS": allowed})
    ws_url = f"ws://127.0.0.1:{port}/ws"
    try:
        cookie = await cookie_for(f"http://127.0.0.1:{port}", "uyvien1")
        headers = {"Cookie": cookie}
        accepted = [None, f"http://127.0.0.1:{port}", allowed]
        for origin in accepted:  # none (not a browser page), this server's own, listed
            async with websockets.connect(ws_url, additional_headers=headers,
                                          origin=origin) as ws:  # type: ignore[arg-type]
                await ws.send('{"id": 1, "type": "connect", "data": {"meeting_id": 1}}')
                assert '"reply"' in await asyncio.wait_for(ws.recv(), 10)
        refused = [f"http://127.0.0.1:{free_port()}", "https://evil.example",
                   f"http://localhost.evil.example:{port}"]
        for origin in refused:  # another port of the same host is another site's page
            with pytest.raises(websockets.InvalidStatus) as refusal:
                await websockets.connect(ws_url, additional_headers=headers,
                                         origin=origin)  # type: ignore[arg-type]
            assert refusal.value.response.status_code == 403
    finally:
        stop_server(server)
