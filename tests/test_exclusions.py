"""Per-item exclusion (conflict of interest): the excluded member does not see the item's
documents on any path (the same 404 as a document that does not exist), is left out of the
electorate and the basis of a vote on the item, cannot cast a ballot on it (HTTP or
WebSocket), and the minutes say under the item that they withdrew."""

from __future__ import annotations

import asyncio
import re
import subprocess
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
from starlette.testclient import TestClient

from meetings.demo.seed import Demo
from tests.conftest import LiveServer, require_tool
from tests.helpers import error_of, record_quorum, snapshot, start
from tests.wsclient import CommandError, Tablet, cookie_for

REASON = "Có người thân là chủ đầu tư dự án"
LINE = ("Đồng chí Hoàng Minh Tuấn không tham gia thảo luận và biểu quyết nội dung này "
        f"(lý do: {REASON}).")


def people(client: Any, meeting_id: int) -> dict[str, int]:
    return {p["username"]: p["user_id"] for p in snapshot(client, meeting_id)["participants"]}


def exclusion_path(meeting_id: int, item_id: int, user_id: int) -> str:
    return f"/api/meetings/{meeting_id}/items/{item_id}/exclusions/{user_id}"


def document_paths(document_id: int) -> list[tuple[str, str, dict[str, Any] | None]]:
    """Every way to a document's content or its existence."""
    return [
        ("GET", f"/api/documents/{document_id}/pages/1?w=640", None),
        ("GET", f"/api/documents/{document_id}/pages/1?w=640&v=1", None),
        ("GET", f"/api/documents/{document_id}/file", None),
        ("GET", f"/api/documents/{document_id}/pdf", None),
        ("GET", f"/api/documents/{document_id}/versions", None),
        ("GET", f"/api/documents/{document_id}/search?q=nghi quyet", None),
        ("GET", f"/api/documents/{document_id}/notes", None),
        ("POST", f"/api/documents/{document_id}/notes", {"page": 1, "text": "Ghi chú"}),
    ]


def test_the_excluded_member_never_sees_the_items_documents(
        login: Callable[[str], TestClient], demo: Demo) -> None:
    mid = demo.meeting_id
    sec, excluded, other = login("thuky"), login("uyvien1"), login("uyvien2")
    snap = snapshot(sec, mid)
    item = snap["items"][1]  # the resolution, with its document
    document = item["documents"][0]
    who = people(sec, mid)
    # Members get the originals too here, so that every path is open to the others.
    sec.put(f"/api/meetings/{mid}/document-policy", json={"originals": "participants"})

    # Who may exclude, whom, and with what.
    error_of(other.put(exclusion_path(mid, item["id"], who["uyvien1"]), json={"reason": REASON}),
             403, "forbidden")
    error_of(sec.put(exclusion_path(mid, item["id"], who["uyvien1"]), json={}), 422,
             "reason_required")
    error_of(sec.put(exclusion_path(mid, item["id"], who["thuky"]), json={"reason": REASON}),
             422, "secretary_not_excluded")
    r = sec.put(exclusion_path(mid, item["id"], who["uyvien1"]), json={"reason": REASON})
    assert r.status_code == 200, r.text

    # The snapshot: the item is listed, marked, without its documents.
    mine = {i["id"]: i for i in snapshot(excluded, mid)["items"]}
    assert mine[item["id"]]["withdrawn"] is True
    assert mine[item["id"]]["documents"] == []
    assert mine[snap["items"][0]["id"]]["documents"]  # the other items are untouched
    theirs = {i["id"]: i for i in snapshot(other, mid)["items"]}
    assert theirs[item["id"]]["withdrawn"] is False
    assert [d["id"] for d in theirs[item["id"]]["documents"]] == [document["id"]]
    staff = {i["id"]: i for i in snapshot(sec, mid)["items"]}
    assert staff[item["id"]]["exclusions"] == [
        {"user_id": who["uyvien1"], "full_name": "Hoàng Minh Tuấn", "reason": REASON}]
    assert "exclusions" not in theirs[item["id"]]

    # Every path: the very answer of a document that does not exist.
    for method, path, body in document_paths(document["id"]):
        missing = excluded.request(method, re.sub(r"/documents/\d+/",
                                                  "/documents/987654/", path), json=body)
        refused = excluded.request(method, path, json=body)
        assert refused.status_code == 404, (path, refused.text)
        assert refused.json() == missing.json(), path
        allowed = other.request(method, path, json=body)
        assert allowed.status_code in (200, 201), (path, allowed.text)

    # Searching the whole meeting finds the words of the item's document for others only.
    hits_other = other.get(f"/api/meetings/{mid}/search?q=nghi quyet").json()["hits"]
    assert document["id"] in {h["document_id"] for h in hits_other}
    hits_excluded = excluded.get(f"/api/meetings/{mid}/search?q=nghi quyet").json()["hits"]
    assert document["id"] not in {h["document_id"] for h in hits_excluded}

    # Readmitted: everything is back.
    assert sec.delete(exclusion_path(mid, item["id"], who["uyvien1"])).status_code == 200
    assert excluded.get(f"/api/documents/{document['id']}/pdf").status_code == 200
    back = {i["id"]: i for i in snapshot(excluded, mid)["items"]}
    assert back[item["id"]]["withdrawn"] is False and back[item["id"]]["documents"]
    error_of(sec.delete(exclusion_path(mid, item["id"], who["uyvien1"])), 404, "not_found")


