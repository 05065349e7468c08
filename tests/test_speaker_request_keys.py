"""Asking for the floor with an idempotency key (issue 13 §3): a tablet's outbox sends the same
request until it hears back, and the server puts it on the list once; a late request goes under
the item current when it arrives; a key of another person or meeting names nothing of theirs."""

from __future__ import annotations

from sqlmodel import select

from meetings.db import Database
from meetings.models import RecordEntry, SpeakerRequest
from tests.helpers import error_of, start


def test_the_same_key_twice_is_one_request_answered_again(login, settings) -> None:  # type: ignore[no-untyped-def]
    sec = login("thuky")
    start(sec, 1)
    member = login("uyvien1")
    first = member.post("/api/meetings/1/speakers", json={"kind": "speech", "key": "k-offline-1"})
    assert first.status_code == 201, first.text
    again = member.post("/api/meetings/1/speakers", json={"kind": "speech", "key": "k-offline-1"})
    assert again.status_code == 200, again.text
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["status"] == "waiting"
    queue = sec.get("/api/meetings/1/speakers").json()["queue"]
    assert [q["id"] for q in queue] == [first.json()["id"]]
    # the record says it once
    db = Database(settings.db_url)
    with db.read() as s:
        asked = s.exec(select(RecordEntry).where(RecordEntry.kind == "speaker.requested")).all()
        assert len(asked) == 1
    # once the turn is over, the same key (a reply that was lost) still names that request,
    # done: it does not put the member back on the list
    rid = first.json()["id"]
    assert sec.post(f"/api/speakers/{rid}/floor").status_code == 200
    assert sec.post(f"/api/speakers/{rid}/end").status_code == 200
    late = member.post("/api/meetings/1/speakers", json={"kind": "speech", "key": "k-offline-1"})
    assert late.status_code == 200 and late.json()["id"] == rid and late.json()["status"] == "done"
    assert sec.get("/api/meetings/1/speakers").json()["queue"] == []
    # a new key is a new request
    new = member.post("/api/meetings/1/speakers", json={"kind": "speech", "key": "k-offline-2"})
    assert new.status_code == 201 and new.json()["id"] != rid
    with db.read() as s:
        rows = s.exec(select(SpeakerRequest).where(
            SpeakerRequest.user_id == first.json()["user_id"])).all()
        assert sorted(r.request_key or "" for r in rows) == ["k-offline-1", "k-offline-2"]
    db.dispose()


def test_a_key_is_the_askers_own_and_a_late_request_takes_the_current_item(login) -> None:  # type: ignore[no-untyped-def]
    sec = login("thuky")
    start(sec, 1)
    a, b = login("uyvien1"), login("uyvien2")
    ra = a.post("/api/meetings/1/speakers", json={"key": "same"})
    rb = b.post("/api/meetings/1/speakers", json={"key": "same"})
    assert ra.status_code == 201 and rb.status_code == 201
    assert ra.json()["id"] != rb.json()["id"]
    # the item current when the request arrives, whatever was current when it was made
    snap = sec.get("/api/meetings/1").json()
    items = [i["id"] for i in snap["items"]]
    assert sec.post("/api/meetings/1/present", json={"item_id": items[1]}).status_code == 200
    assert a.delete(f"/api/speakers/{ra.json()['id']}").status_code == 200
    late = a.post("/api/meetings/1/speakers", json={"key": "made-on-item-1"})
    assert late.status_code == 201 and late.json()["item_id"] == items[1]


def test_bad_keys_and_the_ended_meeting_are_refused(login) -> None:  # type: ignore[no-untyped-def]
    sec = login("thuky")
    start(sec, 1)
    member = login("uyvien1")
    for bad in ["", "x" * 65, "khóa", 5]:
        r = member.post("/api/meetings/1/speakers", json={"key": bad})
        error_of(r, 422, "bad_field" if bad == 5 else "bad_key")
    kept = member.post("/api/meetings/1/speakers", json={"key": "before-the-end"})
    assert kept.status_code == 201
    assert sec.post("/api/meetings/1/end").status_code == 200
    # a request made offline that reaches an ended meeting is refused, with a reason
    r = member.post("/api/meetings/1/speakers", json={"key": "after-the-end"})
    error_of(r, 409, "meeting_not_running")
    # but the one that got there before is answered again
    r = member.post("/api/meetings/1/speakers", json={"key": "before-the-end"})
    assert r.status_code == 200 and r.json()["id"] == kept.json()["id"]
