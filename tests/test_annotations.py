"""Annotations over HTTP (issue 11 §2): the contract's routes, each change applied once, the
owner alone writes, sharing and taking back, the words of a page, the old notes kept."""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.helpers import error_of, first_document
from tests.room import user_id


@pytest.fixture
def admin_ids(login) -> dict[str, int]:  # type: ignore[no-untyped-def]
    admin = login("admin")
    return {name: user_id(admin, name) for name in ("uyvien1", "uyvien2", "chutich")}


def ink(doc: dict[str, Any], ident: str = "ink-0001-abcd", **over: Any) -> dict[str, Any]:
    out = {"id": ident, "document_id": doc["id"], "version": 1, "page": 1, "kind": "ink",
           "color": "#D32F2F", "data": {"points": [[0.1, 0.2, 0.5], [0.3, 0.4, 0.7]],
                                        "width": 0.004, "tool": "pen"}}
    return out | over


def change(client: TestClient, key: str, op: str, annotation: dict[str, Any],
           device: str = "tablet-a") -> dict[str, Any]:
    r = client.post("/api/annotations/changes", json={
        "device": device, "changes": [{"key": key, "op": op, "annotation": annotation}]})
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()["results"][0]
    return result


def listing(client: TestClient, doc: dict[str, Any]) -> dict[str, Any]:
    r = client.get(f"/api/documents/{doc['id']}/annotations")
    assert r.status_code == 200, r.text
    out: dict[str, Any] = r.json()
    return out


def test_a_change_is_applied_once_and_read_back_on_another_device(login) -> None:
    member = login("uyvien1")
    doc = first_document(member, 1)
    first = change(member, "k1", "put", ink(doc))
    assert first["status"] == "applied"
    made = first["annotation"]
    assert made["color"] == "#d32f2f" and made["rev"] == 1
    assert made["origin"] == {"version": 1, "page": 1} and made["placement"] == "placed"
    assert made["owner"]["name"] and made["sharing"] == {"meeting": False, "users": []}
    # sent again (the reply was lost): nothing changes
    again = change(member, "k1", "put", ink(doc, data={"points": [[0.9, 0.9, 0.5]],
                                                       "width": 0.01}))
    assert again["status"] == "duplicate" and again["annotation"]["rev"] == 1
    assert again["annotation"]["data"]["points"] == [[0.1, 0.2, 0.5], [0.3, 0.4, 0.7]]
    # an edit under a new key
    edited = change(member, "k2", "put", ink(doc, page=2, color="#1565c0"))
    assert edited["status"] == "applied" and edited["annotation"]["rev"] == 2
    assert edited["annotation"]["origin"] == {"version": 1, "page": 1}
    second_device = login("uyvien1")
    seen = listing(second_device, doc)
    assert [(a["id"], a["page"], a["color"]) for a in seen["annotations"]] == [
        ("ink-0001-abcd", 2, "#1565c0")]
    assert seen["unplaced"] == []
    deleted = change(second_device, "k3", "delete", {"id": "ink-0001-abcd"})
    assert deleted["status"] == "applied" and "annotation" not in deleted
    assert listing(member, doc)["annotations"] == []
    assert change(member, "k3", "delete", {"id": "ink-0001-abcd"})["status"] == "duplicate"


def test_only_the_owner_writes_and_reads_a_private_annotation(login) -> None:
    member = login("uyvien1")
    doc = first_document(member, 1)
    change(member, "k1", "put", ink(doc))
    for username in ("uyvien2", "thuky", "chutich", "khachmoi"):
        other = login(username)
        assert listing(other, doc) == {"annotations": [], "unplaced": []}
        taken = change(other, "x1", "put", ink(doc, color="#000000"))
        assert taken["status"] == "error" and taken["error"] == "not_found"
        gone = change(other, "x2", "delete", {"id": "ink-0001-abcd"})
        assert gone["status"] == "error" and gone["error"] == "not_found"
        error_of(other.put("/api/annotations/ink-0001-abcd/sharing", json={"meeting": True}),
                 404, "not_found")
    assert listing(member, doc)["annotations"][0]["color"] == "#d32f2f"
    # nor an administrator (who may view any meeting), nor an outsider
    assert listing(login("admin"), doc)["annotations"] == []
    error_of(login("luutru").get(f"/api/documents/{doc['id']}/annotations"), 404, "not_found")


