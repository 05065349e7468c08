"""The deadline, publication and copies over HTTP: the deadline follows the meeting's date,
kind and the deployment's holidays; documents uploaded after it are marked late in the app
and in the minutes (pdftotext of the preview); members see a draft's agenda and documents only
once published; a meeting is copied with its people and its agenda's skeleton."""

from __future__ import annotations

import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path

from meetings.clock import VIETNAM
from tests.conftest import require_tool
from tests.helpers import error_of, snapshot, start
from tests.test_http_agenda import add, kinds, upload

THURSDAY = "2026-12-17T14:00:00+07:00"


def meeting(client, starts_at: str, kind: str | None = None) -> dict:  # type: ignore[no-untyped-def, type-arg]
    body = {"body_id": 1, "title": "Phiên họp chuyên đề", "starts_at": starts_at,
            "place": "Hội trường"} | ({"kind": kind} if kind else {})
    r = client.post("/api/meetings", json=body)
    assert r.status_code == 201, r.text
    return r.json()["meeting"]  # type: ignore[no-any-return]


def in_days(days: int) -> str:
    moment = datetime.now(VIETNAM).replace(hour=14, minute=0, second=0, microsecond=0)
    return (moment + timedelta(days=days)).isoformat()


def test_the_deadline_follows_date_kind_and_holidays(login, app) -> None:
    sec = login("thuky")
    m = meeting(sec, THURSDAY)
    assert (m["kind"], m["documents_due_on"], m["published_at"]) == ("regular", "2026-12-14",
                                                                      None)
    r = sec.patch(f"/api/meetings/{m['id']}", json={"kind": "special"})
    assert r.json()["meeting"]["documents_due_on"] == "2026-12-16"
    r = sec.patch(f"/api/meetings/{m['id']}", json={"kind": "regular",
                                                     "starts_at": "2026-12-21T08:00+07:00"})
    assert r.json()["meeting"]["documents_due_on"] == "2026-12-16"  # Fri, Thu, Wed
    error_of(sec.patch(f"/api/meetings/{m['id']}", json={"kind": "annual"}), 422, "bad_kind")
    error_of(sec.post("/api/meetings", json={"body_id": 1, "title": "X", "starts_at": THURSDAY,
                                             "kind": "weekly"}), 422, "bad_kind")
    # The deployment's holidays (PHONGHOP_HOLIDAYS) are not working days.
    app.state.services.holidays = frozenset({date(2026, 12, 15), date(2026, 12, 16)})
    assert meeting(sec, THURSDAY)["documents_due_on"] == "2026-12-10"  # Mon 14, Fri 11, Thu 10
    assert meeting(sec, THURSDAY, "urgent")["documents_due_on"] == "2026-12-16"
    updated = [d for k, d in kinds(app, m["id"]) if k == "meeting.updated"]
    assert updated[0] == {"kind": "special", "documents_due_on": "2026-12-16"}


def pdftotext(data: bytes, tmp_path: Path) -> str:
    tool = require_tool("pdftotext")
    path = tmp_path / "minutes.pdf"
    path.write_bytes(data)
    out = subprocess.run([tool, str(path), "-"], capture_output=True, text=True, timeout=60,
                         check=True).stdout
    return " ".join(out.split())


