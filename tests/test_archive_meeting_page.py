"""A sealed meeting's page in the archive (issue 15 §2): every version of every document with
when the room's screen first showed it, the speakers on each item in order with what they
said, and the record entry by entry with its hash chain checked against the digest the signed
minutes print; downloads of each part, a document's only where its meeting's rules allow.
Then the same page in Chromium at 1280×800, as the province's archivist "luutru" reads it."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from meetings.db import Database
from meetings.demo import documents as demo_documents
from meetings.models import RecordEntry
from meetings.roster import RECORDED_STATES
from tests.conftest import LiveServer, Settings
from tests.helpers import error_of, first_document, snapshot, start
from tests.test_browser import Walk, chromium

SAID = "Đề nghị bổ sung kinh phí sửa chữa đường liên thôn trước mùa mưa lũ."
MOMENT_VI = re.compile(r"^\d{2} giờ \d{2} phút, ngày \d{2}/\d{2}/\d{4}$")
MOMENT_EN = re.compile(r"^\d{2}:\d{2}, \d{2}/\d{2}/\d{4}$")


def seal_with_two_versions(login: Callable[[str], Any], *, confidential: bool = False
                           ) -> dict[str, Any]:
    """Meeting 1 run and sealed: its first document on the screen from the start (version 1),
    a member speaks on item 1, the room moves to item 2, the secretary uploads version 2 of
    that first document and puts it up again. Works with TestClients or httpx clients."""
    sec = login("thuky")
    if confidential:
        r = sec.put("/api/meetings/1/document-policy",
                    json={"confidential": True, "downloads": False})
        assert r.status_code == 200, r.text
    start(sec, 1)
    for username in ("chutich", "phochutich1", "uyvien1", "uyvien2"):
        assert login(username).post("/api/meetings/1/check-in", json={}).status_code == 200
    items = snapshot(sec, 1)["items"]
    doc = first_document(sec, 1)
    r = login("uyvien1").post("/api/meetings/1/speakers", json={"kind": "speech"})
    assert r.status_code == 201, r.text
    rid = r.json()["id"]
    assert sec.post(f"/api/speakers/{rid}/floor").status_code == 200
    assert sec.put(f"/api/speakers/{rid}/statement", json={"statement": SAID}).status_code == 200
    assert sec.post(f"/api/speakers/{rid}/end").status_code == 200
    assert sec.post("/api/meetings/1/present", json={"item_id": items[1]["id"]}).status_code == 200
    r = sec.post(f"/api/documents/{doc['id']}/versions",
                 files={"file": ("bao-cao-v2.pdf", demo_documents.report_pdf(3),
                                 "application/pdf")}, headers={"Prefer": "wait=60"})
    assert r.status_code == 201, r.text
    assert sec.post("/api/meetings/1/present", json={"document_id": doc["id"]}).status_code == 200
    assert sec.post("/api/meetings/1/end").status_code == 200
    r = sec.put("/api/meetings/1/minutes", json={
        "general_conclusion": "Ủy ban nhân dân xã thống nhất các nội dung đã thảo luận."})
    assert r.status_code == 200, r.text
    r = sec.post("/api/meetings/1/minutes/seal")
    assert r.status_code == 200, r.text
    return {"document": doc, "items": items, "speaker": rid}


def test_the_page_lists_versions_as_presented_speakers_and_the_record(
        login, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    world = seal_with_two_versions(login)
    doc, items = world["document"], world["items"]
    archivist = login("luutru")
    page = archivist.get("/api/archive/1").json()

    # both versions of the document, each with when it was first on the screen
    first_item = next(p for p in page["presentations"] if p["item_id"] == items[0]["id"])
    (report,) = [d for d in first_item["documents"] if d["id"] == doc["id"]]
    v1, v2 = report["versions"]
    assert (v1["number"], v2["number"]) == (1, 2)
    assert v1["presented"] == 1 and v2["presented"] == 1
    for v in (v1, v2):
        assert MOMENT_VI.match(v["first_presented"]["vi"]), v
        assert MOMENT_EN.match(v["first_presented"]["en"]), v
        assert v["first_presented"]["at"].endswith("+07:00")
    assert v1["first_presented"]["at"] <= v2["first_presented"]["at"]
    # the second item's document went up when the room moved there, and only version 1 exists
    second = next(p for p in page["presentations"] if p["item_id"] == items[1]["id"])
    assert [v["presented"] for d in second["documents"] for v in d["versions"]] == [1]
    # an open meeting's documents download, each version its own file
    assert v1["download"] == f"/api/documents/{doc['id']}/pdf?v=1"
    files = [archivist.get(v["download"]) for v in (v1, v2)]
    assert all(f.status_code == 200 for f in files)
    assert files[0].content != files[1].content

    # the speaker, on item 1, with times and what was said
    (spoken,) = page["speakers"]
    assert spoken["item_id"] == items[0]["id"]
    (turn,) = spoken["turns"]
    assert turn["full_name"] == "Hoàng Minh Tuấn"
    assert turn["statement"] == SAID
    assert MOMENT_VI.match(turn["started"]["vi"]) and MOMENT_VI.match(turn["ended"]["vi"])
    assert turn["spoken_seconds"] is not None

    # the record: every entry with when, what and who, the chain whole, reaching the digest
    # the signed minutes print
    rec = page["record"]
    assert rec["intact"] is True and rec["problem"] is None and page["record_intact"] is True
    assert rec["digest_matches"] is True and rec["chain_digest"] == rec["printed_digest"]
    kinds = [e["kind"] for e in rec["entries"]]
    assert kinds.count("document.presented") == 3 and kinds[-1] == "minutes.sealed"
    assert [e["seq"] for e in rec["entries"]] == list(range(1, len(kinds) + 1))
    assert not any(e["broken"] for e in rec["entries"])
    presented = [e for e in rec["entries"] if e["kind"] == "document.presented"]
    assert {e["who"] for e in presented} == {"Nguyễn Thị Thu"}  # the secretary
    # the downloads: the minutes, the record as JSON (as the package holds it)
    assert archivist.get(page["downloads"]["minutes"]).status_code == 200
    r = archivist.get(page["downloads"]["record"])
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    assert r.json()["intact"] is True and len(r.json()["entries"]) == len(kinds)
    # only archivists, and only of sealed meetings in their archive
    error_of(login("uyvien1").get("/api/archive/1/record.json"), 403, "forbidden")
    error_of(archivist.get("/api/archive/999/record.json"), 404, "not_found")

    # one entry changed in the database: the page says exactly which
    target = presented[-1]["seq"]
    database = Database(settings.db_url)
    try:
        with database.write() as session:
            row = session.exec(select(RecordEntry).where(RecordEntry.meeting_id == 1,
                                                         RecordEntry.seq == target)).one()
            data = json.loads(row.data)
            data["version"] = 1  # as if version 1 had been shown instead
            row.data = json.dumps(data, sort_keys=True, ensure_ascii=False)
            session.add(row)
    finally:
        database.dispose()
    page = archivist.get("/api/archive/1").json()
    rec = page["record"]
    assert rec["intact"] is False and page["record_intact"] is False
    assert (rec["problem"], rec["seq"]) == ("edited", target)
    assert [e["seq"] for e in rec["entries"] if e["broken"]] == [target]
    assert rec["digest_matches"] is False and rec["chain_digest"] is None
    assert archivist.get("/api/archive/1/record.json").json()["intact"] is False


def test_a_confidential_meetings_documents_have_no_download_link(login) -> None:  # type: ignore[no-untyped-def]
    world = seal_with_two_versions(login, confidential=True)
    doc = world["document"]
    archivist = login("luutru")
    page = archivist.get("/api/archive/1").json()
    versions = [v for p in page["presentations"] for d in p["documents"] for v in d["versions"]]
    assert len(versions) == 3  # listed, with when they were shown ...
    assert all(v["first_presented"] for v in versions)
    assert all(v["download"] is None for v in versions)  # ... but not handed out
    error_of(archivist.get(f"/api/documents/{doc['id']}/pdf?v=1"), 403, "downloads_off")
    body = json.dumps(page)
    assert "/pdf?v=" not in body
    # the minutes and the record still download
    assert archivist.get("/api/archive/1/record.json").status_code == 200
    assert archivist.get("/api/meetings/1/minutes.pdf").status_code == 200


ROOT = Path(__file__).resolve().parent.parent


def test_every_kind_of_record_entry_has_a_name_in_both_languages() -> None:
    """The page names each entry's kind in words (never the code): every kind the domain
    appends has its label, attendance's per state."""
    appended = set()
    for path in (ROOT / "meetings").rglob("*.py"):
        text = path.read_text()
        appended |= set(re.findall(r'record\.append\(\s*session,\s*[^,"]+,\s*"([a-z_.]+)"', text))
        if 'f"attendance.{state}"' in text:
            appended |= {f"attendance.{s}" for s in RECORDED_STATES}
    appended |= {"document.presented", "minutes.sealed"}  # appended through a constant
    assert len(appended) > 40
    labels = (ROOT / "static/js/strings/archive.js").read_text()
    named = r"': \{ vi: '[^']+', en: '[^']+'"
    missing = [k for k in sorted(appended)
               if not re.search(rf"'record\.kind\.{re.escape(k)}" + named, labels)]
    assert missing == []


