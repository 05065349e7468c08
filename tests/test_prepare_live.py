"""On the real server with real WebSockets: once the meeting runs, every change the secretary
makes to the agenda reaches every tablet as `agenda.amended` and is kept in the record;
before publication a draft's agenda changes reach the staff only; publishing reaches the
members' tablets and their meetings list (the inbox channel)."""

from __future__ import annotations

import json

import httpx
import pytest

from meetings import record
from meetings.db import Database
from meetings.demo import documents as demo_documents
from tests.conftest import LiveServer
from tests.wsclient import CommandError, Tablet, cookie_for

pytestmark = pytest.mark.server


async def logged_in(server: LiveServer, username: str) -> httpx.AsyncClient:
    http = httpx.AsyncClient(base_url=server.url, timeout=60)
    r = await http.post("/api/login", json={"username": username, "password": "phonghop2026"})
    assert r.status_code == 200
    return http


async def tablet(server: LiveServer, username: str, meeting_id: int, *,
                 inbox: bool = False) -> Tablet:
    t = Tablet(server.ws_url, await cookie_for(server.url, username), meeting_id, inbox=inbox)
    await t.connect()
    return t


def record_kinds(server: LiveServer, meeting_id: int) -> list[tuple[str, dict]]:  # type: ignore[type-arg]
    db = Database(server.settings.db_url)
    try:
        with db.read() as session:
            return [(e.kind, json.loads(e.data)) for e in record.entries(session, meeting_id)]
    finally:
        db.dispose()


async def test_changes_after_the_start_are_announced_live_and_recorded(
    live_server: LiveServer,
) -> None:
    sec = await logged_in(live_server, "thuky")
    member = await tablet(live_server, "uyvien1", 1)
    guest = await tablet(live_server, "khachmoi", 1)
    snap = (await sec.get("/api/meetings/1")).json()
    doc = snap["items"][1]["documents"][0]

    # Before the start an edit is a plain reload, not an announcement.
    r = await sec.post("/api/meetings/1/items", json={"title": "Nội dung chuẩn bị thêm"})
    added_before = r.json()["item"]
    await member.wait_for("agenda.changed", lambda d: d["reason"] == "items")
    assert (await sec.delete(f"/api/meetings/1/items/{added_before['id']}")).status_code == 200
    assert (await sec.post("/api/meetings/1/start")).status_code == 200
    await member.wait_for("meeting.status", lambda d: d["status"] == "running")
    assert not [e for e in member.events if e["type"] == "agenda.amended"]

    r = await sec.post("/api/meetings/1/items", json={"title": "Công tác phòng chống bão lũ",
                                                       "presenter": "Chỉ huy trưởng"})
    item = r.json()["item"]
    for t in (member, guest):
        added = await t.wait_for("agenda.amended", lambda d: d["change"] == "item.added")
        assert (added["data"]["number"], added["data"]["title"]) == (
            "4", "Công tác phòng chống bão lũ")
    await sec.patch(f"/api/meetings/1/items/{item['id']}", json={"planned_minutes": 20})
    await member.wait_for("agenda.amended", lambda d: d["change"] == "item.edited")
    order = [{"id": item["id"], "children": []}] + [
        {"id": i["id"], "children": []} for i in snap["items"]]
    assert (await sec.put("/api/meetings/1/agenda", json={"items": order})).status_code == 200
    await member.wait_for("agenda.amended", lambda d: d["change"] == "agenda.reordered")
    assert (await sec.delete(f"/api/meetings/1/items/{item['id']}")).status_code == 200
    deleted = await member.wait_for("agenda.amended", lambda d: d["change"] == "item.deleted")
    assert deleted["data"]["number"] == "1"  # it had been moved first
    assert (await sec.delete(f"/api/documents/{doc['id']}")).json()["outcome"] == "withdrawn"
    withdrawn = await guest.wait_for("agenda.amended",
                                     lambda d: d["change"] == "document.withdrawn")
    assert withdrawn["data"]["title"] == doc["title"]
    # Each announcement comes with a reload of the agenda, in order.
    types = [e["type"] for e in member.events if e["type"].startswith("agenda.")]
    assert types[-10:] == ["agenda.changed", "agenda.amended"] * 5

    entries = record_kinds(live_server, 1)
    started = [k for k, _ in entries].index("meeting.started")
    assert entries[started][1] == {"item_id": snap["items"][0]["id"]}
    # the start puts the first item's document on screen: the record says which version
    assert entries[started + 1][0] == "document.presented"
    assert entries[started + 1][1]["version"] == 1
    assert [k for k, _ in entries[started + 2:]] == [
        "item.added", "item.edited", "agenda.reordered", "item.deleted", "document.withdrawn"]
    for t in (member, guest):
        await t.close()
    await sec.aclose()


