"""Annotations live, over real sockets: a change sent on one tablet reaches the owner's other
tablet (and no one else's) within a moment, is applied once however often it is sent, and
sharing and taking back reach exactly the people concerned."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.conftest import LiveServer
from tests.wsclient import Tablet, cookie_for


def ink(document_id: int, ident: str = "live-ink-0001", **over: Any) -> dict[str, Any]:
    return {"id": ident, "document_id": document_id, "version": 1, "page": 1, "kind": "ink",
            "color": "#d32f2f", "data": {"points": [[0.1, 0.2, 0.5], [0.3, 0.4, 0.6]],
                                         "width": 0.004}} | over


def of_type(tablet: Tablet, type: str) -> list[dict[str, Any]]:
    return [e for e in tablet.events if e["type"] == type]


async def test_a_change_reaches_the_owners_other_tablet_and_no_one_else(
        live_server: LiveServer) -> None:
    url = live_server.url
    sec = live_server.session("thuky")
    assert sec.post("/api/meetings/1/start").status_code == 200
    meeting = sec.get("/api/meetings/1").json()
    document_id = meeting["items"][0]["documents"][0]["id"]
    who = {p["username"]: p["user_id"] for p in meeting["participants"]}
    member_cookie = await cookie_for(url, "uyvien1")
    a = Tablet(live_server.ws_url, member_cookie, 1)
    b = Tablet(live_server.ws_url, member_cookie, 1)
    other = Tablet(live_server.ws_url, await cookie_for(url, "uyvien2"), 1)
    secretary = Tablet(live_server.ws_url, await cookie_for(url, "thuky"), 1)
    tablets = (a, b, other, secretary)
    for t in tablets:
        await t.connect()
    try:
        reply = await a.command("annotation.change", {
            "device": "tablet-a", "key": "c1", "op": "put", "annotation": ink(document_id)})
        assert reply["result"]["status"] == "applied"
        saved = await b.wait_for("annotation.saved")
        assert saved["channel"] == f"meeting:1:user:{who['uyvien1']}"
        assert saved["data"]["device"] == "tablet-a"
        assert saved["data"]["annotation"]["data"]["points"][1] == [0.3, 0.4, 0.6]
        # the same change again (the tablet came back from a dropped connection): no echo
        again = await a.command("annotation.change", {
            "device": "tablet-a", "key": "c1", "op": "put", "annotation": ink(document_id)})
        assert again["result"]["status"] == "duplicate"
        # a bad one is a result, not a broken connection
        bad = await a.command("annotation.change", {
            "device": "tablet-a", "key": "c2", "op": "put",
            "annotation": ink(document_id, color="blue")})
        assert bad["result"]["status"] == "error" and bad["result"]["error"] == "bad_annotation"
        await asyncio.sleep(0.5)
        assert len(of_type(b, "annotation.saved")) == 1
        for t in (other, secretary):
            assert of_type(t, "annotation.saved") == []

        # shared with the meeting: everyone in it sees it, with the author's name
        owner = live_server.session("uyvien1")
        r = owner.put("/api/annotations/live-ink-0001/sharing",
                      json={"meeting": True, "device": "tablet-a"})
        assert r.status_code == 200, r.text
        for t in (other, secretary):
            shared = await t.wait_for("annotation.saved")
            assert shared["data"]["annotation"]["owner"]["id"] == who["uyvien1"]
            assert shared["data"]["annotation"]["sharing"] == {"meeting": True,
                                                               "with_me": False}
        mine = await b.wait_for("annotation.saved", lambda d: d["annotation"]["rev"] == 2)
        assert mine["data"]["annotation"]["sharing"] == {"meeting": True, "users": []}
        # taken back from the meeting, given to the secretary alone
        r = owner.put("/api/annotations/live-ink-0001/sharing",
                      json={"users": [who["thuky"]]})
        assert r.status_code == 200, r.text
        gone = await other.wait_for("annotation.deleted")
        assert gone["data"]["id"] == "live-ink-0001"
        kept = await secretary.wait_for("annotation.saved",
                                        lambda d: d["annotation"]["sharing"]["with_me"])
        assert kept["data"]["annotation"]["rev"] == 3
        assert of_type(secretary, "annotation.deleted") == []
        # deleted on the second tablet: the first and the secretary are told
        done = await b.command("annotation.change", {
            "device": "tablet-b", "key": "c3", "op": "delete",
            "annotation": {"id": "live-ink-0001"}})
        assert done["result"]["status"] == "applied"
        for t in (a, secretary):
            deleted = await t.wait_for("annotation.deleted")
            assert deleted["data"] == {"id": "live-ink-0001", "document_id": document_id,
                                       "device": "tablet-b"}
        owner.close()
    finally:
        for t in tablets:
            await t.close()
        sec.close()


async def test_changes_sent_together_are_each_answered_after_their_commit(
        live_server: LiveServer) -> None:
    """Sixty changes from four tablets at once (they wait their turn for the write lock, two
    at a time: Services.write's `bulk`): each is answered on its own (a bad one refuses only
    itself, the same key sent from two tablets at once is applied once), and every change
    answered applied is in the database when the answer arrives."""
    url = live_server.url
    sec = live_server.session("thuky")
    assert sec.post("/api/meetings/1/start").status_code == 200
    meeting = sec.get("/api/meetings/1").json()
    document_id = meeting["items"][0]["documents"][0]["id"]
    cookies = {name: await cookie_for(url, name) for name in ("uyvien1", "uyvien2")}
    tablets = [Tablet(live_server.ws_url, cookies[name], 1)
               for name in ("uyvien1", "uyvien1", "uyvien2", "uyvien2")]
    for t in tablets:
        await t.connect()
    try:
        async def send(n: int, tablet: Tablet, key: str, annotation: dict[str, Any]
                       ) -> tuple[int, str, dict[str, Any]]:
            reply = await tablet.command("annotation.change", {
                "device": f"tablet-{n % 4}", "key": key, "op": "put",
                "annotation": annotation})
            return n, key, reply["result"]

        sends = []
        for n in range(60):
            tablet = tablets[n % 4]
            key = f"k{n}"
            annotation = ink(document_id, f"batch-ink-{n:04d}")
            if n == 17:
                annotation = ink(document_id, "batch-ink-bad", page=999)
            if n in (30, 31):  # one member's two tablets send the same change at once
                key, annotation = "same-key", ink(document_id, "batch-ink-same")
            sends.append(send(n, tablet, key, annotation))
        answers = await asyncio.gather(*sends)
        by_n = {n: result for n, _key, result in answers}
        assert by_n[17]["status"] == "error" and by_n[17]["error"] == "bad_page"
        assert sorted(by_n[n]["status"] for n in (30, 31)) == ["applied", "duplicate"]
        applied = {n for n, r in by_n.items() if r["status"] == "applied"}
        assert len(applied) == 58
        # committed before answered: each member reads back every one of theirs
        for name, parity in (("uyvien1", 0), ("uyvien2", 1)):
            member = live_server.session(name)
            ids = {a["id"] for a in member.get(
                f"/api/documents/{document_id}/annotations").json()["annotations"]}
            mine = {f"batch-ink-{n:04d}" for n in applied
                    if (n % 4 < 2) == (parity == 0) and n not in (30, 31)}
            assert mine <= ids, sorted(mine - ids)
            assert ("batch-ink-same" in ids) == (parity == 1)  # tablets 2 and 3: uyvien2
            member.close()
    finally:
        for t in tablets:
            await t.close()
