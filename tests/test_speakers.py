"""The speakers' list over HTTP: requests and withdrawals, the queue's order, points of order,
the floor and the timer, the time spoken in the record, and every refusal."""

from __future__ import annotations

import json
import time

from sqlmodel import select

from meetings.db import Database
from meetings.models import RecordEntry
from tests.helpers import error_of, snapshot, start


def speakers(client, meeting_id: int = 1) -> dict:  # type: ignore[no-untyped-def]
    r = client.get(f"/api/meetings/{meeting_id}/speakers")
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def ask(client, kind: str = "speech", **extra) -> int:  # type: ignore[no-untyped-def]
    r = client.post("/api/meetings/1/speakers", json={"kind": kind, **extra})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def names(view: dict) -> list[str]:  # type: ignore[type-arg]
    return [q["full_name"] for q in view["queue"]]


def test_queue_order_point_of_order_floor_and_time(login, settings) -> None:
    sec = login("thuky")
    start(sec, 1)
    a, b, c = login("phochutich1"), login("uyvien1"), login("uyvien2")
    ra, rb = ask(a), ask(b)
    assert names(speakers(sec)) == ["Lê Thị Hồng Nhung", "Hoàng Minh Tuấn"]
    # a point of order jumps the queue
    rc = ask(c, "point_of_order")
    view = speakers(b)
    assert names(view) == ["Vũ Thị Lan", "Lê Thị Hồng Nhung", "Hoàng Minh Tuấn"]
    assert view["queue"][0]["kind"] == "point_of_order"
    # the secretary reorders the ordinary requests
    assert sec.put("/api/meetings/1/speakers/order",
                   json={"order": [rc, rb, ra]}).status_code == 200
    assert names(speakers(sec)) == ["Vũ Thị Lan", "Hoàng Minh Tuấn", "Lê Thị Hồng Nhung"]
    # the snapshot a tablet loads carries the list too
    assert names(snapshot(a, 1)["speakers"]) == names(speakers(sec))
    # per-meeting default and per-speaker override
    assert sec.put("/api/meetings/1/speakers/settings",
                   json={"default_seconds": 120}).status_code == 200
    assert sec.put(f"/api/speakers/{rb}/limit", json={"limit_seconds": 300}).status_code == 200
    r = sec.post(f"/api/speakers/{rc}/floor")
    assert r.status_code == 200 and r.json()["status"] == "speaking"
    view = speakers(a)
    assert view["current"]["full_name"] == "Vũ Thị Lan"
    assert view["current"]["limit_seconds"] == 120 and view["current"]["started_at"]
    assert names(view) == ["Hoàng Minh Tuấn", "Lê Thị Hồng Nhung"]
    time.sleep(1.2)
    # giving the floor to the next ends the current turn
    assert sec.post(f"/api/speakers/{rb}/floor").status_code == 200
    view = speakers(sec)
    assert view["current"]["full_name"] == "Hoàng Minh Tuấn"
    assert view["current"]["limit_seconds"] == 300
    # the speaker ends their own turn
    r = b.post(f"/api/speakers/{rb}/end")
    assert r.status_code == 200 and r.json()["status"] == "done"
    # a withdrawn request leaves the queue
    assert a.delete(f"/api/speakers/{ra}").status_code == 200
    view = speakers(sec)
    assert view["queue"] == [] and view["current"] is None
    times = {t["full_name"]: t for t in view["times"]}
    assert set(times) == {"Vũ Thị Lan", "Hoàng Minh Tuấn"}
    assert times["Vũ Thị Lan"]["turns"] == 1 and times["Vũ Thị Lan"]["seconds"] >= 1
    # the record holds each turn with its time
    db = Database(settings.db_url)
    with db.read() as s:
        rows = s.exec(select(RecordEntry).where(RecordEntry.kind == "speaker.ended")).all()
        ended = [json.loads(r.data) for r in rows]
    db.dispose()
    assert [e["request_id"] for e in ended] == [rc, rb]
    assert ended[0]["seconds"] >= 1


def test_guests_are_invited_not_self_requesting(login) -> None:
    sec = login("thuky")
    start(sec, 1)
    guest = login("khachmoi")
    body = error_of(guest.post("/api/meetings/1/speakers", json={}), 403, "cannot_request_floor")
    assert "Khách mời" in body["message_vi"] and "Guests" in body["message_en"]
    error_of(sec.post("/api/meetings/1/speakers", json={}), 403, "cannot_request_floor")
    guest_id = next(p["user_id"] for p in snapshot(sec, 1)["participants"]
                    if p["username"] == "khachmoi")
    rid = ask(sec, user_id=guest_id)
    assert names(speakers(guest)) == ["Bùi Thị Mai"]
    assert sec.post(f"/api/speakers/{rid}/floor").status_code == 200
    assert speakers(guest)["current"]["user_id"] == guest_id


