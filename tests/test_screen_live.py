"""The room screen's vote result on a real server with real WebSocket clients: `screen.changed`
follows `vote.closed` on the meeting channel, a screen that was away while the secretary took
the result down recovers that from its offsets, a screen that connects fresh gets the state
in its snapshot, and a page turned over the socket takes the result down too."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import LiveServer
from tests.helpers import record_quorum_async
from tests.wsclient import Tablet, cookie_for

pytestmark = pytest.mark.server


async def screen_tablet(server: LiveServer, username: str) -> Tablet:
    t = Tablet(server.ws_url, await cookie_for(server.url, username), server.demo.meeting_id)
    await t.connect()
    return t


async def closed_vote(http: httpx.AsyncClient, meeting: int, question: str) -> int:
    r = await http.post(f"/api/meetings/{meeting}/votes", json={"question": question})
    assert r.status_code == 201, r.text
    vote_id = int(r.json()["vote"]["id"])
    assert (await http.post(f"/api/votes/{vote_id}/close")).status_code == 200
    return vote_id


async def test_screen_state_is_published_recovered_and_in_the_snapshot(
    live_server: LiveServer,
) -> None:
    meeting = live_server.demo.meeting_id
    api = f"/api/meetings/{meeting}"
    channel = f"meeting:{meeting}"
    async with httpx.AsyncClient(base_url=live_server.url, timeout=30) as sec:
        r = await sec.post("/api/login", json={"username": "thuky", "password": "phonghop2026"})
        assert r.status_code == 200
        screen = await screen_tablet(live_server, "uyvien2")
        assert screen.snapshot is not None and screen.snapshot["screen"]["result"] is None
        assert (await sec.post(f"{api}/start")).status_code == 200
        await record_quorum_async(sec, meeting)
        assert (await sec.put(f"{api}/screen/settings",
                              json={"result_seconds": None})).status_code == 200
        await screen.wait_for("screen.changed", lambda d: d["result_seconds"] is None)

        first = await closed_vote(sec, meeting, "Thông qua báo cáo?")
        up = await screen.wait_for("screen.changed", lambda d: d["result"] is not None)
        assert up["channel"] == channel and up["data"]["result"]["vote_id"] == first
        assert up["data"]["result"]["until"] is None and up["data"]["server_time"]
        closed = await screen.wait_for("vote.closed", lambda d: d["id"] == first)
        assert closed["offset"] < up["offset"]  # the vote is known before it is shown

        # The screen drops off; meanwhile the secretary takes the result down.
        await screen.close()
        assert (await sec.post(f"{api}/screen/dismiss")).status_code == 200
        seen = len(screen.events)
        reply = await screen.connect(resume=True)
        assert reply["recovered"] is True
        missed = [e for e in screen.events[seen:] if e["type"] == "screen.changed"]
        assert [e["data"]["result"] for e in missed] == [None]

        # A screen that connects now learns the same from its snapshot.
        second = await closed_vote(sec, meeting, "Thông qua kế hoạch?")
        await screen.wait_for("screen.changed", lambda d: (d["result"] or {}).get("vote_id")
                              == second)
        fresh = await screen_tablet(live_server, "khachmoi")
        assert fresh.snapshot is not None
        assert fresh.snapshot["screen"]["result"]["vote_id"] == second

        # The console turns the page over its socket: the page takes the screen back, and the
        # reply is still the presentation.
        console = await screen_tablet(live_server, "thuky")
        before = {id(t): len(t.events) for t in (screen, fresh)}
        answer = await console.command("present", {"page": 2})
        assert answer["presentation"]["page"] == 2
        for t in (screen, fresh):
            page = await t.wait_for("presentation", lambda d: d["page"] == 2)
            since = [e for e in t.events[before[id(t)]:] if e["offset"] <= page["offset"]]
            assert [(e["type"], e["data"].get("result", "-")) for e in since] == [
                ("screen.changed", None), ("presentation", "-")]
        for t in (screen, fresh, console):
            await t.close()