def test_every_field_is_checked(login) -> None:
    member = login("uyvien1")
    doc = first_document(member, 1)
    bad = {
        "id": ink(doc, ident="short"),
        "kind": ink(doc, kind="drawing"),
        "color": ink(doc, color="red"),
        "version": ink(doc, version=7),
        "page": ink(doc, page=99),
        "data.points[0]": ink(doc, data={"points": [[1.5, 0.2, 0.5]], "width": 0.004}),
        "data.points": ink(doc, data={"points": [[0.1, 0.1, 0.5]] * 4001, "width": 0.004}),
        "data.width": ink(doc, data={"points": [[0.1, 0.1, 0.5]], "width": "thin"}),
        "data.tool": ink(doc, data={"points": [[0.1, 0.1, 0.5]], "width": 0.004,
                                    "tool": "brush"}),
        "data.extra": ink(doc, data={"points": [[0.1, 0.1, 0.5]], "width": 0.004, "extra": 1}),
        "data.text": ink(doc, kind="note", data={"x": 0.5, "y": 0.5, "text": "x" * 20_001}),
        "data.rect": ink(doc, kind="text", data={"rect": [0.5, 0.5, 0.1, 0.1], "text": "a",
                                                 "size": 0.02}),
        "data.target.quote.prefix": ink(doc, kind="highlight", data={
            "rects": [[0.1, 0.1, 0.2, 0.12]],
            "target": {"quote": {"exact": "a", "prefix": "p" * 33}}}),
    }
    for field, annotation in bad.items():
        result = change(member, f"bad-{field}", "put", annotation)
        assert result["status"] == "error", (field, result)
        assert result["error"] in ("bad_annotation", "bad_page"), (field, result)
        assert result["message_vi"] and result["message_en"], result
        if result["error"] == "bad_annotation":
            assert result["details"]["field"].startswith(field.split("[")[0]), (field, result)
    assert listing(member, doc)["annotations"] == []
    # a refused change does not use up its key
    assert change(member, "bad-kind", "put", ink(doc))["status"] == "applied"
    # the batch itself
    error_of(member.post("/api/annotations/changes", json={"changes": []}), 422, "bad_field")
    error_of(member.post("/api/annotations/changes", json={"device": "d", "changes": [
        {"key": f"k{i}", "op": "delete", "annotation": {"id": "nothing-here"}}
        for i in range(201)]}), 422, "too_many_changes")
    error_of(member.post("/api/annotations/changes", json={"device": "d", "changes": [
        {"op": "delete", "annotation": {"id": "nothing-here"}}]}), 422, "bad_field")


def test_every_kind_round_trips(login) -> None:
    member = login("uyvien1")
    doc = first_document(member, 1)
    kinds = {
        "hl-000001": ("highlight", {"rects": [[0.1, 0.1, 0.4, 0.12]], "target": {
            "quote": {"exact": "Báo cáo", "prefix": "", "suffix": " tình hình"},
            "position": {"start": 0, "end": 7}}}),
        "note-sticky1": ("note", {"x": 0.9, "y": 0.1, "text": "Hỏi lại số liệu"}),
        "text-box-01": ("text", {"rect": [0.1, 0.5, 0.6, 0.55], "text": "Đồng ý",
                                 "size": 0.018}),
        "marker-0001": ("ink", {"points": [[0.2, 0.2, 0.5]], "width": 0.02, "tool": "marker"}),
    }
    r = member.post("/api/annotations/changes", json={"device": "d1", "changes": [
        {"key": ident, "op": "put", "annotation": ink(doc, ident=ident, kind=kind, data=data)}
        for ident, (kind, data) in kinds.items()]})
    assert [x["status"] for x in r.json()["results"]] == ["applied"] * 4
    back = {a["id"]: (a["kind"], a["data"]) for a in listing(member, doc)["annotations"]}
    assert back["hl-000001"][1]["target"]["quote"]["suffix"] == " tình hình"
    assert back["note-sticky1"] == kinds["note-sticky1"]
    assert back["text-box-01"] == kinds["text-box-01"]
    assert back["marker-0001"][1]["tool"] == "marker"


