"""Running a meeting over HTTP: start, presenting pages, check-in, ending, and refusals."""

from __future__ import annotations

from tests.helpers import error_of, record_quorum, snapshot, start


def test_start_presents_the_first_item_and_document(login) -> None:
    sec = login("thuky")
    error_of(sec.post("/api/meetings/1/present", json={"page": 2}), 409, "meeting_not_running")
    start(sec, 1)
    snap = snapshot(sec, 1)
    first = snap["items"][0]
    assert snap["meeting"]["status"] == "running"
    assert snap["presentation"] == {"item_id": first["id"],
                                    "document_id": first["documents"][0]["id"], "page": 1}
    error_of(sec.post("/api/meetings/1/start"), 409, "already_started")


def test_present_moves_item_document_and_page(login) -> None:
    sec = login("thuky")
    start(sec, 1)
    items = snapshot(sec, 1)["items"]
    r = sec.post("/api/meetings/1/present", json={"page": 4})
    assert r.json()["presentation"]["page"] == 4
    second = items[1]
    r = sec.post("/api/meetings/1/present", json={"item_id": second["id"]})
    assert r.json()["presentation"] == {"item_id": second["id"],
                                        "document_id": second["documents"][0]["id"], "page": 1}
    # a document of another item moves the item too
    r = sec.post("/api/meetings/1/present", json={"document_id": items[0]["documents"][0]["id"],
                                                   "page": 6})
    assert r.json()["presentation"] == {"item_id": items[0]["id"],
                                        "document_id": items[0]["documents"][0]["id"], "page": 6}
    # the third item has no document
    r = sec.post("/api/meetings/1/present", json={"item_id": items[2]["id"]})
    assert r.json()["presentation"]["document_id"] is None
    error_of(sec.post("/api/meetings/1/present", json={"page": 2}), 422, "no_document")
    # the chair may drive too
    r = login("chutich").post("/api/meetings/1/present", json={"item_id": items[0]["id"]})
    assert r.status_code == 200


def test_present_refusals(login) -> None:
    sec = login("thuky")
    start(sec, 1)
    error_of(sec.post("/api/meetings/1/present", json={"page": 0}), 422, "bad_page")
    error_of(sec.post("/api/meetings/1/present", json={"page": 7}), 422, "bad_page")
    error_of(sec.post("/api/meetings/1/present", json={"page": "2"}), 422, "bad_field")
    error_of(sec.post("/api/meetings/1/present", json={"item_id": 999}), 404, "not_found")
    error_of(sec.post("/api/meetings/1/present", json={"document_id": 999}), 404, "not_found")
    for username in ("uyvien1", "khachmoi"):
        error_of(login(username).post("/api/meetings/1/present", json={"page": 2}), 403,
                 "forbidden")
    error_of(login("luutru").post("/api/meetings/1/present", json={"page": 2}), 404, "not_found")


def test_check_in_self_and_by_the_secretary(login) -> None:
    sec, member = login("thuky"), login("uyvien1")
    error_of(member.post("/api/meetings/1/check-in", json={}), 409, "meeting_not_running")
    start(sec, 1)
    assert member.post("/api/meetings/1/check-in", json={}).status_code == 200
    assert member.post("/api/meetings/1/check-in", json={}).status_code == 200  # idempotent
    error_of(member.post("/api/meetings/1/check-in", json={"user_id": 6}), 403, "forbidden")
    assert sec.post("/api/meetings/1/check-in", json={"user_id": 6}).status_code == 200
    error_of(sec.post("/api/meetings/1/check-in", json={"user_id": 9}), 422, "not_participant")
    present = {p["username"] for p in snapshot(sec, 1)["participants"] if p["checked_in"]}
    assert present == {"uyvien1", "uyvien2"}
    # a member's tablet holds its own line and the counts, not the whole list
    mine = snapshot(member, 1)
    assert [p["username"] for p in mine["participants"]] == ["uyvien1"]
    assert mine["participants"][0]["checked_in"] is True
    assert mine["attendance"] == {"present": 2, "total": 8}


def test_end_meeting(login) -> None:
    sec = login("thuky")
    error_of(sec.post("/api/meetings/1/end"), 409, "meeting_not_running")
    start(sec, 1)
    record_quorum(sec, 1)
    error_of(login("uyvien1").post("/api/meetings/1/end"), 403, "forbidden")
    sec.post("/api/meetings/1/votes", json={"question": "Thông qua?"})
    error_of(sec.post("/api/meetings/1/end"), 409, "vote_open")
    vote_id = snapshot(sec, 1)["open_vote"]["id"]
    sec.post(f"/api/votes/{vote_id}/close")
    assert sec.post("/api/meetings/1/end").status_code == 200
    assert snapshot(sec, 1)["meeting"]["status"] == "ended"


def test_app_pages_are_served_with_security_headers(login) -> None:
    client = login(None)
    for path in ("/", "/login", "/meetings", "/m/1", "/m/1/screen", "/m/1/prepare",
                 "/m/1/minutes", "/archive", "/archive/1"):
        r = client.get(path)
        assert r.status_code == 200 and "text/html" in r.headers["content-type"], path
        assert "default-src 'self'" in r.headers["content-security-policy"]
        assert r.headers["x-content-type-options"] == "nosniff"
    assert client.get("/healthz").json()["ok"] is True