async def test_publication_reaches_tablets_and_meetings_lists(live_server: LiveServer) -> None:
    sec = await logged_in(live_server, "thuky")
    r = await sec.post("/api/meetings", json={
        "body_id": 1, "title": "Phiên họp chuyên đề về chuyển đổi số", "kind": "special",
        "starts_at": "2030-03-14T08:00:00+07:00", "place": "Phòng họp số 2"})
    m = r.json()["meeting"]["id"]
    for user_id, role in ((2, "chair"), (5, "member")):
        await sec.post(f"/api/meetings/{m}/participants", json={"user_id": user_id, "role": role})
    item = (await sec.post(f"/api/meetings/{m}/items", json={"title": "Đề án"})).json()["item"]

    staff = await tablet(live_server, "thuky", m)
    member = await tablet(live_server, "uyvien1", m)
    assert member.snapshot is not None and member.snapshot["items"] == []
    inbox = await tablet(live_server, "uyvien1", 0, inbox=True)
    assert inbox.snapshot == {"inbox": True}
    assert list(inbox.positions) == [f"user:{5}"]

    # Prepared, not published: the staff hear of it, the members do not.
    r = await sec.post(f"/api/meetings/{m}/items/{item['id']}/documents",
                       files={"file": ("de-an.pdf", demo_documents.resolution_pdf(),
                                       "application/pdf")})
    assert r.status_code == 201, r.text
    doc = r.json()["document"]
    await staff.wait_for("agenda.changed", lambda d: d.get("document", {}).get("id") == doc["id"])
    await sec.patch(f"/api/meetings/{m}/items/{item['id']}", json={"title": "Đề án (sửa)"})
    await staff.wait_for("agenda.changed", lambda d: d["reason"] == "items")

    assert (await sec.post(f"/api/meetings/{m}/publish")).status_code == 200
    news = await inbox.wait_for("documents.published")
    assert news["channel"] == "user:5"
    assert news["data"] | {"published_at": None} == {
        "meeting_id": m, "title": "Phiên họp chuyên đề về chuyển đổi số", "published_at": None,
        "documents": 1, "after_deadline": False}
    await member.wait_for("agenda.changed", lambda d: d["reason"] == "published")
    # The first thing the member's tablet heard of this meeting is the publication.
    assert [e["type"] for e in member.events] == ["documents.published", "agenda.changed"]
    member_http = await logged_in(live_server, "uyvien1")
    items = (await member_http.get(f"/api/meetings/{m}")).json()["items"]
    assert [d["id"] for d in items[0]["documents"]] == [doc["id"]]

    # The inbox is no meeting: no presence, no page turns; it recovers like any channel.
    with pytest.raises(CommandError) as refused:
        await inbox.command("present", {"page": 1})
    assert refused.value.code == "not_in_meeting"
    await inbox.close()
    again = await inbox.connect(resume=True)
    assert again["recovered"] is True and again["publications"] == []
    for t in (inbox, staff, member):
        await t.close()
    await sec.aclose()
    await member_http.aclose()
