"""Preparing a meeting over HTTP: meetings, participants, agenda, uploads, and refusals."""

from __future__ import annotations

import hashlib

from meetings.demo import documents as demo_documents
from tests.helpers import error_of, snapshot

START = "2026-12-20T14:00:00+07:00"


def pdf_upload(client, meeting_id: int, item_id: int, data: bytes, name: str = "a.pdf"):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/meetings/{meeting_id}/items/{item_id}/documents",
        files={"file": (name, data, "application/pdf")},
        data={"title": "Tài liệu thử"},
    )


def new_meeting(client) -> int:  # type: ignore[no-untyped-def]
    r = client.post("/api/meetings", json={"body_id": 1, "title": "Họp chuyên đề tháng 12",
                                            "starts_at": START, "place": "Phòng họp số 1"})
    assert r.status_code == 201, r.text
    return int(r.json()["meeting"]["id"])


def test_secretary_prepares_a_meeting_end_to_end(login) -> None:
    sec = login("thuky")
    meeting_id = new_meeting(sec)
    r = sec.post(f"/api/meetings/{meeting_id}/participants", json={"user_id": 5, "role": "member"})
    assert r.status_code == 201
    r = sec.post(f"/api/meetings/{meeting_id}/participants", json={"user_id": 2, "role": "chair"})
    assert r.status_code == 201
    r = sec.post(f"/api/meetings/{meeting_id}/items",
                 json={"title": "Đề án chuyển đổi số", "presenter": "Văn phòng",
                       "planned_minutes": 20})
    assert r.status_code == 201
    item = r.json()["item"]
    assert item["position"] == 1
    data = demo_documents.resolution_pdf()
    r = pdf_upload(sec, meeting_id, item["id"], data)
    assert r.status_code == 201, r.text
    doc = r.json()["document"]
    assert doc["sha256"] == hashlib.sha256(data).hexdigest()
    assert doc["page_count"] == 3 and doc["title"] == "Tài liệu thử"
    snap = snapshot(sec, meeting_id)
    assert snap["me"]["role"] == "secretary"
    assert [p["role"] for p in snap["participants"]] == ["secretary", "member", "chair"]
    assert snap["items"][0]["documents"][0]["id"] == doc["id"]
    # the member sees it too; someone not invited does not even learn it exists
    assert snapshot(login("uyvien1"), meeting_id)["me"]["role"] == "member"
    error_of(login("uyvien2").get(f"/api/meetings/{meeting_id}"), 404, "not_found")
    # the meeting is listed for its participants
    listed = login("uyvien1").get("/api/meetings").json()["meetings"]
    assert meeting_id in [m["id"] for m in listed]


def test_same_file_twice_is_stored_once(login, settings) -> None:
    sec = login("thuky")
    data = demo_documents.resolution_pdf()
    a = pdf_upload(sec, 1, 1, data).json()["document"]
    b = pdf_upload(sec, 1, 2, data).json()["document"]
    assert a["sha256"] == b["sha256"] and a["id"] != b["id"]
    stored = [p for p in (settings.data_dir / "blobs").rglob("*") if p.is_file()]
    assert sum(1 for p in stored if p.name == a["sha256"]) == 1


def test_only_a_body_secretariat_creates_meetings(login) -> None:
    error_of(login("uyvien1").post("/api/meetings", json={
        "body_id": 1, "title": "X", "starts_at": START}), 403, "forbidden")
    error_of(login("thuky").post("/api/meetings", json={
        "body_id": 99, "title": "X", "starts_at": START}), 404, "not_found")
    error_of(login("thuky").post("/api/meetings", json={
        "body_id": 1, "title": "X", "starts_at": "2026-12-20T14:00"}), 422, "naive_time")
    error_of(login("thuky").post("/api/meetings", json={
        "body_id": 1, "title": "  ", "starts_at": START}), 422, "missing_field")


