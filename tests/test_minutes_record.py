"""The record is right (issue 10): a real meeting of the demo body, run and signed through HTTP
by a secretary whose screen is in English, read back from the signed PDF with poppler's
`pdftotext` as a clerk would read it: the attendance from what the secretary recorded, the vote
filed under the item it was opened on (not the one on screen), only Vietnamese, the Vietnamese
forms of dates and times, "Lưu: VT" once, and one name for the signer everywhere."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pymupdf
from cryptography.x509.oid import NameOID

from meetings.minutes.pki import load_p12
from tests.conftest import require_tool
from tests.helpers import error_of, record_quorum, snapshot, start

ITEM_1 = "Báo cáo tình hình kinh tế - xã hội năm 2026"
ITEM_2 = "Kế hoạch đầu tư công trung hạn giai đoạn 2026 - 2030"
ITEM_3 = "Các vấn đề phát sinh"
# Words of the app's English screens and the codes behind them: none may reach a biên bản.
ENGLISH = {
    "vote", "approve", "present", "remote", "excused", "absent", "named", "counts", "secret",
    "fails", "chair", "secretary", "member", "guest", "yes", "abstain", "quorum", "passed",
    "minutes", "item", "items", "recipients", "signed", "signature", "meeting", "the", "of",
    "and", "to", "by", "with", "proxy", "reason", "none", "null", "true", "false",
}


def flat(text: str) -> str:
    return " ".join(text.split())


def pdftotext(pdf: Path) -> str:
    """The text as a reader meets it, pages in order, page numbers left out."""
    tool = require_tool("pdftotext")
    raw = subprocess.run([tool, "-enc", "UTF-8", str(pdf), "-"], check=True,
                         capture_output=True, text=True, timeout=60).stdout
    pages = raw.split("\f")
    # pdftotext puts a page's number (top centre, from page 2) on its own line
    kept = [re.sub(r"(?m)^\s*\d{1,3}\s*$", "", page) for page in pages]
    return flat(" ".join(kept))


def run_the_meeting(login: Any) -> tuple[Any, dict[str, int], dict[str, Any]]:
    sec = login("thuky")
    sec.headers["Accept-Language"] = "en"  # the secretary reads the app in English
    start(sec, 1)
    snap = snapshot(sec, 1)
    who = {p["username"]: p["user_id"] for p in snap["participants"]}
    items = {i["title"]: i for i in snap["items"]}
    assert snap["presentation"]["item_id"] == items[ITEM_1]["id"]  # item 1 is on screen

    for username in ("chutich", "phochutich2", "uyvien3", "khachmoi"):
        assert login(username).post("/api/meetings/1/check-in", json={}).status_code == 200
    r = login("phochutich1").post("/api/meetings/1/check-in", json={"state": "remote"})
    assert r.status_code == 200, r.text
    for username, state, reason in (("uyvien1", "excused", "Đi công tác"),
                                    ("uyvien2", "absent", "")):
        r = sec.post("/api/meetings/1/attendance",
                     json={"user_id": who[username], "state": state, "reason": reason})
        assert r.status_code == 200, r.text

    # A vote on item 2 while item 1 is shown, its question left to the server.
    assert items[ITEM_2]["vote_question"] == f"Thông qua {ITEM_2}"
    r = sec.post("/api/meetings/1/votes", json={"question": "", "item_id": items[ITEM_2]["id"]})
    assert r.status_code == 201, r.text
    vote = r.json()["vote"]
    assert vote["item_id"] == items[ITEM_2]["id"]
    assert vote["question"] == f"Thông qua {ITEM_2}"
    assert snapshot(sec, 1)["presentation"]["item_id"] == items[ITEM_1]["id"]
    for username in ("chutich", "phochutich1", "phochutich2", "uyvien3"):
        r = login(username).post(f"/api/votes/{vote['id']}/ballots", json={"choice": "yes"})
        assert r.status_code == 201, r.text
    assert sec.post(f"/api/votes/{vote['id']}/close").status_code == 200
    assert sec.post("/api/meetings/1/end").status_code == 200

    r = sec.put("/api/meetings/1/minutes", json={
        "general_conclusion": "Ủy ban nhân dân xã thống nhất các nội dung đã thảo luận.",
        # the secretary typed the filing line too, twice: the minutes print it once
        "recipients": ["Thường trực Đảng ủy xã;", "- Thường trực HĐND xã", "Lưu: VT",
                       "- Lưu VT, hồ sơ."],
        "items": [{"id": items[ITEM_2]["id"],
                   "conclusion": "Thống nhất thông qua kế hoạch; giao Văn phòng hoàn thiện."}],
    })
    assert r.status_code == 200, r.text
    assert r.json()["recipients"] == ["Thường trực Đảng ủy xã", "Thường trực HĐND xã"]
    assert r.json()["filing"] == "Lưu: VT, hồ sơ."
    r = sec.post("/api/meetings/1/minutes/seal")
    assert r.status_code == 200, r.text
    return sec, who, r.json()


def test_the_signed_minutes_say_what_the_record_says(
    login, settings, tmp_path: Path, artifacts: Path | None
) -> None:
    sec, _who, sealed = run_the_meeting(login)
    pdf = sec.get("/api/meetings/1/minutes.pdf").content
    path = tmp_path / "minutes-record.pdf"
    path.write_bytes(pdf)
    if artifacts is not None:
        (artifacts / "minutes-record.pdf").write_bytes(pdf)
    text = pdftotext(path)

    # The header as the form writes it: a UBND in full, on two lines, no parent body.
    assert text.startswith("ỦY BAN NHÂN DÂN XÃ TƯỜNG TIẾN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert "UBND TỈNH HƯNG YÊN" not in text and "Số: 01/BB-UBND" in text

    # Attendance from the recorded states; the chair and the secretary listed by role.
    for expected in (
        "- Chủ tọa: Trần Văn Đức, Chủ tịch UBND xã.",
        "- Thư ký: Nguyễn Thị Thu, Công chức Văn phòng - Thống kê.",
        "- Có mặt: 04/06 thành viên Ủy ban nhân dân xã (trong đó 01 dự họp trực tuyến); vắng: "
        "02 (01 có lý do: Hoàng Minh Tuấn (Đi công tác); 01 không có lý do: Vũ Thị Lan).",
        "- Thành viên có mặt: + Trần Văn Đức, Chủ tịch UBND xã (chủ tọa); + Lê Thị Hồng Nhung, "
        "Phó Chủ tịch UBND xã (dự họp trực tuyến); + Phạm Văn Hải, Phó Chủ tịch UBND xã; + Đỗ "
        "Quang Vinh, Ủy viên UBND xã.",
        "- Khách mời: + Bùi Thị Mai, Chủ tịch Ủy ban MTTQ xã.",
    ):
        assert expected in text, expected
    assert "không có lý do: Hoàng Minh Tuấn" not in text
    assert "Nguyễn Thị Thu (" not in text  # the secretary is never listed away

    # The vote, under item 2 (opened while item 1 was on screen), in the record's sentences.
    sentence = (
        f"Nội dung biểu quyết: Thông qua {ITEM_2}. Hình thức: biểu quyết công khai, ghi tên. "
        "Kết quả biểu quyết: 04/06 thành viên tán thành, chiếm 66,67% tổng số thành viên Ủy ban "
        "nhân dân xã; 0 không tán thành; 0 không biểu quyết; 02 vắng mặt. Nội dung được thông "
        "qua (điều kiện thông qua: quá nửa tổng số thành viên)."
    )
    assert text.count(sentence) == 1, text
    assert (text.index(f"1. {ITEM_1}") < text.index(f"2. {ITEM_2}") < text.index(sentence)
            < text.index(f"3. {ITEM_3}"))
    assert "Tán thành: Lê Thị Hồng Nhung, Phạm Văn Hải, Trần Văn Đức, Đỗ Quang Vinh." in text
    for wrong in ("Biểu quyết: Biểu quyết", "Chưa biểu quyết", "chưa biểu quyết", "Không ý kiến",
                  "không ý kiến", "Vắng có phép", "niêm phong", "Chủ trì", "quá 1/2"):
        assert wrong not in text, wrong

    # Nothing in English, not even a code.
    words = {w.lower() for w in re.findall(r"[A-Za-z]+", text)}
    assert words & ENGLISH == set()

    # Dates and times in the Vietnamese forms.
    assert re.search(r"Tường Tiến, ngày \d\d tháng (0[12]|[3-9]|1[012]) năm 20\d\d", text)
    assert re.search(r"Thời gian bắt đầu: \d\d giờ \d\d phút, ngày \d\d/\d\d/20\d\d\.", text)
    assert re.search(r"Cuộc họp kết thúc vào lúc \d\d giờ \d\d phút (cùng ngày|, ngày "
                     r"\d\d/\d\d/20\d\d)\./\.", text)

    # "Nơi nhận": one list, the filing line once, at its end.
    assert ("Nơi nhận: - Thường trực Đảng ủy xã; - Thường trực HĐND xã; - Lưu: VT, hồ sơ."
            in text)
    assert text.count("Lưu: VT") == 1

    # The signer: one name on the minutes page, in the signature's box, in the archive, and
    # in the certificate that signed.
    p12 = next((settings.data_dir / "keys").glob("body-*.p12"))
    cert = load_p12(p12.read_bytes(),
                    p12.with_name(p12.name + ".pass").read_bytes().strip()).certificate
    (common_name,) = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    name = common_name.value
    assert name == "UBND xã Tường Tiến"
    assert sealed["signer"] == name
    assert sec.get("/api/meetings/1/minutes").json()["signer"] == name
    (signature,) = login("luutru").get("/api/archive/1").json()["signatures"]
    assert signature["signer"] == name and signature["signing_time"].endswith("+07:00")
    with pymupdf.open("pdf", pdf) as doc:
        doc.bake()  # the signature's appearance becomes page content
        box_text = flat(" ".join(page.get_text() for page in doc))
    assert f"Ký bởi: {name}" in box_text
    assert re.search(r"Thời gian ký: 20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", box_text)
    assert "THƯ KÝ CHỦ TỌA" in text
    with pymupdf.open("pdf", pdf) as doc:  # each name under its signature block's title
        page = next(p for p in doc if p.search_for("CHỦ TỌA"))
        for title, person in (("THƯ KÝ", "Nguyễn Thị Thu"), ("CHỦ TỌA", "Trần Văn Đức")):
            (heading,) = page.search_for(title)
            below = [r for r in page.search_for(person) if r.y0 > heading.y1 + 100]
            assert len(below) == 1, person
            assert abs((below[0].x0 + below[0].x1) - (heading.x0 + heading.x1)) < 20

    # Every page renders; keep the PDF and the pages to look at.
    pdftoppm = require_tool("pdftoppm")
    subprocess.run([pdftoppm, "-png", "-r", "70", str(path), str(tmp_path / "page")],
                   check=True, timeout=120)
    pages = sorted(tmp_path.glob("page*.png"))
    assert pages and all(p.stat().st_size > 5000 for p in pages)
    if artifacts is not None:
        for n, page in enumerate(pages, start=1):
            (artifacts / f"minutes-record-page-{n}.png").write_bytes(page.read_bytes())


def test_the_archive_shows_the_attendance_the_minutes_print(login) -> None:
    _sec, who, _sealed = run_the_meeting(login)
    people = {p["user_id"]: p for p in login("luutru").get("/api/archive/1").json()["participants"]}
    shown = {username: people[uid]["recorded_attendance"] for username, uid in who.items()}
    assert shown == {
        "thuky": "present", "chutich": "present", "phochutich1": "remote",
        "phochutich2": "present", "uyvien1": "excused", "uyvien2": "absent",
        "uyvien3": "present", "khachmoi": "present",
    }
    assert people[who["uyvien1"]]["absence_reason"] == "Đi công tác"


def test_a_vote_is_opened_only_on_an_item_of_its_meeting(login) -> None:
    sec = login("thuky")
    other = sec.post("/api/meetings", json={
        "body_id": 1, "title": "Phiên họp chuyên đề", "starts_at": "2026-12-20T14:00+07:00",
        "place": "Phòng họp tầng 2"}).json()["meeting"]["id"]
    foreign = sec.post(f"/api/meetings/{other}/items", json={"title": "Nội dung khác"})
    assert foreign.status_code == 201, foreign.text
    start(sec, 1)
    record_quorum(sec, 1)
    error_of(sec.post("/api/meetings/1/votes",
                      json={"question": "", "item_id": foreign.json()["item"]["id"]}),
             404, "not_found")
    # no item given: the vote belongs to the item on screen, and takes its default question
    r = sec.post("/api/meetings/1/votes", json={})
    assert r.status_code == 201, r.text
    on_screen = snapshot(sec, 1)["items"][0]
    assert r.json()["vote"]["item_id"] == on_screen["id"]
    assert r.json()["vote"]["question"] == f"Thông qua {ITEM_1}"