def test_refusals(login) -> None:
    sec = login("thuky")
    member, other = login("uyvien1"), login("uyvien2")
    # not during a draft meeting
    error_of(member.post("/api/meetings/1/speakers", json={}), 409, "meeting_not_running")
    start(sec, 1)
    error_of(member.post("/api/meetings/1/speakers", json={"kind": "shout"}), 422, "bad_kind")
    rid = ask(member)
    error_of(member.post("/api/meetings/1/speakers", json={}), 409, "already_waiting")
    # a member cannot put someone else on the list, reorder, give the floor or set times
    error_of(member.post("/api/meetings/1/speakers", json={"user_id": 3}), 403, "forbidden")
    error_of(member.put("/api/meetings/1/speakers/order", json={"order": [rid]}), 403,
             "forbidden")
    error_of(member.post(f"/api/speakers/{rid}/floor"), 403, "forbidden")
    error_of(member.put(f"/api/speakers/{rid}/limit", json={"limit_seconds": 60}), 403,
             "forbidden")
    error_of(member.put("/api/meetings/1/speakers/settings", json={"default_seconds": 60}), 403,
             "forbidden")
    # nor withdraw someone else's request
    error_of(other.delete(f"/api/speakers/{rid}"), 403, "forbidden")
    # bad values
    error_of(sec.put("/api/meetings/1/speakers/order", json={"order": [rid, 999]}), 409,
             "queue_changed")
    error_of(sec.put("/api/meetings/1/speakers/order", json={"order": "x"}), 422, "bad_field")
    error_of(sec.put(f"/api/speakers/{rid}/limit", json={"limit_seconds": 5}), 422,
             "bad_seconds")
    error_of(sec.put("/api/meetings/1/speakers/settings", json={"default_seconds": 99999}),
             422, "bad_seconds")
    error_of(sec.post("/api/meetings/1/speakers", json={"user_id": 9}), 422, "not_participant")
    error_of(sec.post("/api/speakers/999/floor"), 404, "not_found")
    # not speaking yet: cannot end; once ended: no second end, no floor again
    error_of(sec.post(f"/api/speakers/{rid}/end"), 409, "not_speaking")
    assert sec.post(f"/api/speakers/{rid}/floor").status_code == 200
    error_of(other.post(f"/api/speakers/{rid}/end"), 403, "forbidden")
    error_of(member.delete(f"/api/speakers/{rid}"), 409, "not_waiting")
    assert sec.post(f"/api/speakers/{rid}/end").status_code == 200
    error_of(sec.post(f"/api/speakers/{rid}/end"), 409, "not_speaking")
    error_of(sec.post(f"/api/speakers/{rid}/floor"), 409, "not_waiting")
    error_of(sec.put(f"/api/speakers/{rid}/limit", json={"limit_seconds": 60}), 409,
             "turn_over")
    # an archivist sees a meeting only once it is sealed
    error_of(login("luutru").get("/api/meetings/1/speakers"), 404, "not_found")
    assert sec.post("/api/meetings/1/end").status_code == 200
    error_of(member.post("/api/meetings/1/speakers", json={}), 409, "meeting_not_running")
    error_of(sec.put("/api/meetings/1/speakers/settings", json={"default_seconds": 60}), 409,
             "meeting_closed")


def test_turn_open_when_the_meeting_ends_counts_to_the_end(login) -> None:
    sec = login("thuky")
    start(sec, 1)
    rid = ask(login("uyvien3"))
    sec.post(f"/api/speakers/{rid}/floor")
    time.sleep(1.1)
    assert sec.post("/api/meetings/1/end").status_code == 200
    time.sleep(1.1)
    times = speakers(sec)["times"]
    assert len(times) == 1 and 1 <= times[0]["seconds"] < 2  # stops at the meeting's end


