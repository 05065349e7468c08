"""The attendance board, proxy ballots and the result chart in Debian's Chromium against the
real server: the secretary marks a member absent with a reason and gives the proxy to another
member (the body allows proxies); the holder's tablet shows two ballots and casts both; the
room screen shows the chart and the record says who voted for whom. Then an election among
three candidates, where the screen marks the one elected."""

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
def test_absent_member_proxy_two_ballots_chart_and_election(
    live_server: LiveServer, artifacts: Path | None
) -> None:
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    meeting_id = live_server.demo.meeting_id
    tablet = f"/m/{meeting_id}"
    with closing(live_server.session("thuky")) as http:
        r = http.put("/api/vote-rules", json={"body_id": live_server.demo.body_id,
                                              "proxies_allowed": True})
        assert r.status_code == 200, r.text
        assert http.post(f"/api/meetings/{meeting_id}/start").status_code == 200
        people = {p["username"]: p["user_id"]
                  for p in http.get(f"/api/meetings/{meeting_id}").json()["participants"]}
    absent, holder, guest = people["uyvien1"], people["uyvien2"], people["khachmoi"]

    with chromium() as browser:
        walk = Walk(browser, live_server, artifacts)
        member = walk.log_in("uyvien2", tablet, width=800, height=1280)
        absentee = walk.log_in("uyvien1", tablet, width=800, height=1280)
        secretary = walk.log_in("thuky", tablet, width=1440, height=900)
        screen = walk.watch(secretary.context.new_page(), "screen")
        screen.set_viewport_size({"width": 1280, "height": 720})
        screen.goto(f"{live_server.url}{tablet}/screen")
        expect(screen.get_by_test_id("conn-state")).to_have_attribute("data-state", "live")

        # The holder checks in on the tablet; a guest checked in by the secretary never counts.
        member.get_by_test_id("check-in").click()
        expect(secretary.get_by_test_id(f"attendance-{holder}")).to_have_attribute(
            "data-state", "present")
        quorum = secretary.get_by_test_id("quorum")
        expect(quorum).to_have_attribute("data-present", "1")
        secretary.get_by_test_id(f"checkin-{guest}").click()
        expect(secretary.get_by_test_id(f"attendance-{guest}")).to_have_attribute(
            "data-state", "present")
        expect(secretary.get_by_test_id(f"person-{guest}")).to_contain_text(
            "không tính vào số thành viên tham dự")
        expect(quorum).to_have_attribute("data-present", "1")

        # The secretary records A away with a reason (excused), and gives A's proxy to B.
        secretary.get_by_test_id(f"attendance-edit-{absent}").click()
        form = secretary.get_by_test_id(f"attendance-form-{absent}")
        form.get_by_test_id("attendance-state-input").select_option("excused")
        form.get_by_test_id("attendance-reason-input").fill("Đi công tác tại tỉnh")
        form.get_by_test_id("attendance-proxy-input").select_option(str(holder))
        walk.shot(secretary, "attendance-form")
        form.get_by_test_id("attendance-save").click()
        expect(form).to_have_count(0)
        expect(secretary.get_by_test_id(f"attendance-{absent}")).to_have_attribute(
            "data-state", "excused")
        expect(secretary.get_by_test_id(f"attendance-{absent}")).to_have_text("Vắng có lý do")
        expect(secretary.get_by_test_id(f"absence-reason-{absent}")).to_have_text(
            "Lý do: Đi công tác tại tỉnh")
        expect(secretary.get_by_test_id(f"proxy-of-{absent}")).to_have_text(
            "Ủy quyền cho: Vũ Thị Lan")
        expect(secretary.get_by_test_id(f"holds-proxy-{holder}")).to_contain_text(
            "Hoàng Minh Tuấn")
        expect(absentee.get_by_test_id("my-attendance")).to_have_text(
            "Thư ký đã ghi nhận: Vắng có lý do")
        secretary.get_by_test_id(f"person-{absent}").scroll_into_view_if_needed()
        walk.shot(secretary, "attendance-board")

        # The other members are recorded present: a People's Committee votes with two thirds.
        with closing(live_server.session("thuky")) as http:
            record_quorum(http, meeting_id, absent=("uyvien1",))
        # A named vote: B's tablet shows B's own ballot and one on behalf of A.
        question = "Thông qua kế hoạch phòng chống lụt bão?"
        secretary.get_by_test_id("vote-question-input").fill(question)
        secretary.get_by_test_id("open-vote").click()
        own = member.get_by_test_id("own-ballot")
        proxy = member.get_by_test_id(f"proxy-ballot-{absent}")
        expect(proxy).to_contain_text("Phiếu thay cho Hoàng Minh Tuấn")
        # A's own tablet offers no ballot: A is recorded absent (the server would refuse it).
        expect(absentee.get_by_test_id("vote-absent")).to_have_text(
            "Vui lòng điểm danh để biểu quyết.")
        expect(absentee.get_by_test_id("vote-yes")).to_have_count(0)
        walk.shot(absentee, "attendance-absent-tablet")
        walk.shot(member, "attendance-two-ballots")
        own.get_by_test_id("vote-yes").click()
        expect(own.get_by_test_id("vote-confirmation")).to_have_text(
            re.compile("Phiếu đã được ghi nhận: Tán thành"))
        expect(proxy.get_by_test_id("vote-yes")).to_be_enabled()
        proxy.get_by_test_id("vote-no").click()
        expect(proxy.get_by_test_id("vote-confirmation")).to_have_text(
            re.compile("Đã ghi nhận phiếu thay cho Hoàng Minh Tuấn: Không tán thành"))
        expect(own.get_by_test_id("vote-confirmation")).to_be_visible()
        expect(member.get_by_test_id("vote-progress")).to_have_attribute("data-cast", "2")
        walk.shot(member, "attendance-two-confirmations")

        vote_id = _cast_by_api(live_server, meeting_id, {
            "chutich": {"choice": "yes"}, "phochutich1": {"choice": "yes"},
            "phochutich2": {"choice": "yes"}, "uyvien3": {"choice": "abstain"}})
        expect(secretary.get_by_test_id("tally-cast")).to_have_attribute("data-cast", "6")
        secretary.get_by_test_id("close-vote").click()

        result = screen.get_by_test_id("screen-result")
        expect(result).to_be_visible()
        for choice, n in (("yes", "4"), ("no", "1"), ("abstain", "1")):
            expect(result.get_by_test_id(f"screen-bars-{choice}")).to_have_text(n)
        # More than 1/2 of the 6 members: 4 yes votes needed, and 4 were cast.
        expect(result.get_by_test_id("screen-vote-result-threshold")).to_have_attribute(
            "data-needed", "4")
        expect(result.get_by_test_id("vote-outcome")).to_have_text("Được thông qua")
        walk.shot(screen, "attendance-screen-result")

        with closing(live_server.session("thuky")) as http:
            ballots = {b["user_id"]: b for b in
                       http.get(f"/api/votes/{vote_id}").json()["vote"]["ballots"]}
        assert ballots[absent]["choice"] == "no" and ballots[absent]["cast_by"] == holder
        assert ballots[holder]["choice"] == "yes" and ballots[holder]["cast_by"] is None
        assert len(ballots) == 6

        # An election among three candidates, one seat: B marks for self and for A.
        candidates = ["Nguyễn Văn Bình", "Trần Thị Hương", "Lê Quốc Khánh"]
        secretary.get_by_test_id("vote-question-input").fill("Bầu Trưởng ban Thanh tra nhân dân")
        secretary.get_by_test_id("vote-options-input").fill("\n".join(candidates))
        secretary.get_by_test_id("open-vote").click()
        expect(screen.get_by_test_id("screen-result")).to_have_count(0)
        expect(proxy.get_by_test_id("vote-marks")).to_be_visible()
        own.get_by_test_id("mark-1").check()
        own.get_by_test_id("vote-submit-marks").click()
        expect(own.get_by_test_id("vote-confirmation")).to_have_text(
            re.compile("Trần Thị Hương"))
        proxy.get_by_test_id("mark-0").check()
        proxy.get_by_test_id("vote-submit-marks").click()
        expect(proxy.get_by_test_id("vote-confirmation")).to_have_text(
            re.compile("thay cho Hoàng Minh Tuấn: Nguyễn Văn Bình"))

        election_id = _cast_by_api(live_server, meeting_id, {
            "chutich": {"marks": [1]}, "phochutich1": {"marks": [1]},
            "phochutich2": {"marks": [2]}, "uyvien3": {"marks": [1]}})
        expect(secretary.get_by_test_id("tally-option-1")).to_have_text("4")
        secretary.get_by_test_id("close-vote").click()

        result = screen.get_by_test_id("screen-result")
        expect(result).to_have_attribute("data-vote", str(election_id))
        for i, n in enumerate(("1", "4", "1")):
            expect(result.get_by_test_id(f"screen-bars-option-{i}")).to_have_text(n)
        expect(result.get_by_test_id("screen-bars-elected-1")).to_have_text("Trúng cử")
        expect(result.locator("[data-elected=true]")).to_have_count(1)
        expect(result.locator("[data-elected=false]")).to_have_count(2)
        expect(result.get_by_test_id("vote-outcome")).to_have_text("Trúng cử: Trần Thị Hương")
        walk.shot(screen, "attendance-screen-election")
        expect(member.get_by_test_id("vote-result-bars-elected-1")).to_be_visible()
        member.get_by_test_id("vote-panel").scroll_into_view_if_needed()
        walk.shot(member, "attendance-tablet-election")
        expect(secretary.get_by_test_id(f"past-vote-{election_id}")).to_contain_text(
            "Trúng cử: Trần Thị Hương")
        secretary.get_by_test_id(f"past-vote-{election_id}").scroll_into_view_if_needed()
        walk.shot(secretary, "attendance-console-past-votes")

        with closing(live_server.session("thuky")) as http:
            ballots = {b["user_id"]: b for b in
                       http.get(f"/api/votes/{election_id}").json()["vote"]["ballots"]}
        assert ballots[absent]["marks"] == [0] and ballots[absent]["cast_by"] == holder
        assert ballots[holder]["marks"] == [1] and ballots[holder]["cast_by"] is None
        assert walk.errors == []


def _cast_by_api(server: LiveServer, meeting_id: int, ballots: dict[str, dict[str, object]]) -> int:
    """Other members vote from their own sessions; returns the open vote's id."""
    vote_id = 0
    for username, ballot in ballots.items():
        with closing(server.session(username)) as other:
            vote_id = other.get(f"/api/meetings/{meeting_id}").json()["open_vote"]["id"]
            r = other.post(f"/api/votes/{vote_id}/ballots", json=ballot)
            assert r.status_code == 201, r.text
    return vote_id
