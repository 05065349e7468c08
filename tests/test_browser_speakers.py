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

        # The member asks for the floor; the guest has no such button.
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
        assert 55 <= first <= 60
        time.sleep(2.2)
        # counted down locally
        later = seconds_of(timer.inner_text())
        assert 1 <= first - later <= 4, (first, later)
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