def test_sharing_reaches_exactly_those_shared_with_and_can_be_taken_back(login, admin_ids
                                                                         ) -> None:
    member = login("uyvien1")
    doc = first_document(member, 1)
    change(member, "k1", "put", ink(doc))
    change(member, "k2", "put", ink(doc, ident="ink-0002-abcd"))
    other, chair, guest = login("uyvien2"), login("chutich"), login("khachmoi")
    r = member.put("/api/annotations/ink-0001-abcd/sharing",
                   json={"users": [admin_ids["uyvien2"]]})
    assert r.status_code == 200, r.text
    assert r.json()["annotation"]["sharing"] == {"meeting": False, "users": [admin_ids["uyvien2"]]}
    seen = listing(other, doc)["annotations"]
    assert [a["id"] for a in seen] == ["ink-0001-abcd"]
    assert seen[0]["sharing"] == {"meeting": False, "with_me": True}
    assert seen[0]["owner"]["id"] == admin_ids["uyvien1"]
    assert listing(chair, doc)["annotations"] == []
    # everything on the document, with the meeting
    r = member.put(f"/api/documents/{doc['id']}/annotations/sharing", json={"meeting": True})
    assert r.status_code == 200 and len(r.json()["annotations"]) == 2
    for client in (other, chair, guest):
        assert len(listing(client, doc)["annotations"]) == 2
    # an administrator or archivist who is not in the meeting is not "the meeting"
    assert listing(login("admin"), doc)["annotations"] == []
    # taken back
    assert member.put(f"/api/documents/{doc['id']}/annotations/sharing",
                      json={}).status_code == 200
    for client in (other, chair, guest):
        assert listing(client, doc)["annotations"] == []
    # only with people of the meeting
    error_of(member.put("/api/annotations/ink-0001-abcd/sharing",
                        json={"users": [user_id(login("admin"), "luutru")]}), 422, "bad_share")
    error_of(member.put("/api/annotations/ink-0001-abcd/sharing",
                        json={"users": ["x"]}), 422, "bad_field")


def test_the_words_of_a_page(login) -> None:
    member = login("uyvien1")
    doc = first_document(member, 1)
    r = member.get(f"/api/documents/{doc['id']}/pages/1/words")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["version"] == 1 and body["page"] == 1 and body["width"] > 0
    assert body["words"] and body["text"] == " ".join(w[4] for w in body["words"])
    assert all(0 <= w[0] <= w[2] <= 1 and 0 <= w[1] <= w[3] <= 1 for w in body["words"])
    assert member.get(f"/api/documents/{doc['id']}/pages/1/words?version=1").json() == body
    error_of(member.get(f"/api/documents/{doc['id']}/pages/1/words?version=9"), 404)
    error_of(member.get(f"/api/documents/{doc['id']}/pages/99/words"), 422, "bad_page")
    # a confidential meeting's words come without their text
    sec = login("thuky")
    assert sec.put("/api/meetings/1/document-policy", json={
        "confidential": True, "downloads": False}).status_code == 200
    secret = member.get(f"/api/documents/{doc['id']}/pages/1/words").json()
    assert secret["text"] is None and secret["confidential"] is True
    assert [w[:4] for w in secret["words"]] == [w[:4] for w in body["words"]]
    assert {w[4] for w in secret["words"]} == {""}


def test_old_notes_are_annotations_of_kind_note(login) -> None:
    member = login("uyvien1")
    doc = first_document(member, 1)
    note = member.post(f"/api/documents/{doc['id']}/notes",
                       json={"page": 2, "text": "Ghi chú cũ"}).json()["note"]
    assert isinstance(note["id"], int)
    mine = listing(member, doc)["annotations"]
    assert [(a["id"], a["kind"], a["page"], a["data"]) for a in mine] == [
        (f"note-{note['id']}", "note", 2, {"x": 0.95, "y": 0.05, "text": "Ghi chú cũ"})]
    # edited as an annotation, read back as a note
    edited = dict(mine[0], data={"x": 0.5, "y": 0.5, "text": "Sửa trên máy tính bảng"})
    assert change(member, "n1", "put", edited)["status"] == "applied"
    assert member.get(f"/api/documents/{doc['id']}/notes").json()["notes"][0]["text"] == \
        "Sửa trên máy tính bảng"


