"""The secretary's preparation in Debian's Chromium against the real server, at 1280×800:
a new meeting, an agenda with a sub-item, reordered by dragging and from the keyboard, a PDF
uploaded with visible progress (bytes sent, then the server's side), replaced by a new version,
another removed, the documents published (a member's meetings list hears of it live), and the
meeting copied for the next of the series. A screenshot of each state goes to
PHONGHOP_TEST_ARTIFACTS (browser-prepare-*.png)."""

from __future__ import annotations

import re
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from meetings.clock import VIETNAM
from meetings.demo import documents as demo_documents
from tests.conftest import LiveServer, require_tool
from tests.test_browser import CHROMIUM, Walk, chromium

SLOW_UPLOAD = {"offline": False, "latency": 20, "downloadThroughput": -1,
               "uploadThroughput": 256 * 1024}  # bytes a second: the bar moves visibly


def shot(walk: Walk, page, name: str, testid: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """A 1280×800 screenshot with the part that changed in view (the page's top by default)."""
    if testid is None:
        page.evaluate("window.scrollTo(0, 0)")
    else:
        page.get_by_test_id(testid).evaluate("e => e.scrollIntoView({block: 'center'})")
    walk.shot(page, f"prepare-{name}")


def numbers(page) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """The agenda as shown: (number, title) of every item, in order."""
    return [(row.get_attribute("data-number") or "",
             row.locator(".item-name").first.inner_text())
            for row in page.locator("[data-testid^=item-][data-number]").all()]


@pytest.mark.browser
@pytest.mark.server
def test_secretary_prepares_publishes_and_copies(live_server: LiveServer,
                                                 artifacts: Path | None) -> None:
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    expect.set_options(timeout=30_000)
    tomorrow = (datetime.now(VIETNAM) + timedelta(days=1)).strftime("%Y-%m-%dT09:00")
    with chromium() as browser:
        walk = Walk(browser, live_server, artifacts)
        secretary = walk.log_in("thuky", "/meetings")
        member = walk.log_in("uyvien1", "/meetings")

        # A new regular session tomorrow: its deadline (3 working days before) has passed.
        secretary.get_by_test_id("new-title").fill("Phiên họp thường kỳ tháng 12 năm 2026")
        secretary.get_by_test_id("new-starts").fill(tomorrow)
        secretary.get_by_test_id("new-place").fill("Phòng họp tầng 2")
        secretary.get_by_test_id("new-kind").select_option("regular")
        secretary.get_by_test_id("new-submit").click()
        secretary.wait_for_url(re.compile(r"/m/\d+/prepare$"))
        meeting_id = int(secretary.url.rsplit("/", 2)[-2])
        expect(secretary.get_by_test_id("deadline")).to_contain_text("Hạn gửi đến thành viên")
        expect(secretary.get_by_test_id("deadline-left")).to_contain_text("Đã quá hạn")
        expect(secretary.get_by_test_id("not-published")).to_be_visible()

        # Who takes part: a member found by name.
        secretary.get_by_test_id("people-search").fill("Tuấn")
        secretary.get_by_test_id("invite-uyvien1").click()
        expect(secretary.get_by_test_id("participant-uyvien1")).to_be_visible()

        # The agenda: three items, a sub-item under the first.
        def add_item(title: str, presenter: str = "", minutes: str = "") -> None:
            secretary.get_by_test_id("item-title").fill(title)
            secretary.get_by_test_id("item-presenter").fill(presenter)
            secretary.get_by_test_id("item-minutes").fill(minutes)
            secretary.get_by_test_id("item-submit").click()
            expect(secretary.locator(".item-name", has_text=title)).to_be_visible()

        add_item("Báo cáo tình hình kinh tế - xã hội", "Phó Chủ tịch UBND xã", "30")
        add_item("Kế hoạch đầu tư công năm 2027", "Văn phòng", "20")
        add_item("Các vấn đề phát sinh", "Chủ tịch UBND xã", "15")
        first = secretary.locator("[data-number='1']").get_attribute("data-testid") or ""
        first_id = int(first.split("-")[1])
        secretary.get_by_test_id(f"add-sub-{first_id}").click()
        expect(secretary.get_by_test_id("item-parent")).to_have_value(str(first_id))
        add_item("Thu, chi ngân sách quý IV", "Kế toán", "10")
        assert numbers(secretary) == [
            ("1", "Báo cáo tình hình kinh tế - xã hội"), ("1.1", "Thu, chi ngân sách quý IV"),
            ("2", "Kế hoạch đầu tư công năm 2027"), ("3", "Các vấn đề phát sinh")]
        shot(walk, secretary, "agenda", "agenda")

        # Drag item 3 onto item 2: it takes its place.
        third = secretary.locator("[data-number='3']")
        third_id = int((third.get_attribute("data-testid") or "").split("-")[1])
        second_id = int((secretary.locator("[data-number='2']").get_attribute("data-testid")
                         or "").split("-")[1])
        secretary.get_by_test_id(f"item-head-{third_id}").drag_to(
            secretary.get_by_test_id(f"item-head-{second_id}"))
        expect(secretary.get_by_test_id(f"item-{third_id}")).to_have_attribute("data-number", "2")
        assert numbers(secretary) == [
            ("1", "Báo cáo tình hình kinh tế - xã hội"), ("1.1", "Thu, chi ngân sách quý IV"),
            ("2", "Các vấn đề phát sinh"), ("3", "Kế hoạch đầu tư công năm 2027")]
        shot(walk, secretary, "dragged", "agenda")

        # From the keyboard: Alt+Up moves it above item 1 (which takes its sub-item along),
        # the keyboard stays on it and the screen reader hears where it went; Alt+Down twice
        # brings it back to the end.
        handle = secretary.get_by_test_id(f"handle-{third_id}")
        handle.focus()
        secretary.keyboard.press("Alt+ArrowUp")
        expect(secretary.get_by_test_id(f"item-{third_id}")).to_have_attribute("data-number", "1")
        expect(secretary.get_by_test_id("agenda-announce")).to_contain_text("vị trí 1")
        expect(handle).to_be_focused()
        assert numbers(secretary)[1:3] == [("2", "Báo cáo tình hình kinh tế - xã hội"),
                                           ("2.1", "Thu, chi ngân sách quý IV")]
        secretary.keyboard.press("Alt+ArrowDown")
        expect(secretary.get_by_test_id(f"item-{third_id}")).to_have_attribute("data-number", "2")
        secretary.keyboard.press("Alt+ArrowDown")
        expect(secretary.get_by_test_id(f"item-{third_id}")).to_have_attribute("data-number", "3")
        assert numbers(secretary) == [
            ("1", "Báo cáo tình hình kinh tế - xã hội"), ("1.1", "Thu, chi ngân sách quý IV"),
            ("2", "Kế hoạch đầu tư công năm 2027"), ("3", "Các vấn đề phát sinh")]
        shot(walk, secretary, "keyboard", f"item-{third_id}")

        # Upload a PDF: the formats are named; the bar fills as the bytes go out (slowed to
        # 256 KB/s), then the server reads it, page 1 is ready and the pages render.
        expect(secretary.get_by_test_id("upload-formats")).to_contain_text("DOCX")
        cdp = secretary.context.new_cdp_session(secretary)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW_UPLOAD)
        big = demo_documents.long_pdf(30)
        secretary.get_by_test_id(f"upload-file-{first_id}").set_input_files(
            {"name": "bao-cao-kt-xh.pdf", "mimeType": "application/pdf", "buffer": big})
        secretary.get_by_test_id(f"upload-title-{first_id}").fill("Báo cáo kinh tế - xã hội")
        secretary.get_by_test_id(f"upload-submit-{first_id}").click()
        bar = secretary.get_by_test_id("upload-progress")
        expect(bar).to_have_attribute("data-stage", "sending")
        expect(secretary.get_by_test_id("upload-progress-text")).to_contain_text(
            re.compile(r"Đang gửi tệp: [1-9]\d?%"))
        shot(walk, secretary, "upload-sending", f"upload-{first_id}")
        expect(bar).to_have_attribute("data-stage", re.compile("reading|first_page|rendering"))
        shot(walk, secretary, "upload-server", f"upload-{first_id}")
        cdp.send("Network.emulateNetworkConditions", {**SLOW_UPLOAD, "uploadThroughput": -1})
        expect(secretary.get_by_test_id("upload-message")).to_contain_text("30 trang")
        doc_row = secretary.locator("[data-testid^=doc-]", has_text="Báo cáo kinh tế - xã hội")
        doc_id = int((doc_row.first.get_attribute("data-testid") or "").split("-")[1])
        progress = secretary.get_by_test_id(f"doc-{doc_id}").get_by_test_id("doc-progress")
        expect(progress).to_have_attribute("data-ready", "30")
        # Tomorrow's regular session: the document comes after the deadline.
        expect(secretary.get_by_test_id(f"late-{doc_id}")).to_have_text("Bổ sung sau thời hạn")

        # A new version replaces it.
        secretary.get_by_test_id(f"replace-file-{doc_id}").set_input_files(
            {"name": "bao-cao-kt-xh-v2.pdf", "mimeType": "application/pdf",
             "buffer": demo_documents.long_pdf(12)})
        expect(secretary.get_by_test_id("replace-message")).to_contain_text("phiên bản 2")
        expect(secretary.get_by_test_id(f"doc-{doc_id}")).to_contain_text("12 trang")
        shot(walk, secretary, "replaced", f"doc-{doc_id}")

        # Another document, removed before the meeting: gone.
        secretary.get_by_test_id(f"upload-file-{second_id}").set_input_files(
            {"name": "nham.pdf", "mimeType": "application/pdf",
             "buffer": demo_documents.resolution_pdf()})
        secretary.get_by_test_id(f"upload-submit-{second_id}").click()
        wrong = secretary.get_by_test_id(f"item-{second_id}").locator("[data-testid^=doc-remove-]")
        expect(wrong).to_have_count(1)
        wrong.click()
        expect(secretary.get_by_test_id("confirm-dialog")).to_contain_text("Gỡ bỏ tài liệu")
        secretary.get_by_test_id("confirm-ok").click()
        expect(wrong).to_have_count(0)
        expect(secretary.get_by_test_id(f"item-{second_id}")).to_contain_text("Chưa có tài liệu")

        # Before publication the member's list says the documents are not published yet.
        member.reload()
        badge = member.get_by_test_id(f"published-{meeting_id}")
        expect(badge).to_have_attribute("data-published", "false")
        expect(member.get_by_test_id("conn-state")).to_have_count(0)  # no meeting open
        # ... and the member's tablet shows the meeting without its agenda.
        tablet = walk.log_in("uyvien1", f"/m/{meeting_id}")
        expect(tablet.get_by_test_id("conn-state")).to_have_attribute("data-state", "live")
        expect(tablet.get_by_test_id("not-published")).to_be_visible()
        expect(tablet.locator(".agenda-item")).to_have_count(0)
        shot(walk, tablet, "member-tablet-unpublished")

        # Publish: the member's list hears of it live.
        secretary.get_by_test_id("publish").click()
        expect(secretary.get_by_test_id("confirm-dialog")).to_contain_text("1 tài liệu")
        expect(secretary.get_by_test_id("confirm-dialog")).to_contain_text("sau thời hạn")
        shot(walk, secretary, "publish-confirm")
        secretary.get_by_test_id("confirm-ok").click()
        expect(secretary.get_by_test_id("published")).to_contain_text("sau thời hạn")
        expect(member.get_by_test_id("inbox-news")).to_contain_text(
            "Tài liệu cuộc họp \"Phiên họp thường kỳ tháng 12 năm 2026\" đã được phát hành")
        expect(badge).to_have_attribute("data-published", "true")
        # ... and saves its 12 pages on the device from the list, before anyone opens it.
        saved = member.get_by_test_id(f"saved-{meeting_id}")
        expect(saved).to_have_attribute("data-kind", "saved", timeout=60_000)
        expect(saved).to_contain_text("Đã tải 12/12 trang về máy")
        assert f"phonghop-meeting-{meeting_id}" in member.evaluate("async () => caches.keys()")
        shot(walk, secretary, "published")
        shot(walk, member, "member-list")

        # The member's tablet receives the agenda live: numbered, with the sub-item, the late
        # document marked.
        expect(tablet.get_by_test_id("just-published")).to_be_visible()
        expect(tablet.get_by_test_id("not-published")).to_have_count(0)
        expect(tablet.get_by_test_id(f"agenda-item-{first_id}")).to_contain_text("1")
        expect(tablet.get_by_test_id(f"late-{doc_id}")).to_be_visible()
        sub = tablet.locator(".agenda-subitem")
        expect(sub).to_have_count(1)
        expect(sub.locator(".item-no")).to_have_text("1.1")
        shot(walk, tablet, "member-tablet")

        # Copy for next month: same people and agenda skeleton, no documents.
        next_month = (datetime.now(VIETNAM) + timedelta(days=30)).strftime("%Y-%m-%dT14:00")
        secretary.get_by_test_id("copy-title").fill("Phiên họp thường kỳ tháng 01 năm 2027")
        secretary.get_by_test_id("copy-starts").fill(next_month)
        secretary.get_by_test_id("copy-submit").click()
        secretary.wait_for_url(re.compile(rf"/m/(?!{meeting_id}/)\d+/prepare$"))
        expect(secretary.get_by_test_id("participant-uyvien1")).to_be_visible()
        expect(secretary.locator("[data-testid^=item-][data-number]")).to_have_count(4)
        assert [n for n, _ in numbers(secretary)] == ["1", "1.1", "2", "3"]
        expect(secretary.locator("[data-testid^=doc-remove-]")).to_have_count(0)
        expect(secretary.get_by_test_id("not-published")).to_be_visible()
        shot(walk, secretary, "copied")
        assert walk.errors == []