def test_late_documents_are_marked_in_the_app_and_the_minutes(login, app, tmp_path) -> None:
    sec = login("thuky")
    m = meeting(sec, in_days(60))["id"]
    item = add(sec, m, "Đề án chuyển đổi số")
    on_time = upload(sec, m, item["id"], "Đề án")
    assert on_time["late"] is False
    # The meeting moves to tomorrow: what was sent is now after the deadline.
    sec.patch(f"/api/meetings/{m}", json={"starts_at": in_days(1)})
    docs = snapshot(sec, m)["items"][0]["documents"]
    assert [d["late"] for d in docs] == [True]
    sec.patch(f"/api/meetings/{m}", json={"starts_at": in_days(60)})
    assert [d["late"] for d in snapshot(sec, m)["items"][0]["documents"]] == [False]
    sec.patch(f"/api/meetings/{m}", json={"starts_at": in_days(1), "kind": "regular"})
    late = upload(sec, m, item["id"], "Tờ trình bổ sung")
    assert late["late"] is True
    assert [d for k, d in kinds(app, m) if k == "document.added"][-1]["late"] is True

    # The minutes name the late document so.
    sec.post(f"/api/meetings/{m}/participants", json={"user_id": 2, "role": "chair"})
    start(sec, m)
    assert sec.post(f"/api/meetings/{m}/end").status_code == 200
    preview = sec.get(f"/api/meetings/{m}/minutes/preview.pdf")
    assert preview.status_code == 200
    text = pdftotext(preview.content, tmp_path)
    assert ("Tài liệu: Đề án (bổ sung sau thời hạn); Tờ trình bổ sung (bổ sung sau thời "
            "hạn).") in text, text


def test_the_minutes_number_sub_items_and_mark_withdrawn_documents(login, tmp_path) -> None:
    sec = login("thuky")
    m = meeting(sec, in_days(60))["id"]
    item = add(sec, m, "Kế hoạch năm 2027")
    other = add(sec, m, "Các vấn đề phát sinh")
    sub = add(sec, m, "Kế hoạch vốn", parent_id=item["id"])
    # The sub-item moves up, under item 2 ("Các vấn đề phát sinh" first).
    order = [{"id": other["id"], "children": []}, {"id": item["id"], "children": [sub["id"]]}]
    assert sec.put(f"/api/meetings/{m}/agenda", json={"items": order}).status_code == 200
    kept = upload(sec, m, item["id"], "Kế hoạch")
    withdrawn = upload(sec, m, item["id"], "Dự thảo cũ")
    assert not kept["late"] and not withdrawn["late"]
    sec.post(f"/api/meetings/{m}/participants", json={"user_id": 2, "role": "chair"})
    start(sec, m)
    assert sec.delete(f"/api/documents/{withdrawn['id']}").json()["outcome"] == "withdrawn"
    sec.post(f"/api/meetings/{m}/end")
    text = pdftotext(sec.get(f"/api/meetings/{m}/minutes/preview.pdf").content, tmp_path)
    assert "Tài liệu: Kế hoạch; Dự thảo cũ (đã rút)." in text, text
    assert text.index("1. Các vấn đề phát sinh") < text.index("2. Kế hoạch năm 2027") \
        < text.index("2.1. Kế hoạch vốn"), text


