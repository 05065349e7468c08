"""The vote features in Debian's Chromium against the real server: a member checks in on the
tablet and the secretary's quorum line follows; the room screen shows the check-in QR code
and present/required; the secretary opens a secret ballot; the member sees only that the
ballot was counted; after the close the room screen shows the result chart."""

from __future__ import annotations

import re
from contextlib import closing
from pathlib import Path

import pytest

from tests.conftest import LiveServer, require_tool
from tests.helpers import record_quorum
from tests.test_browser import CHROMIUM, TIMEOUT_MS, Walk, chromium


@pytest.mark.browser
@pytest.mark.server
def test_check_in_secret_vote_and_result_chart(live_server: LiveServer,
                                               artifacts: Path | None) -> None:
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    meeting_id = live_server.demo.meeting_id
    tablet = f"/m/{meeting_id}"
    with closing(live_server.session("thuky")) as http:
        assert http.post(f"/api/meetings/{meeting_id}/start").status_code == 200
    with chromium() as browser:
        walk = Walk(browser, live_server, artifacts)
        member = walk.log_in("uyvien1", tablet, width=800, height=1280)
        secretary = walk.log_in("thuky", tablet)
        screen = walk.watch(secretary.context.new_page(), "screen")
        screen.set_viewport_size({"width": 1280, "height": 720})
        screen.goto(f"{live_server.url}{tablet}/screen")
        expect(screen.get_by_test_id("screen-qr").locator("img")).to_be_visible()
        expect(screen.get_by_test_id("screen-quorum")).to_have_attribute("data-present", "0")

        # The member checks in on the tablet; the secretary and the room screen count them.
        member.get_by_test_id("check-in").click()
        expect(member.get_by_test_id("checked-in")).to_be_visible()
        expect(secretary.get_by_test_id("quorum")).to_have_attribute("data-present", "1")
        expect(screen.get_by_test_id("screen-quorum")).to_have_attribute("data-present", "1")

        # The others are recorded present (a People's Committee votes with two thirds).
        with closing(live_server.session("thuky")) as http:
            record_quorum(http, meeting_id)
        # The secretary opens a secret ballot.
        secretary.get_by_test_id("vote-question-input").fill("Bầu tổ trưởng tổ dân phố số 3?")
        secretary.get_by_test_id("vote-kind-input").select_option("secret")
        secretary.get_by_test_id("open-vote").click()
        expect(member.get_by_test_id("vote-question")).to_have_text(
            "Bầu tổ trưởng tổ dân phố số 3?")
        expect(member.get_by_test_id("vote-kind")).to_have_text("Bỏ phiếu kín")
        expect(secretary.get_by_test_id("tally")).to_have_count(0)  # no live counts
        member.get_by_test_id("vote-yes").click()
        expect(member.get_by_test_id("vote-confirmation")).to_have_text(
            re.compile("Phiếu kín đã được ghi nhận"))
        expect(member.get_by_test_id("vote-yes")).to_have_count(0)
        walk.shot(member, "votes-member-secret-confirmed")
        for username, choice in (("chutich", "yes"), ("phochutich1", "yes"),
                                 ("phochutich2", "yes"), ("uyvien2", "no")):
            with closing(live_server.session(username)) as other:
                vote_id = other.get(f"/api/meetings/{meeting_id}").json()["open_vote"]["id"]
                r = other.post(f"/api/votes/{vote_id}/ballots", json={"choice": choice})
                assert r.status_code == 201, r.text
        expect(secretary.get_by_test_id("tally-cast")).to_have_attribute("data-cast", "5")
        expect(screen.get_by_test_id("screen-progress")).to_have_text(re.compile("5/6"))

        # The secretary closes it: the room screen shows the chart.
        secretary.get_by_test_id("close-vote").click()
        result = screen.get_by_test_id("screen-result")
        expect(result).to_be_visible()
        expect(result.get_by_test_id("screen-bars-yes")).to_have_text("4")
        expect(result.get_by_test_id("screen-bars-no")).to_have_text("1")
        expect(result.get_by_test_id("vote-outcome")).to_have_text("Được thông qua")
        walk.shot(screen, "votes-room-screen-result")
        walk.shot(secretary, "votes-console")
        assert walk.errors == []