@pytest.mark.browser
@pytest.mark.server
def test_changes_while_the_meeting_runs_are_announced_on_tablets(
        live_server: LiveServer, artifacts: Path | None) -> None:
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    expect.set_options(timeout=30_000)
    with closing(live_server.session("thuky")) as http:
        assert http.post("/api/meetings/1/start").status_code == 200
        doc = http.get("/api/meetings/1").json()["items"][1]["documents"][0]
    with chromium() as browser:
        walk = Walk(browser, live_server, artifacts)
        secretary = walk.log_in("thuky", "/m/1/prepare")
        member = walk.log_in("uyvien1", "/m/1")
        expect(member.get_by_test_id("conn-state")).to_have_attribute("data-state", "live")
        expect(secretary.get_by_test_id("agenda-running")).to_be_visible()

        # The secretary adds an item and withdraws a document: every tablet is told.
        secretary.get_by_test_id("item-title").fill("Công tác phòng chống bão lũ")
        secretary.get_by_test_id("item-submit").click()
        secretary.get_by_test_id(f"doc-remove-{doc['id']}").click()
        expect(secretary.get_by_test_id("confirm-dialog")).to_contain_text("Rút tài liệu")
        shot(walk, secretary, "withdraw-confirm", f"doc-{doc['id']}")
        secretary.get_by_test_id("confirm-ok").click()
        expect(secretary.get_by_test_id(f"withdrawn-{doc['id']}")).to_contain_text("Đã rút")
        news = member.get_by_test_id("amendment")
        expect(news).to_have_count(2)
        expect(news.first).to_have_text("Bổ sung nội dung 4. Công tác phòng chống bão lũ")
        expect(news.nth(1)).to_contain_text(f"Rút tài liệu \"{doc['title']}\"")
        expect(member.get_by_test_id(f"open-doc-{doc['id']}")).to_have_count(0)
        added = member.locator(".agenda-item", has_text="Công tác phòng chống bão lũ")
        member.get_by_test_id("agenda-toggle").click()  # the agenda, a drawer over the page
        expect(added).to_be_visible()
        shot(walk, secretary, "running-withdrawn", f"item-{doc['item_id']}")
        shot(walk, member, "running-tablet")
        member.get_by_test_id("amendments-dismiss").click()
        expect(news).to_have_count(0)
        assert walk.errors == []