def test_members_see_a_draft_agenda_only_once_published(login, app) -> None:
    sec = login("thuky")
    m = meeting(sec, in_days(10))["id"]
    for user_id, role in ((2, "chair"), (5, "member"), (8, "guest")):
        assert sec.post(f"/api/meetings/{m}/participants",
                        json={"user_id": user_id, "role": role}).status_code == 201
    item = add(sec, m, "Báo cáo quý IV")
    doc = upload(sec, m, item["id"], "Báo cáo")
    member, guest, chair = login("uyvien1"), login("khachmoi"), login("chutich")
    for client in (member, guest):
        snap = snapshot(client, m)
        assert snap["meeting"]["title"] == "Phiên họp chuyên đề" and snap["items"] == []
        assert snap["meeting"]["published_at"] is None
        for path in (f"/api/documents/{doc['id']}/pages/1?w=160",
                     f"/api/documents/{doc['id']}/file", f"/api/documents/{doc['id']}/versions",
                     f"/api/documents/{doc['id']}/search?q=nghi quyet",
                     f"/api/documents/{doc['id']}/notes", f"/api/meetings/{m}/search?q=nghi"):
            body = error_of(client.get(path), 403, "not_published")
            assert "phát hành" in body["message_vi"]
        error_of(client.post(f"/api/documents/{doc['id']}/notes", json={"page": 1, "text": "x"}),
                 403, "not_published")
    # The staff see what they prepare.
    assert [i["title"] for i in snapshot(chair, m)["items"]] == ["Báo cáo quý IV"]

    r = sec.post(f"/api/meetings/{m}/publish")
    assert r.status_code == 200, r.text
    assert r.json()["meeting"]["published_at"]
    for client in (member, guest):
        snap = snapshot(client, m)
        assert [d["id"] for d in snap["items"][0]["documents"]] == [doc["id"]]
        assert client.get(f"/api/documents/{doc['id']}/pages/1?w=160").status_code == 200
    listed = {x["id"]: x for x in member.get("/api/meetings").json()["meetings"]}
    assert listed[m]["published_at"] == r.json()["meeting"]["published_at"]
    error_of(sec.post(f"/api/meetings/{m}/publish"), 409, "already_published")
    (published,) = [d for k, d in kinds(app, m) if k == "documents.published"]
    assert published == {"documents": 1, "late": 0, "after_deadline": False}
    # Once the meeting runs everyone sees everything: no publication to do.
    other = meeting(sec, in_days(10))["id"]
    add(sec, other, "Nội dung")
    start(sec, other)
    error_of(sec.post(f"/api/meetings/{other}/publish"), 409, "already_started")


def test_copy_a_meeting_for_the_next_of_a_series(login, app) -> None:
    sec = login("thuky")
    source = snapshot(sec, 1)
    first = source["items"][0]
    add(sec, 1, "Thu ngân sách", parent_id=first["id"], presenter="Kế toán", planned_minutes=5)
    sec.patch("/api/meetings/1", json={"kind": "special"})
    login("uyvien1").post("/api/meetings/1/check-in", json={})
    source = snapshot(sec, 1)

    r = sec.post("/api/meetings/1/copy", json={"starts_at": "2027-01-21T14:00:00+07:00",
                                                "title": "Phiên họp thường kỳ tháng 01/2027"})
    assert r.status_code == 201, r.text
    new = r.json()["meeting"]
    assert new["id"] != 1 and new["status"] == "draft" and new["published_at"] is None
    assert (new["title"], new["kind"], new["place"], new["body_id"]) == (
        "Phiên họp thường kỳ tháng 01/2027", "special", source["meeting"]["place"],
        source["meeting"]["body_id"])
    assert new["starts_at"] == "2027-01-21T14:00:00+07:00"
    assert new["documents_due_on"] == "2027-01-20"
    copy = snapshot(sec, new["id"])
    assert [(p["username"], p["role"]) for p in copy["participants"]] == [
        (p["username"], p["role"]) for p in source["participants"]]
    assert all(p["attendance"] == "" and not p["checked_in"] for p in copy["participants"])
    shape = lambda items: [(i["number"], i["title"], i["presenter"], i["planned_minutes"])  # noqa: E731
                           for i in items]
    assert shape(copy["items"]) == shape(source["items"])
    assert ("1.1", "Thu ngân sách", "Kế toán", 5) in shape(copy["items"])
    assert all(i["documents"] == [] and i["conclusion"] == "" for i in copy["items"])
    assert copy["votes"] == [] and copy["open_vote"] is None
    # The members see the copy in their list; its agenda waits for publication.
    assert new["id"] in [x["id"] for x in login("uyvien1").get("/api/meetings").json()["meetings"]]
    assert snapshot(login("uyvien1"), new["id"])["items"] == []
    assert kinds(app, new["id"])[-1] == ("meeting.copied", {
        "from_meeting_id": 1, "participants": 7, "items": 4})  # and the copier
    # The source is as it was; a time without a zone is refused.
    assert snapshot(sec, 1)["items"] == source["items"]
    error_of(sec.post("/api/meetings/1/copy", json={"starts_at": "2027-01-21T14:00"}), 422,
             "naive_time")