def test_page_image_of_an_older_version_by_version_and_width(login) -> None:
    member = login("uyvien1")
    doc = first_document(member, 1)
    r = member.get(f"/api/documents/{doc['id']}/pages/1?version=1&width=640")
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/")
    error_of(member.get(f"/api/documents/{doc['id']}/pages/1?version=5&width=640"), 404)
    error_of(member.get(f"/api/documents/{doc['id']}/pages/1?version=x"), 422, "bad_version")


def test_a_sealed_meeting_takes_no_annotation(login, settings) -> None:
    from meetings.db import Database
    from meetings.models import Meeting

    member = login("uyvien1")
    doc = first_document(member, 1)
    database = Database(settings.db_url)
    with database.write() as session:
        meeting = session.get(Meeting, 1)
        assert meeting is not None
        meeting.status = "sealed"
        session.add(meeting)
    database.dispose()
    result = change(member, "k1", "put", ink(doc))
    assert result["status"] == "error" and result["error"] == "meeting_sealed"
    error_of(member.put(f"/api/documents/{doc['id']}/annotations/sharing",
                        json={"meeting": True}), 409, "meeting_sealed")
    assert json.dumps(listing(member, doc)) == json.dumps({"annotations": [], "unplaced": []})


def test_the_same_change_sent_twice_at_once_is_applied_once(login, settings) -> None:
    """A tablet that came back while its first try was still on its way: the second try,
    in a transaction of its own while the first is not yet committed, waits for it and is
    the duplicate (on PostgreSQL it meets the unique key; on SQLite the one writer)."""
    import threading
    import time

    from sqlmodel import func, select

    from meetings.accounts import actor_of
    from meetings.annotations import store
    from meetings.db import Database
    from meetings.models import AnnotationChange, User

    member = login("uyvien1")
    doc = first_document(member, 1)
    database = Database(settings.db_url)
    with database.read() as s:
        actor = actor_of(s.exec(select(User).where(User.username == "uyvien1")).one())
    change = store.read_change({"key": "at-once", "op": "put", "annotation": ink(doc)})
    results: dict[str, dict[str, Any]] = {}
    first_in = threading.Event()

    def first() -> None:
        with database.write() as s:
            results["first"] = store.apply_change(s, actor, "tablet-a", change)[0]
            first_in.set()
            time.sleep(0.5)  # not committed yet

    def second() -> None:
        first_in.wait(10)
        with database.write() as s:
            results["second"] = store.apply_change(s, actor, "tablet-a", change)[0]

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    with database.read() as s:
        keys = s.exec(select(func.count()).select_from(AnnotationChange).where(
            AnnotationChange.key == "at-once")).one()
    database.dispose()
    assert results["first"]["status"] == "applied"
    assert results["second"]["status"] == "duplicate", results["second"]
    assert results["second"]["annotation"]["rev"] == 1 and keys == 1


def test_a_long_stroke_is_kept_compact(login) -> None:
    """4,000 points of ink (the most a stroke holds) sent at full float precision are kept to 5
    decimals (pressure to 3), so the stroke travels in about 100 KB (not 240: a float as
    Python writes it takes up to 19 characters); one more is refused."""
    member = login("uyvien1")
    doc = first_document(member, 1)
    points = [[i / 4001 + 1e-9, (i * 7 % 4000) / 4000 / 3 + 0.1234567891, 0.123456789]
              for i in range(4000)]
    made = change(member, "long", "put", ink(doc, data={"points": points, "width": 0.0043219}))
    assert made["status"] == "applied"
    kept = made["annotation"]["data"]
    assert kept["points"][1] == [round(1 / 4001 + 1e-9, 5), round(7 / 12000 + 0.1234567891, 5),
                                 0.123]
    assert kept["width"] == 0.00432
    assert len(json.dumps(made["annotation"], separators=(",", ":"))) < 110_000
    refused = change(member, "longer", "put", ink(doc, ident="ink-0002-abcd", data={
        "points": points + [[0.5, 0.5, 0.5]], "width": 0.004}))
    assert refused["status"] == "error" and refused["details"]["field"] == "data.points"