def test_members_and_guests_cannot_prepare(login) -> None:
    for username in ("uyvien1", "khachmoi", "chutich"):
        client = login(username)
        error_of(client.post("/api/meetings/1/items", json={"title": "X"}), 403, "forbidden")
        error_of(client.post("/api/meetings/1/participants", json={"user_id": 9, "role": "member"}),
                 403, "forbidden")
        error_of(pdf_upload(client, 1, 1, demo_documents.resolution_pdf()), 403, "forbidden")
        error_of(client.patch("/api/meetings/1", json={"title": "X"}), 403, "forbidden")
        error_of(client.delete("/api/meetings/1/participants/5"), 403, "forbidden")


def test_participant_rules(login) -> None:
    sec = login("thuky")
    error_of(sec.post("/api/meetings/1/participants", json={"user_id": 3, "role": "chair"}),
             409, "chair_taken")
    error_of(sec.post("/api/meetings/1/participants", json={"user_id": 3, "role": "boss"}),
             422, "bad_role")
    error_of(sec.post("/api/meetings/1/participants", json={"user_id": 999, "role": "member"}),
             404, "not_found")
    error_of(sec.delete("/api/meetings/1/participants/1"), 409, "cannot_remove_self")
    assert sec.delete("/api/meetings/1/participants/5").status_code == 200
    error_of(login("uyvien1").get("/api/meetings/1"), 404, "not_found")
    error_of(sec.delete("/api/meetings/1/participants/5"), 404, "not_found")


def test_update_meeting_before_start_only(login) -> None:
    sec = login("thuky")
    r = sec.patch("/api/meetings/1", json={"title": "Phiên họp thường kỳ (điều chỉnh)",
                                            "place": "Hội trường"})
    assert r.status_code == 200 and r.json()["meeting"]["place"] == "Hội trường"
    sec.post("/api/meetings/1/start")
    error_of(sec.patch("/api/meetings/1", json={"title": "Y"}), 409, "meeting_started")


def test_upload_refusals(login) -> None:
    sec = login("thuky")
    error_of(pdf_upload(sec, 1, 1, b"PK\x03\x04 this is a zip", "fake.pdf"), 422, "not_pdf")
    error_of(pdf_upload(sec, 1, 1, b"", "empty.pdf"), 422, "empty_file")
    broken = demo_documents.resolution_pdf()[:400]
    error_of(pdf_upload(sec, 1, 1, broken, "truncated.pdf"), 422)
    error_of(sec.post("/api/meetings/1/items/1/documents", data={"title": "x"}), 422,
             "file_required")
    error_of(pdf_upload(sec, 1, 99, demo_documents.resolution_pdf()), 404, "not_found")
    # the server still serves everyone after bad files
    assert snapshot(sec, 1)["meeting"]["id"] == 1


def test_encrypted_pdf_is_refused_with_advice(login) -> None:
    import pymupdf

    doc = pymupdf.open(stream=demo_documents.resolution_pdf(), filetype="pdf")
    data = doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="mk", owner_pw="mk2")
    body = error_of(pdf_upload(login("thuky"), 1, 1, data, "secret.pdf"), 422, "encrypted_pdf")
    assert "mật khẩu" in body["message_vi"] and "password" in body["message_en"]


def test_upload_over_the_limit_is_413(login, app) -> None:
    app.state.services.settings = type(app.state.services.settings)(
        **{**app.state.services.settings.__dict__, "max_upload_mb": 1}
    )
    big = demo_documents.resolution_pdf() + b"%" + b"x" * (2 * 1024 * 1024)
    error_of(pdf_upload(login("thuky"), 1, 1, big, "big.pdf"), 413, "file_too_large")


def test_no_changes_after_the_meeting_ended(login) -> None:
    sec = login("thuky")
    sec.post("/api/meetings/1/start")
    r = sec.post("/api/meetings/1/items", json={"title": "Nội dung bổ sung"})
    assert r.status_code == 201  # the agenda may grow while the meeting runs
    assert sec.post("/api/meetings/1/end").status_code == 200
    error_of(sec.post("/api/meetings/1/items", json={"title": "Muộn"}), 409, "meeting_closed")