def test_minutes_report_speaking_time_and_written_opinions(login, tmp_path, artifacts) -> None:
    import subprocess

    import pymupdf

    from tests.conftest import require_tool
    from tests.test_opinions import draft, send

    sec = login("thuky")
    # a written opinion closed before the meeting: its minutes report it
    opinion_id = draft(sec)
    send(sec, opinion_id)
    for username in ("chutich", "phochutich1", "phochutich2", "uyvien1", "uyvien2", "uyvien3"):
        login(username).post(f"/api/opinions/{opinion_id}/answers", json={"choice": "yes"})
    assert sec.post(f"/api/opinions/{opinion_id}/close").status_code == 200
    start(sec, 1)
    for username in ("uyvien1", "phochutich1", "uyvien1"):
        rid = ask(login(username))
        sec.post(f"/api/speakers/{rid}/floor")
        time.sleep(1.1)
        sec.post(f"/api/speakers/{rid}/end")
    assert sec.post("/api/meetings/1/end").status_code == 200
    r = sec.get("/api/meetings/1/minutes/preview.pdf")
    assert r.status_code == 200
    with pymupdf.open(stream=r.content, filetype="pdf") as doc:
        pages = [" ".join(page.get_text().split()) for page in doc]
    text = " ".join(pages)
    # the heading stays on the page of its first entry
    page_no = next(i for i, p in enumerate(pages, start=1) if "THỜI GIAN PHÁT BIỂU" in p)
    assert "Hoàng Minh Tuấn: 2 lượt" in pages[page_no - 1]
    assert "Kết quả lấy ý kiến bằng văn bản" in text
    assert "Thông qua phương án sửa chữa trường mầm non Tường Tiến?" in text
    assert "06/06 thành viên trả lời: 06 đồng ý" in text and "được thông qua" in text
    assert "THỜI GIAN PHÁT BIỂU" in text
    # who spoke is named under the item they spoke on; the times go to the annex
    assert "Ý kiến phát biểu: Hoàng Minh Tuấn, Lê Thị Hồng Nhung." in text
    assert text.index("Nơi nhận:") < text.index("PHỤ LỤC") < text.index("THỜI GIAN PHÁT BIỂU")
    assert "Hoàng Minh Tuấn: 2 lượt" in text and "Lê Thị Hồng Nhung: 1 lượt" in text
    # a page renders (poppler) and is not blank
    pdftoppm = require_tool("/usr/bin/pdftoppm")
    pdf = tmp_path / "minutes.pdf"
    pdf.write_bytes(r.content)
    subprocess.run([pdftoppm, "-png", "-r", "60", "-f", str(page_no), "-l", str(page_no), str(pdf),
                    str(tmp_path / "page")], check=True)
    png = next(tmp_path.glob("page*.png"))
    assert png.stat().st_size > 5000
    if artifacts is not None:
        (artifacts / "minutes-speakers.pdf").write_bytes(r.content)


def test_changes_carry_the_head_of_a_long_queue_and_each_hears_of_their_own(
    login, monkeypatch
) -> None:
    from meetings.live import speakers as speakers_module

    monkeypatch.setattr(speakers_module, "QUEUE_SHOWN", 2)
    sec = login("thuky")
    start(sec, 1)
    members = ["phochutich1", "phochutich2", "uyvien1", "uyvien2"]
    ids = [ask(login(u)) for u in members]
    last = login("uyvien2")
    snap = snapshot(last, 1)["speakers"]
    assert [q["id"] for q in snap["queue"]] == ids[:2] and snap["waiting"] == 4
    assert snap["mine"] == [{"id": ids[3], "kind": "speech"}]
    whole = speakers(sec)
    assert [q["id"] for q in whole["queue"]] == ids and whole["waiting"] == 4
    assert whole["mine"] == []


def test_ending_the_meeting_ends_the_turn_still_running(login, settings) -> None:  # type: ignore[no-untyped-def]
    """A meeting that ends while someone has the floor: their turn ends with it, the time
    spoken is recorded, and no view shows a speaker of a meeting that is over."""
    sec, member = login("thuky"), login("uyvien1")
    start(sec, 1)
    rid = ask(member)
    assert sec.post(f"/api/speakers/{rid}/floor").status_code == 200
    time.sleep(1.1)
    assert sec.post("/api/meetings/1/end").status_code == 200
    view = speakers(sec)
    assert view["current"] is None
    db = Database(settings.db_url)
    try:
        with db.read() as s:
            kinds = [e.kind for e in s.exec(select(RecordEntry).where(
                RecordEntry.meeting_id == 1).order_by(RecordEntry.seq))]
            ended = [json.loads(e.data) for e in s.exec(select(RecordEntry).where(
                RecordEntry.meeting_id == 1, RecordEntry.kind == "speaker.ended"))]
    finally:
        db.dispose()
    assert kinds.index("speaker.ended") < kinds.index("meeting.ended")
    assert ended[-1]["request_id"] == rid and ended[-1]["seconds"] >= 1
