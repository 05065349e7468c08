"""Retention and disposal in Chromium: the administrator sets the council's retention periods on
its page (810×1080); once the period has passed, the council's archivist opens the sealed
meeting's archive page on a tablet (810×1080), disposes of it through the confirmation dialog
(which will not go on without a reason) and sees the tombstone, then finds it in the archive's
listing (810×1080 and 1280×800); a copy of its signed minutes is still recognised on the
verify page."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from meetings import clock
from meetings.db import Database
from meetings.documents.blobs import BlobStore
from meetings.models import Meeting, Minutes
from tests.conftest import LiveServer, Settings, require_tool
from tests.test_archive_search import seal_council_meeting
from tests.test_browser import CHROMIUM, Walk, chromium

REASON = "Quyết định số 15/QĐ-HĐND về việc tiêu hủy tài liệu hết giá trị"


@pytest.mark.browser
@pytest.mark.server
def test_an_archivist_disposes_of_an_expired_meeting(live_server: LiveServer, settings: Settings,
                                                     artifacts: Path | None) -> None:
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    world = seal_council_meeting(settings)
    mid, body_id = world.council_meeting, world.council_body
    with chromium() as browser:
        walk = Walk(browser, live_server, artifacts)
        admin = walk.log_in("admin", f"/admin/bodies/{body_id}", width=810, height=1080)
        card = admin.get_by_test_id("retention-card")
        expect(card.get_by_test_id("retention-minutes_regular")).to_contain_text(
            "Biên bản phiên họp thường kỳ")
        expect(card.get_by_test_id("retention-mode-minutes_regular")).to_have_value("permanent")
        for kind in ("minutes_regular", "documents"):
            card.get_by_test_id(f"retention-mode-{kind}").select_option("years")
            card.get_by_test_id(f"retention-years-{kind}").fill("10")
        card.get_by_test_id("retention-save").click()
        expect(admin.get_by_text("Đã lưu thời hạn lưu trữ.")).to_be_visible()
        expect(card.get_by_test_id("retention-years-documents")).to_have_value("10")
        card.scroll_into_view_if_needed()
        walk.shot(admin, "retention-admin")

        # Eleven years on (the meeting's date moved back: a test cannot wait).
        database = Database(settings.db_url)
        try:
            with database.write() as session:
                meeting = session.get(Meeting, mid)
                assert meeting is not None
                meeting.starts_at = meeting.starts_at.replace(year=meeting.starts_at.year - 11)
                session.add(meeting)
                minutes = session.get(Minutes, mid)
                assert minutes is not None
                minutes_sha = minutes.signed_sha256
                assert minutes_sha is not None
                signed = BlobStore(settings.data_dir / "blobs").get(minutes_sha)
        finally:
            database.dispose()

        page = walk.log_in("luutru2", f"/archive/{mid}", width=810, height=1080)
        retention = page.get_by_test_id("archive-retention")
        expect(retention.get_by_test_id("retention-period")).to_have_text("10 năm")
        expect(retention).to_contain_text("Đã hết thời hạn lưu trữ từ ngày 15/03/2025")
        walk.shot(page, "retention-expired")
        page.get_by_test_id("dispose").click()
        dialog = page.get_by_test_id("confirm-dialog")
        expect(dialog).to_contain_text("Kỳ họp chuyên đề về thủy lợi")
        dialog.get_by_test_id("confirm-ok").click()  # no reason yet
        expect(dialog.get_by_test_id("error")).to_have_text("Vui lòng nhập lý do tiêu hủy.")
        dialog.get_by_test_id("dispose-reason").fill(REASON)
        walk.shot(page, "disposal-dialog")
        dialog.get_by_test_id("confirm-ok").click()
        tombstone = page.get_by_test_id("tombstone")
        today = clock.date_text(datetime.now(UTC))
        expect(tombstone.get_by_test_id("tombstone-line")).to_have_text(
            f"Đã tiêu hủy ngày {today} theo quyết định của Tạ Thị Lưu; lý do: {REASON}")
        expect(tombstone.get_by_test_id("tombstone-minutes")).to_have_text(minutes_sha or "")
        expect(page.get_by_test_id("confirm-dialog")).to_have_count(0)
        walk.shot(page, "disposal-tombstone")
        # after a reload, the same tombstone
        page.reload()
        expect(page.get_by_test_id("tombstone-title")).to_have_text("Kỳ họp chuyên đề về thủy lợi")
        # the archive's listing shows it among the disposed records, not among the sealed
        page.goto(f"{live_server.url}/archive")
        row = page.get_by_test_id(f"disposed-row-{mid}")
        expect(row).to_contain_text("Kỳ họp chuyên đề về thủy lợi")
        expect(row).to_contain_text(f"Đã tiêu hủy ngày {today} theo quyết định của Tạ Thị Lưu")
        expect(page.get_by_test_id(f"archive-row-{mid}")).to_have_count(0)
        walk.shot(page, "disposal-archive-list")
        page.set_viewport_size({"width": 1280, "height": 800})
        walk.shot(page, "disposal-archive-list-wide")
        page.wait_for_url(re.compile(r"/archive$"))
        # a copy of its signed minutes handed in later is still recognised
        page.goto(f"{live_server.url}/verify")
        page.get_by_test_id("verify-file").set_input_files(
            {"name": "bien-ban.pdf", "mimeType": "application/pdf", "buffer": signed})
        page.get_by_test_id("verify-submit").click()
        expect(page.get_by_test_id("verify-disposed")).to_have_text(
            f"Đã tiêu hủy ngày {today} theo quyết định của Tạ Thị Lưu; lý do: {REASON}")
        walk.shot(page, "disposal-verify")
        assert walk.errors == []