async def test_websocket_snapshot_ballots_and_the_minutes(
        live_server: LiveServer, tmp_path: Path, artifacts: Path | None) -> None:
    pdftotext = require_tool("pdftotext")
    with ExitStack() as clients:
        await _vote_and_minutes(live_server, artifacts or tmp_path, pdftotext, clients)


async def _vote_and_minutes(live_server: LiveServer, tmp_path: Path, pdftotext: str,
                            clients: ExitStack) -> None:
    def session(username: str) -> httpx.Client:
        client = live_server.session(username)
        clients.callback(client.close)
        return client

    mid = live_server.demo.meeting_id
    sec = session("thuky")
    snap = sec.get(f"/api/meetings/{mid}").json()
    first, second = snap["items"][0], snap["items"][1]
    who = people(sec, mid)
    r = sec.put(exclusion_path(mid, second["id"], who["uyvien1"]), json={"reason": REASON})
    assert r.status_code == 200, r.text
    start(sec, mid)  # item 1 is presented
    record_quorum(sec, mid)
    assert sec.get(f"/api/meetings/{mid}").json()["presentation"]["item_id"] == first["id"]

    tablet = Tablet(live_server.ws_url, await cookie_for(live_server.url, "uyvien1"), mid)
    neighbour = Tablet(live_server.ws_url, await cookie_for(live_server.url, "uyvien2"), mid)
    try:
        reply = await tablet.connect()
        assert reply["recovered"] is False
        items = {i["id"]: i for i in reply["snapshot"]["items"]}
        assert items[second["id"]]["withdrawn"] is True
        assert items[second["id"]]["documents"] == []
        await neighbour.connect()
        assert neighbour.snapshot is not None
        assert {i["id"]: i for i in neighbour.snapshot["items"]}[second["id"]]["documents"]

        # A vote on item 2 opened while item 1 is shown: the electorate is the remaining members.
        r = sec.post(f"/api/meetings/{mid}/votes",
                     json={"question": "Thông qua Nghị quyết", "item_id": second["id"]})
        assert r.status_code == 201, r.text
        vote = r.json()["vote"]
        assert vote["item_id"] == second["id"]
        assert vote["eligible"] == 5  # the chair and five members, less the excluded one

        with_ws = None
        try:
            await tablet.command("vote.cast", {"vote_id": vote["id"], "choice": "yes"})
        except CommandError as exc:
            with_ws = exc
        assert with_ws is not None and with_ws.code == "withdrawn_from_item"
        assert "không tham gia nội dung này" in with_ws.message["message_vi"]
        member = session("uyvien1")
        error_of(member.post(f"/api/votes/{vote['id']}/ballots", json={"choice": "no"}), 403,
                 "withdrawn_from_item")
        assert (await neighbour.command("vote.cast", {"vote_id": vote["id"],
                                                      "choice": "yes"}))["choice"] == "yes"
        for name in ("chutich", "phochutich1", "phochutich2", "uyvien3"):
            r = session(name).post(f"/api/votes/{vote['id']}/ballots",
                                               json={"choice": "yes"})
            assert r.status_code == 201, r.text
        closed = sec.post(f"/api/votes/{vote['id']}/close").json()["vote"]
        assert closed["result"] == {"yes": 5, "no": 0, "abstain": 0, "passed": True}
        assert closed["counts"]["eligible"] == 5
    finally:
        await tablet.close()
        await neighbour.close()

    assert sec.post(f"/api/meetings/{mid}/end").status_code == 200
    preview = sec.get(f"/api/meetings/{mid}/minutes/preview.pdf")
    assert preview.status_code == 200, preview.text
    pdf = tmp_path / "invite-minutes-withdrawal.pdf"
    pdf.write_bytes(preview.content)
    done = await asyncio.to_thread(subprocess.run, [pdftotext, "-layout", str(pdf), "-"],
                                   capture_output=True, text=True, check=True, timeout=60)
    text = done.stdout
    flat = " ".join(text.split())
    assert LINE in flat, flat
    # Under item 2, not under another item.
    assert flat.index(second["title"]) < flat.index(LINE) < flat.index(snap["items"][2]["title"])
    assert flat.count("không tham gia thảo luận và biểu quyết") == 1
