"""The archive's search in Chromium at 1280×800: words typed without diacritics find the
council's confidential document page (an admin may read it), the hit shows the page's own
words with the asked ones marked and the page number, the filters narrow the results, and
choosing the hit opens that page of that version in the meeting's archive page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import LiveServer, Settings
from tests.test_archive_search import seal_council_meeting
from tests.test_browser import Walk, chromium


@pytest.mark.browser
@pytest.mark.server
def test_search_the_archive_and_open_the_page(live_server: LiveServer, settings: Settings,
                                              artifacts: Path | None) -> None:
    from playwright.sync_api import expect

    world = seal_council_meeting(settings)
    mid = world.council_meeting
    with chromium() as browser:
        walk = Walk(browser, live_server, artifacts)
        page = walk.log_in("admin", "/archive")
        page.get_by_test_id("archive-q").fill("ke da hoc")
        page.get_by_test_id("archive-search").click()
        page.wait_for_url(re.compile(r"/archive\?q=ke\+da\+hoc$"))
        row = page.get_by_test_id(f"archive-row-{mid}")
        hit = row.get_by_test_id("archive-hit").first
        expect(hit).to_have_attribute("data-kind", "document")
        expect(hit.get_by_test_id("hit-page")).to_have_text("trang 3")
        expect(hit.locator("mark")).to_have_text(["Kè", "đá", "hộc"])
        expect(hit.get_by_test_id("hit-snippet")).to_contain_text("Kè đá hộc đoạn xung yếu")
        # the filters: the council's vote failed, so "passed" leaves nothing
        page.get_by_test_id("archive-more").click()
        page.get_by_test_id("archive-vote").select_option("passed")
        page.get_by_test_id("archive-search").click()
        expect(page.get_by_test_id("archive-count")).to_have_text(
            "Không có biên bản đã ký số nào phù hợp.")
        page.get_by_test_id("archive-vote").select_option("failed")
        page.get_by_test_id("archive-number").fill("01/BB-HĐND")
        page.get_by_test_id("archive-search").click()
        expect(page.get_by_test_id("archive-count")).to_contain_text("Tìm thấy 1 cuộc họp")
        expect(row.get_by_test_id("archive-hit").first.locator("mark")).to_have_text(
            ["Kè", "đá", "hộc"])
        walk.shot(page, "archive-search")
        if artifacts is not None:  # the name the brief asks for, beside the walk's own
            page.screenshot(path=str(artifacts / "archive-search.png"), animations="disabled")
        # choosing the hit opens page 3 of version 2 of that document
        row.get_by_test_id("archive-hit").first.get_by_test_id("hit-open").click()
        page.wait_for_url(re.compile(rf"/archive/{mid}\?document=\d+&v=2&page=3$"))
        found = page.get_by_test_id("found-page")
        expect(found).to_have_attribute("data-page", "3")
        image = page.get_by_test_id("found-image")
        expect(image).to_have_attribute("src", re.compile(r"/pages/3\?w=1280&v=2$"))
        page.wait_for_function(
            "() => { const i = document.querySelector('[data-testid=found-image]');"
            " return i && i.complete && i.naturalWidth > 0; }")
        expect(page.get_by_test_id("found-next")).to_be_disabled()
        page.get_by_test_id("found-prev").click()
        expect(image).to_have_attribute("src", re.compile(r"/pages/2\?w=1280&v=2$"))
        page.wait_for_function(
            "() => { const i = document.querySelector('[data-testid=found-image]');"
            " return i.currentSrc.includes('/pages/2?') && i.complete && i.naturalWidth > 0; }")
        walk.shot(page, "archive-found-page")
        assert walk.errors == []


@pytest.mark.browser
@pytest.mark.server
def test_a_written_opinion_is_found_under_its_author(live_server: LiveServer, login,  # type: ignore[no-untyped-def]
                                                     artifacts: Path | None) -> None:
    from playwright.sync_api import expect

    from tests.test_archive_search import answer_a_written_opinion
    from tests.test_seal_and_archive import run_meeting_to_sealed

    answer_a_written_opinion(login)
    run_meeting_to_sealed(login)
    with chromium() as browser:
        walk = Walk(browser, live_server, artifacts)
        page = walk.log_in("luutru", "/archive")
        page.get_by_test_id("archive-q").fill("long ghep nong thon moi")
        page.get_by_test_id("archive-search").click()
        hit = page.get_by_test_id("archive-row-1").get_by_test_id("archive-hit").first
        expect(hit).to_have_attribute("data-kind", "opinion_answer")
        # who wrote it, and on which form, in the archive's words
        expect(hit.locator(".hit-where")).to_have_text(
            "Phiếu lấy ý kiến · Thông qua phương án sửa chữa trường mầm non Tường Tiến? · "
            "Ý kiến của Vũ Thị Lan")
        expect(hit.locator("mark")).to_have_text(["lồng", "ghép", "nông", "thôn", "mới"])
        expect(hit.get_by_test_id("hit-snippet")).to_contain_text("Không đồng ý")
        walk.shot(page, "archive-search-opinion")
        assert walk.errors == []
