"""Ending, minutes, sealing and the archive, through HTTP: the signed minutes verify with
pyHanko and with poppler's pdfsig, a copy with one changed byte is rejected by both, and a
sealed meeting never changes."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pymupdf

from meetings.minutes.signing import verify_pdf
from tests.conftest import require_tool
from tests.helpers import error_of, snapshot, start


def run_meeting_to_sealed(login) -> tuple[object, bytes]:  # type: ignore[no-untyped-def]
    sec = login("thuky")
    start(sec, 1)
    for username in ("chutich", "phochutich1", "uyvien1", "uyvien2"):
        assert login(username).post("/api/meetings/1/check-in", json={}).status_code == 200
    item = snapshot(sec, 1)["items"][0]
    vote_id = sec.post("/api/meetings/1/votes", json={
        "question": "Thông qua Báo cáo tình hình kinh tế - xã hội năm 2026", "item_id": item["id"],
    }).json()["vote"]["id"]
    for username in ("chutich", "phochutich1", "uyvien1", "uyvien2"):
        login(username).post(f"/api/votes/{vote_id}/ballots", json={"choice": "yes"})
    sec.post(f"/api/votes/{vote_id}/close")
    assert sec.post("/api/meetings/1/end").status_code == 200
    r = sec.put("/api/meetings/1/minutes", json={
        "general_conclusion": "Ủy ban nhân dân xã thống nhất các nội dung đã thảo luận.",
        "recipients": ["Thường trực Đảng ủy xã", "Thường trực HĐND xã"],
        "items": [{"id": item["id"], "conclusion": "Thống nhất thông qua báo cáo; giao Văn "
                   "phòng hoàn thiện trước ngày 30/11."}],
    })
    assert r.status_code == 200, r.text
    preview = sec.get("/api/meetings/1/minutes/preview.pdf")
    assert preview.status_code == 200 and preview.headers["content-type"] == "application/pdf"
    assert "DỰ THẢO" in "".join(p.get_text() for p in pymupdf.open(stream=preview.content))
    r = sec.post("/api/meetings/1/minutes/seal")
    assert r.status_code == 200, r.text
    # the signer is named as the signing certificate names it (the body's own key here)
    assert r.json()["number"] == 1 and r.json()["signer"] == "UBND xã Tường Tiến"
    signed = sec.get("/api/meetings/1/minutes.pdf")
    assert signed.status_code == 200
    return sec, signed.content


def pdfsig(path: Path, nssdir: Path | None = None) -> str:
    tool = require_tool("pdfsig")
    args = [tool] + (["-nssdir", f"sql:{nssdir}"] if nssdir else []) + [str(path)]
    return subprocess.run(args, capture_output=True, text=True, timeout=60).stdout


def test_sealed_minutes_verify_and_tampering_is_caught(
    login, settings, tmp_path, artifacts
) -> None:
    _sec, pdf = run_meeting_to_sealed(login)
    text = "\n".join(p.get_text() for p in pymupdf.open(stream=pdf))
    for expected in ("BIÊN BẢN", "Số: 01/BB-UBND", "Thống nhất thông qua báo cáo",
                     "04/06 thành viên tán thành", "Thường trực HĐND xã", "Trần Văn Đức"):
        assert expected in text.replace("\n", " ") or expected in text, expected
    roots = [p.read_bytes() for p in (settings.data_dir / "keys" / "trust").glob("*.pem")]
    (check,) = verify_pdf(pdf, roots)
    assert check.valid and check.intact and check.trusted and check.covers_whole_document
    assert check.signer == "UBND xã Tường Tiến"
    assert check.signing_time is not None
    assert str(check.signing_time.utcoffset()) == "7:00:00"
    signed_path = tmp_path / "signed.pdf"
    signed_path.write_bytes(pdf)
    out = pdfsig(signed_path)
    assert "Signature is Valid." in out and "Total document signed" in out, out
    assert "UBND xã Tường Tiến" in out
    # one changed byte inside the signed range, in the page content
    marker = pdf.index(b"stream", 2000) + 20
    tampered = bytearray(pdf)
    tampered[marker] = (tampered[marker] + 1) % 256
    tampered_path = tmp_path / "tampered.pdf"
    tampered_path.write_bytes(bytes(tampered))
    out = pdfsig(tampered_path)
    assert "Signature is Valid." not in out, out
    assert any(word in out for word in ("Digest Mismatch", "Invalid", "not", "Error")), out
    (bad,) = verify_pdf(bytes(tampered), roots)
    assert not bad.valid and not bad.intact
    if artifacts is not None:
        (artifacts / "sealed-minutes.pdf").write_bytes(pdf)


def test_sealed_meeting_never_changes(login) -> None:
    sec, _pdf = run_meeting_to_sealed(login)
    error_of(sec.put("/api/meetings/1/minutes", json={"general_conclusion": "sửa"}), 409,
             "meeting_sealed")
    error_of(sec.post("/api/meetings/1/minutes/seal"), 409, "meeting_sealed")
    error_of(sec.get("/api/meetings/1/minutes/preview.pdf"), 409, "meeting_sealed")
    error_of(sec.post("/api/meetings/1/items", json={"title": "thêm"}), 409, "meeting_sealed")
    error_of(sec.post("/api/meetings/1/start"), 409, "already_started")
    error_of(sec.post("/api/meetings/1/present", json={"page": 2}), 409, "meeting_not_running")
    member = login("uyvien1")
    doc = snapshot(member, 1)["items"][0]["documents"][0]
    error_of(member.post(f"/api/documents/{doc['id']}/notes", json={"page": 1, "text": "x"}),
             409, "meeting_sealed")


def test_minutes_refusals_before_the_end(login) -> None:
    sec = login("thuky")
    error_of(sec.post("/api/meetings/1/minutes/seal"), 409, "meeting_not_ended")
    error_of(login("uyvien1").put("/api/meetings/1/minutes", json={"general_conclusion": "x"}),
             403, "forbidden")
    error_of(login("chutich").get("/api/meetings/1/minutes/preview.pdf"), 403, "forbidden")
    error_of(sec.get("/api/meetings/1/minutes.pdf"), 404, "not_found")
    error_of(sec.put("/api/meetings/1/minutes", json={"items": [{"id": 99, "conclusion": "x"}]}),
             422, "bad_item")
    error_of(sec.put("/api/meetings/1/minutes", json={"recipients": "không phải danh sách"}),
             422, "bad_field")
    # the minutes can be drafted while the meeting runs
    start(sec, 1)
    r = sec.put("/api/meetings/1/minutes", json={"general_conclusion": "Đang ghi."})
    assert r.status_code == 200 and r.json()["general_conclusion"] == "Đang ghi."


def test_archivist_finds_and_checks_sealed_meetings(login) -> None:
    run_meeting_to_sealed(login)
    archivist = login("luutru")
    for query in ("thường kỳ", "thuong ky", "THUONG KY thang 11"):
        found = archivist.get("/api/archive", params={"q": query}).json()["meetings"]
        assert [m["id"] for m in found] == [1], query
    assert archivist.get("/api/archive", params={"q": "bầu cử"}).json()["meetings"] == []
    # a word of a document presented finds the meeting too, on the page it is on
    (found,) = archivist.get("/api/archive", params={"q": "ngan sach"}).json()["meetings"]
    assert any(h["kind"] == "document" and h["page"] for h in found["hits"])
    assert archivist.get("/api/archive", params={"from": "2099-01-01"}).json()["meetings"] == []
    assert len(archivist.get("/api/archive", params={
        "from": "2000-01-01", "to": "2099-12-31"}).json()["meetings"]) == 1
    error_of(archivist.get("/api/archive", params={"from": "hôm qua"}), 422, "bad_date")
    detail = archivist.get("/api/archive/1").json()
    (sig,) = detail["signatures"]
    assert sig["valid"] and sig["trusted"] and sig["signer"] == "UBND xã Tường Tiến"
    assert sig["signing_time"].endswith("+07:00")
    assert detail["record_intact"] is True and detail["minutes"]["number"] == 1
    assert detail["votes"][0]["result"]["passed"] is True
    pdf = archivist.get("/api/meetings/1/minutes.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # only archivists search the archive; an unsealed meeting is not in it
    error_of(login("uyvien1").get("/api/archive"), 403, "forbidden")
    error_of(archivist.get("/api/archive/999"), 404, "not_found")


def test_a_tampered_record_is_reported(login, settings) -> None:
    from sqlalchemy import text

    from meetings.db import Database

    run_meeting_to_sealed(login)
    database = Database(settings.db_url)
    with database.write() as session:
        session.execute(text(
            "UPDATE record_entries SET data = '{\"yes\": 6}' WHERE kind = 'vote.closed'"))
    database.dispose()
    assert login("luutru").get("/api/archive/1").json()["record_intact"] is False
