"""A speaker's turn in Debian's Chromium against the real server: a member asks for the floor
on their tablet, the secretary gives it from the console, the room screen and the tablets show
the speaker and a countdown that runs on its own, the turn ends and its time is recorded."""

from __future__ import annotations

import re
import time
from contextlib import closing
from pathlib import Path

import pytest

from tests.conftest import LiveServer, require_tool
from tests.test_browser import CHROMIUM, TIMEOUT_MS, Walk, chromium

CLOCK = re.compile(r"^\+?\d+:\d\d$")


def seconds_of(text: str) -> int:
    sign = -1 if text.startswith("+") else 1
    minutes, seconds = text.lstrip("+").split(":")
    return sign * (int(minutes) * 60 + int(seconds))


@pytest.mark.browser
@pytest.mark.server
def test_speaker_turn_on_tablets_and_room_screen(
    live_server: LiveServer, artifacts: Path | None
) -> None:
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    meeting_id = live_server.demo.meeting_id
    tablet = f"/m/{meeting_id}"
    with closing(live_server.session("thuky")) as http:
        assert http.post(f"/api/meetings/{meeting_id}/start").status_code == 200
        assert http.put(f"/api/meetings/{meeting_id}/speakers/settings",
                        json={"default_seconds": 60}).status_code == 200
        people = {p["username"]: p["user_id"]
                  for p in http.get(f"/api/meetings/{meeting_id}").json()["participants"]}

    with chromium() as browser:
        walk = Walk(browser, live_server, artifacts)
        member = walk.log_in("uyvien1", tablet, width=800, height=1280)
        guest = walk.log_in("khachmoi", tablet, width=800, height=1280)
        secretary = walk.log_in("thuky", tablet)
        screen = walk.log_in("thuky", f"{tablet}/screen", width=1280, height=720)
        for page in (member, guest, secretary, screen):
            expect(page.get_by_test_id("conn-state")).to_have_attribute("data-state", "live")

        # The member asks for the floor; the guest has no such button. On a tablet the
        # speakers' list opens as a sheet over the page.
        for page in (member, guest):
            page.get_by_test_id("tool-speakers").click()
        expect(guest.get_by_test_id("speak-guest")).to_be_visible()
        expect(guest.get_by_test_id("speak-request")).to_have_count(0)
        member.get_by_test_id("speak-request").click()
        expect(member.get_by_test_id("speak-waiting")).to_be_visible()
        row = secretary.locator(f"[data-testid^=speaker-row-][data-user='{people['uyvien1']}']")
        expect(row).to_contain_text("Hoàng Minh Tuấn")
        expect(guest.get_by_test_id("speaker-queue")).to_contain_text("Hoàng Minh Tuấn")
        walk.shot(secretary, "speakers-queue")

        # The secretary gives the floor: the screen and the tablets show the speaker and timer.
        row.locator("[data-testid^=speaker-floor-]").click()
        expect(screen.get_by_test_id("screen-speaker")).to_contain_text("Hoàng Minh Tuấn")
        timer = screen.get_by_test_id("screen-timer")
        expect(timer).to_have_attribute("data-limit", "60")
        expect(timer).to_have_text(CLOCK)
        expect(member.get_by_test_id("speaker-current")).to_contain_text("Hoàng Minh Tuấn")
        expect(guest.get_by_test_id("speaker-timer")).to_have_text(CLOCK)
        expect(member.get_by_test_id("speak-waiting")).to_have_count(0)
        first = seconds_of(timer.inner_text())
        assert 30 <= first <= 60  # generous: a busy machine may be slow to show the page
        time.sleep(2.2)
        # counted down locally (by at least a second; how many more depends on the machine)
        later = seconds_of(timer.inner_text())
        assert 1 <= first - later < 30, (first, later)
        walk.shot(screen, "speakers-screen")
        walk.shot(member, "speakers-member")

        # The secretary ends the turn: the screen clears, the time spoken is recorded.
        secretary.get_by_test_id("speaker-end").click()
        expect(screen.get_by_test_id("screen-speaker")).to_have_count(0)
        expect(member.get_by_test_id("speaker-none")).to_be_visible()
        assert walk.errors == []

    with closing(live_server.session("thuky")) as http:
        times = http.get(f"/api/meetings/{meeting_id}/speakers").json()["times"]
    assert [(t["full_name"], t["turns"]) for t in times] == [("Hoàng Minh Tuấn", 1)]
    assert times[0]["seconds"] >= 2


@pytest.mark.browser
@pytest.mark.server
def test_written_opinion_sent_and_answered_in_the_browser(
    live_server: LiveServer, artifacts: Path | None, tmp_path: Path
) -> None:
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    from meetings.demo import documents as demo_documents

    expect.set_options(timeout=TIMEOUT_MS)
    pdf = tmp_path / "phuong-an.pdf"
    pdf.write_bytes(demo_documents.report_pdf())
    with chromium() as browser:
        walk = Walk(browser, live_server, artifacts)
        secretary = walk.log_in("thuky", "/meetings")
        secretary.get_by_test_id("opinions-link").click()
        secretary.get_by_test_id("opinion-question").fill("Thông qua phương án sửa chữa trường?")
        secretary.get_by_test_id("opinion-details").fill("Kinh phí 850 triệu đồng.")
        secretary.get_by_test_id("opinion-deadline").fill("2099-12-31T17:00")
        secretary.get_by_test_id("opinion-submit").click()
        expect(secretary.get_by_test_id("opinion-status")).to_have_attribute("data-status", "draft")
        secretary.get_by_test_id("opinion-file").set_input_files(str(pdf))
        secretary.get_by_test_id("opinion-attach").click()
        expect(secretary.locator("[data-testid^=opinion-doc-]")).to_have_count(1)
        secretary.get_by_test_id("opinion-send").click()
        expect(secretary.get_by_test_id("opinion-status")).to_have_attribute("data-status", "open")
        expect(secretary.get_by_test_id("opinion-voters")).to_contain_text("Hoàng Minh Tuấn")
        address = secretary.url

        member = walk.log_in("uyvien1", "/opinions", width=800, height=1280)
        member.get_by_text("Thông qua phương án sửa chữa trường?").click()
        expect(member.get_by_test_id("opinion-detail")).to_contain_text("Kinh phí 850 triệu đồng.")
        member.get_by_test_id("opinion-comment").fill("Đề nghị ưu tiên phòng học.")
        member.get_by_test_id("opinion-yes").click()
        expect(member.get_by_test_id("opinion-mine")).to_have_attribute("data-choice", "yes")
        expect(member.get_by_test_id("opinion-answer")).to_have_count(0)
        walk.shot(member, "opinion-member")

        secretary.goto(address)
        expect(secretary.get_by_test_id("opinion-voters")).to_contain_text(
            "Đề nghị ưu tiên phòng học.")
        # one of six answered and the deadline is far: closing is refused, with the reason
        secretary.get_by_test_id("opinion-close").click()
        expect(secretary.get_by_test_id("opinion-manage-error")).to_have_attribute(
            "data-error", "opinion_not_due")
        walk.shot(secretary, "opinion-secretary")
        # the browser logs the refused request it was meant to make; nothing else
        unexpected = [e for e in walk.errors if not ("409" in e and "/close" in e)]
        assert unexpected == [] and len(walk.errors) == 1, walk.errors
