"""The secretary's agenda and documents over HTTP: sub-items and their numbers, edits,
deletions, reordering; documents reordered, moved, renamed, removed before the start and
withdrawn after it; the refusals (members, guests and the chair: 403; a sealed meeting: 409;
an item with votes or that was presented is never deleted) and what the record keeps."""

from __future__ import annotations

import json
from typing import Any

from meetings import record
from meetings.demo import documents as demo_documents
from tests.helpers import error_of, record_quorum, snapshot, start
from tests.test_http_prepare import new_meeting
from tests.test_seal_and_archive import run_meeting_to_sealed


def add(client, meeting_id: int, title: str, **extra: Any) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    r = client.post(f"/api/meetings/{meeting_id}/items", json={"title": title, **extra})
    assert r.status_code == 201, r.text
    item: dict[str, Any] = r.json()["item"]
    return item


def outline(client, meeting_id: int) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(i["number"], i["title"]) for i in snapshot(client, meeting_id)["items"]]


def kinds(app, meeting_id: int) -> list[tuple[str, dict[str, Any]]]:  # type: ignore[no-untyped-def]
    with app.state.services.db.read() as session:
        return [(e.kind, json.loads(e.data)) for e in record.entries(session, meeting_id)]


def upload(client, meeting_id: int, item_id: int, title: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    r = client.post(f"/api/meetings/{meeting_id}/items/{item_id}/documents",
                    files={"file": (f"{title}.pdf", demo_documents.resolution_pdf(),
                                    "application/pdf")}, data={"title": title})
    assert r.status_code == 201, r.text
    document: dict[str, Any] = r.json()["document"]
    return document


def test_sub_items_are_numbered_in_the_agenda_order(login, app) -> None:
    sec = login("thuky")
    m = new_meeting(sec)
    a = add(sec, m, "Báo cáo kinh tế - xã hội", presenter="Phó Chủ tịch", planned_minutes=30)
    b = add(sec, m, "Kế hoạch đầu tư công")
    a1 = add(sec, m, "Thu ngân sách", parent_id=a["id"])
    a2 = add(sec, m, "Chi ngân sách", parent_id=a["id"], planned_minutes=10)
    assert (a1["number"], a2["number"], a2["parent_id"]) == ("1.1", "1.2", a["id"])
    c = add(sec, m, "Các vấn đề phát sinh")
    assert outline(sec, m) == [("1", "Báo cáo kinh tế - xã hội"), ("1.1", "Thu ngân sách"),
                               ("1.2", "Chi ngân sách"), ("2", "Kế hoạch đầu tư công"),
                               ("3", "Các vấn đề phát sinh")]
    # One level of sub-items only.
    error_of(sec.post(f"/api/meetings/{m}/items", json={"title": "x", "parent_id": a1["id"]}),
             422, "bad_parent")

    # Edit: title, presenter, planned minutes; recorded with what changed.
    r = sec.patch(f"/api/meetings/{m}/items/{b['id']}",
                  json={"title": "Kế hoạch đầu tư công năm 2027", "presenter": "Văn phòng",
                        "planned_minutes": 45})
    assert r.status_code == 200, r.text
    edited = r.json()["item"]
    assert (edited["number"], edited["presenter"], edited["planned_minutes"]) == (
        "2", "Văn phòng", 45)
    error_of(sec.patch(f"/api/meetings/{m}/items/{b['id']}", json={"planned_minutes": 5000}),
             422, "bad_minutes")
    error_of(sec.patch(f"/api/meetings/{m}/items/{b['id']}", json={"title": " "}), 422,
             "missing_field")

    # Reorder: item 3 first, with sub-item 1.2 under it; item 1 keeps 1.1.
    order = [{"id": c["id"], "children": [a2["id"]]}, {"id": a["id"], "children": [a1["id"]]},
             {"id": b["id"], "children": []}]
    r = sec.put(f"/api/meetings/{m}/agenda", json={"items": order})
    assert r.status_code == 200, r.text
    assert [i["number"] for i in r.json()["items"]] == ["1", "1.1", "2", "2.1", "3"]
    assert outline(sec, m) == [("1", "Các vấn đề phát sinh"), ("1.1", "Chi ngân sách"),
                               ("2", "Báo cáo kinh tế - xã hội"), ("2.1", "Thu ngân sách"),
                               ("3", "Kế hoạch đầu tư công năm 2027")]
    twice = [{"id": c["id"], "children": [c["id"]]}, {"id": a["id"], "children": [a1["id"]]},
             {"id": b["id"]}, {"id": a2["id"]}]
    error_of(sec.put(f"/api/meetings/{m}/agenda", json={"items": twice}), 422, "bad_order")
    missing = [{"id": c["id"], "children": []}, {"id": a["id"], "children": [a1["id"]]}]
    error_of(sec.put(f"/api/meetings/{m}/agenda", json={"items": missing}), 409, "stale_agenda")
    error_of(sec.put(f"/api/meetings/{m}/agenda", json={"items": "x"}), 422, "bad_field")

    # Delete: an item with sub-items waits for them; before the start its documents go too.
    error_of(sec.delete(f"/api/meetings/{m}/items/{c['id']}"), 409, "item_has_subitems")
    doc = upload(sec, m, c["id"], "Phụ lục")
    assert sec.delete(f"/api/meetings/{m}/items/{a2['id']}").status_code == 200
    assert sec.delete(f"/api/meetings/{m}/items/{c['id']}").status_code == 200
    error_of(sec.get(f"/api/documents/{doc['id']}/versions"), 404, "not_found")
    assert outline(sec, m) == [("1", "Báo cáo kinh tế - xã hội"), ("1.1", "Thu ngân sách"),
                               ("2", "Kế hoạch đầu tư công năm 2027")]

    entries = kinds(app, m)
    assert [k for k, _ in entries if k.startswith(("item.", "agenda."))] == [
        "item.added", "item.added", "item.added", "item.added", "item.added", "item.edited",
        "agenda.reordered", "item.deleted", "item.deleted"]
    edited = next(d for k, d in entries if k == "item.edited")
    assert edited["changes"] == {"title": "Kế hoạch đầu tư công năm 2027",
                                 "presenter": "Văn phòng", "planned_minutes": 45}
    reordered = next(d for k, d in entries if k == "agenda.reordered")
    assert reordered["numbers"][str(a1["id"])] == "2.1"
    deleted = [d for k, d in entries if k == "item.deleted"]
    assert deleted[-1] == {"item_id": c["id"], "number": "1", "title": "Các vấn đề phát sinh",
                           "documents": [doc["id"]]}


def test_documents_are_reordered_moved_renamed_and_removed_before_the_start(login, app
                                                                            ) -> None:
    sec = login("thuky")
    items = snapshot(sec, 1)["items"]
    first, third = items[0], items[2]
    demo = first["documents"][0]
    a = upload(sec, 1, first["id"], "Phụ lục A")
    b = upload(sec, 1, first["id"], "Phụ lục B")
    titles = lambda: [d["title"] for d in snapshot(sec, 1)["items"][0]["documents"]]  # noqa: E731
    assert titles() == [demo["title"], "Phụ lục A", "Phụ lục B"]

    url = f"/api/meetings/1/items/{first['id']}/document-order"
    assert sec.put(url, json={"documents": [b["id"], demo["id"], a["id"]]}).status_code == 200
    assert titles() == ["Phụ lục B", demo["title"], "Phụ lục A"]
    error_of(sec.put(url, json={"documents": [b["id"], b["id"], a["id"]]}), 422, "bad_order")
    error_of(sec.put(url, json={"documents": [b["id"], a["id"]]}), 409, "stale_documents")
    error_of(sec.put(url, json={"documents": "b"}), 422, "bad_field")

    # Moved to the end of item 3, and renamed.
    r = sec.patch(f"/api/documents/{a['id']}", json={"item_id": third["id"],
                                                     "title": "Phụ lục A (sửa đổi)"})
    assert r.status_code == 200 and r.json()["document"]["item_id"] == third["id"]
    assert titles() == ["Phụ lục B", demo["title"]]
    assert [d["title"] for d in snapshot(sec, 1)["items"][2]["documents"]] == [
        "Phụ lục A (sửa đổi)"]
    error_of(sec.patch(f"/api/documents/{a['id']}", json={"item_id": 999}), 404, "not_found")

    # Before the start a removed document is gone, and the private notes on it.
    member = login("uyvien1")
    assert member.post(f"/api/documents/{b['id']}/notes",
                       json={"page": 1, "text": "Hỏi lại"}).status_code == 201
    r = sec.delete(f"/api/documents/{b['id']}")
    assert r.status_code == 200 and r.json()["outcome"] == "removed"
    error_of(sec.get(f"/api/documents/{b['id']}/versions"), 404, "not_found")
    assert titles() == [demo["title"]]
    assert [k for k, _ in kinds(app, 1) if k.startswith(("document.", "documents.re"))] == [
        "document.added", "document.added", "document.added", "document.added",
        "documents.reordered", "document.renamed", "document.moved", "document.removed"]


def test_after_the_start_changes_are_announced_and_guarded(login, app) -> None:
    sec = login("thuky")
    start(sec, 1)
    record_quorum(sec, 1)
    items = snapshot(sec, 1)["items"]
    first, second, third = items
    doc = second["documents"][0]

    # The agenda still grows and shrinks while the meeting runs.
    extra = add(sec, 1, "Nội dung bổ sung")
    assert extra["number"] == "4"
    assert sec.delete(f"/api/meetings/1/items/{extra['id']}").status_code == 200

    # Item 1 was shown from the start; item 3 gets a vote: neither can go.
    body = error_of(sec.delete(f"/api/meetings/1/items/{first['id']}"), 409, "item_presented")
    assert "Nội dung 1" in body["message_vi"] and "Item 1" in body["message_en"]
    vote = sec.post("/api/meetings/1/votes", json={"question": "Thông qua?",
                                                   "item_id": third["id"]}).json()["vote"]
    sec.post(f"/api/votes/{vote['id']}/close")
    body = error_of(sec.delete(f"/api/meetings/1/items/{third['id']}"), 409, "item_has_votes")
    assert "biểu quyết" in body["message_vi"]

    # A document sent to the members is withdrawn, not deleted: they no longer see it, the
    # staff and the record keep it, and it cannot be presented or replaced.
    r = sec.delete(f"/api/documents/{doc['id']}")
    assert r.status_code == 200 and r.json()["outcome"] == "withdrawn"
    member = login("uyvien1")
    assert snapshot(member, 1)["items"][1]["documents"] == []
    assert "withdrawn_documents" not in snapshot(member, 1)
    staff = snapshot(sec, 1)
    assert [d["id"] for d in staff["withdrawn_documents"]] == [doc["id"]]
    assert staff["withdrawn_documents"][0]["withdrawn_at"]
    error_of(sec.post("/api/meetings/1/present", json={"document_id": doc["id"]}), 409,
             "document_withdrawn")
    error_of(sec.post(f"/api/documents/{doc['id']}/versions",
                      files={"file": ("v2.pdf", demo_documents.long_pdf(2), "application/pdf")}),
             409, "document_withdrawn")
    error_of(sec.delete(f"/api/documents/{doc['id']}"), 409, "document_withdrawn")
    assert member.get(f"/api/documents/{doc['id']}/pages/1?w=160").status_code == 200

    # Its item keeps it, so the item cannot go until the document moves elsewhere.
    error_of(sec.delete(f"/api/meetings/1/items/{second['id']}"), 409, "item_has_documents")
    assert sec.patch(f"/api/documents/{doc['id']}",
                     json={"item_id": first["id"]}).status_code == 200
    assert sec.delete(f"/api/meetings/1/items/{second['id']}").status_code == 200
    assert [i["number"] for i in snapshot(sec, 1)["items"]] == ["1", "2"]

    entries = [k for k, _ in kinds(app, 1)]
    started = entries.index("meeting.started")
    assert [k for k in entries[started:] if k.startswith(("item.", "document."))] == [
        "document.presented",  # the start put the first item's document on screen
        "item.added", "item.deleted", "document.withdrawn", "document.moved", "item.deleted"]

    # The presented document, withdrawn, leaves the room's screen for the item's next one.
    sec.post("/api/meetings/1/present", json={"item_id": first["id"]})
    shown = snapshot(sec, 1)["presentation"]["document_id"]
    assert sec.delete(f"/api/documents/{shown}").json()["outcome"] == "withdrawn"
    assert snapshot(sec, 1)["presentation"]["document_id"] is None


def test_only_the_secretary_arranges(login) -> None:
    sec = login("thuky")
    item = snapshot(sec, 1)["items"][0]
    doc = item["documents"][0]
    for username in ("uyvien1", "khachmoi", "chutich"):
        client = login(username)
        calls = [
            client.patch(f"/api/meetings/1/items/{item['id']}", json={"title": "X"}),
            client.delete(f"/api/meetings/1/items/{item['id']}"),
            client.put("/api/meetings/1/agenda", json={"items": []}),
            client.patch(f"/api/documents/{doc['id']}", json={"title": "X"}),
            client.delete(f"/api/documents/{doc['id']}"),
            client.put(f"/api/meetings/1/items/{item['id']}/document-order",
                       json={"documents": [doc["id"]]}),
            client.post("/api/meetings/1/publish"),
            client.post("/api/meetings/1/copy", json={"starts_at": "2027-01-20T14:00+07:00"}),
            client.post("/api/meetings/1/items", json={"title": "X", "parent_id": item["id"]}),
        ]
        for response in calls:
            error_of(response, 403, "forbidden")
    # Someone outside the meeting does not learn it exists.
    other = new_meeting(sec)
    error_of(login("uyvien1").delete(f"/api/meetings/{other}/items/1"), 404, "not_found")


def test_a_sealed_meeting_never_changes(login) -> None:
    sec, _ = run_meeting_to_sealed(login)
    snap = snapshot(sec, 1)
    item = snap["items"][1]
    doc = item["documents"][0]
    before = (snap["items"], snap["meeting"])
    for response, code in [
        (sec.patch(f"/api/meetings/1/items/{item['id']}", json={"title": "X"}), "meeting_sealed"),
        (sec.delete(f"/api/meetings/1/items/{item['id']}"), "meeting_sealed"),
        (sec.post("/api/meetings/1/items", json={"title": "X", "parent_id": item["id"]}),
         "meeting_sealed"),
        (sec.put("/api/meetings/1/agenda",
                 json={"items": [{"id": i["id"]} for i in reversed(snap["items"])]}),
         "meeting_sealed"),
        (sec.patch(f"/api/documents/{doc['id']}", json={"title": "X"}), "meeting_sealed"),
        (sec.delete(f"/api/documents/{doc['id']}"), "meeting_sealed"),
        (sec.put(f"/api/meetings/1/items/{item['id']}/document-order",
                 json={"documents": [doc["id"]]}), "meeting_sealed"),
        (sec.post("/api/meetings/1/publish"), "already_started"),
        (sec.patch("/api/meetings/1", json={"kind": "urgent"}), "meeting_sealed"),
    ]:
        error_of(response, 409, code)
    after = snapshot(sec, 1)
    assert (after["items"], after["meeting"]) == before
    # Copying reads a sealed meeting and never changes it: the next of the series.
    r = sec.post("/api/meetings/1/copy", json={"starts_at": "2026-12-28T14:00+07:00"})
    assert r.status_code == 201, r.text
    assert snapshot(sec, 1)["meeting"] == before[1]