@pytest.mark.browser
@pytest.mark.server
def test_the_archivist_reads_the_sealed_meetings_page(live_server: LiveServer,
                                                       artifacts: Path | None) -> None:
    from playwright.sync_api import expect

    world = seal_with_two_versions(live_server.session)
    doc = world["document"]
    with chromium() as browser:
        walk = Walk(browser, live_server, artifacts)
        page = walk.log_in("luutru", "/archive/1")
        shown = page.get_by_test_id("archive-presentations")
        expect(shown).to_contain_text("Tài liệu đã trình chiếu")
        row = shown.get_by_test_id(f"presented-{doc['id']}-2")
        expect(row).to_contain_text("Phiên bản 2")
        expect(row.get_by_test_id("presented-first")).to_have_text(MOMENT_VI)
        expect(row.get_by_test_id("presented-download")).to_have_attribute(
            "href", f"/api/documents/{doc['id']}/pdf?v=2")
        speakers = page.get_by_test_id("archive-speakers")
        expect(speakers).to_contain_text(SAID)
        record = page.get_by_test_id("archive-record")
        expect(record.get_by_test_id("chain-verdict")).to_have_attribute("data-intact", "true")
        expect(record.get_by_test_id("chain-verdict")).to_contain_text("Nhật ký diễn biến")
        expect(record.get_by_test_id("digest-match")).to_have_attribute("data-match", "true")
        expect(record.get_by_test_id("record-download")).to_have_attribute(
            "href", "/api/archive/1/record.json")
        record.locator("summary").click()
        expect(record.get_by_test_id("record-entry-1")).to_contain_text("Tạo cuộc họp")
        expect(record.locator("[data-kind='meeting.started']")).to_contain_text(
            ["Bắt đầu cuộc họp"])
        expect(record.locator("[data-kind='minutes.sealed']")).to_contain_text(
            ["Ký số và phát hành biên bản"])
        expect(record.locator("[data-kind='document.presented']").first).to_contain_text(
            "Trình chiếu tài liệu")
        shown.scroll_into_view_if_needed()
        walk.shot(page, "archive-meeting-page")
        if artifacts is not None:
            record.scroll_into_view_if_needed()
            walk.shot(page, "archive-meeting-record")
        assert walk.errors == []
