"""A role takes effect on the sockets already open: a chair made a guest is closed with 4005
(reconnect) and, reconnected, no longer receives the staff channel (live tallies, presence)."""

from __future__ import annotations

import asyncio

from realtime.protocol import Close
from tests.conftest import LiveServer
from tests.helpers import record_quorum
from tests.wsclient import Tablet, cookie_for


async def test_a_demoted_chair_loses_the_staff_channel_at_once(live_server: LiveServer) -> None:
    sec = live_server.session("thuky")
    try:
        assert sec.post("/api/meetings/1/start").status_code == 200
        record_quorum(sec, 1)
        who = {p["username"]: p["user_id"]
               for p in sec.get("/api/meetings/1").json()["participants"]}
        chair = Tablet(live_server.ws_url, await cookie_for(live_server.url, "chutich"), 1)
        await chair.connect()
        assert "meeting:1:staff" in chair.positions
        r = sec.post("/api/meetings/1/participants", json={"user_id": who["chutich"],
                                                            "role": "guest"})
        assert r.status_code == 201, r.text
        await asyncio.wait_for(chair.closed.wait(), 10)
        assert chair.close_code == Close.ROLE_CHANGED and Close.ROLE_CHANGED.reconnect
        # it comes back as the web app does, with the positions it held: they include the
        # staff channel, so it gets a snapshot of what a guest sees, not the chair's history
        guest = chair
        reply = await guest.connect(resume=True)
        assert reply["recovered"] is False and reply["snapshot"]["me"]["role"] == "guest"
        assert "meeting:1:staff" not in reply["positions"]
        opened = sec.post("/api/meetings/1/votes", json={"question": "Thông qua?",
                                                          "kind": "counts"})
        assert opened.status_code == 201, opened.text
        ballot = live_server.session("uyvien1")
        assert ballot.post(f"/api/votes/{opened.json()['vote']['id']}/ballots",
                           json={"choice": "yes"}).status_code == 201
        ballot.close()
        await guest.wait_for("vote.progress")
        await asyncio.sleep(0.5)  # the coalesced tally would have come by now
        assert [e for e in guest.events if e["type"] == "vote.tally"] == []
        await guest.close()
    finally:
        sec.close()
