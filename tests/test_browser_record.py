"""The record in Debian's Chromium against the real server: the secretary, reading the app in
English, opens a vote on another agenda item than the one on screen with the console's item
selector (the question left to the server: Vietnamese, whatever the screen's language), edits
"Nơi nhận" as one list on the minutes page, signs; the minutes file the vote under its item and
end with "Lưu: VT, hồ sơ." once; the archive shows the attendance as the minutes print it.
Screenshots at 1280×800."""

from __future__ import annotations

import re
import subprocess
from contextlib import closing
from pathlib import Path

import pytest

from tests.conftest import LiveServer, require_tool
from tests.test_browser import CHROMIUM, TIMEOUT_MS, Walk, chromium

ITEM_2 = "Kế hoạch đầu tư công trung hạn giai đoạn 2026 - 2030"


@pytest.mark.browser
@pytest.mark.server
def test_vote_item_selector_recipients_list_and_archive_attendance(
    live_server: LiveServer, artifacts: Path | None, tmp_path: Path
) -> None:
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    meeting_id = live_server.demo.meeting_id
    tablet = f"/m/{meeting_id}"
    with closing(live_server.session("thuky")) as http:
        assert http.post(f"/api/meetings/{meeting_id}/start").status_code == 200
        snap = http.get(f"/api/meetings/{meeting_id}").json()
        people = {p["username"]: p["user_id"] for p in snap["participants"]}
        for username, state, reason in (("uyvien1", "excused", "Đi công tác"),
                                        ("uyvien2", "absent", "")):
            r = http.post(f"/api/meetings/{meeting_id}/attendance",
                          json={"user_id": people[username], "state": state, "reason": reason})
            assert r.status_code == 200, r.text
    item1, item2 = snap["items"][0], snap["items"][1]
    assert snap["presentation"]["item_id"] == item1["id"]
    for username in ("chutich", "phochutich2", "uyvien3"):
        with closing(live_server.session(username)) as http:
            assert http.post(f"/api/meetings/{meeting_id}/check-in", json={}).status_code == 200
    with closing(live_server.session("phochutich1")) as http:
        r = http.post(f"/api/meetings/{meeting_id}/check-in", json={"state": "remote"})
        assert r.status_code == 200, r.text

    with chromium() as browser:
        walk = Walk(browser, live_server, artifacts)
        member = walk.log_in("uyvien3", tablet, width=800, height=1280)
        secretary = walk.log_in("thuky", tablet)
        secretary.get_by_test_id("lang-toggle").click()  # the secretary reads English
        expect(secretary.get_by_test_id("start-meeting")).to_have_count(0)
        expect(secretary.get_by_test_id("console-started")).to_have_text(
            re.compile(r"^Started \d\d:\d\d, \d\d/\d\d/\d{4}$"))

        # The selector follows the item on screen; the question defaults to the server's,
        # in Vietnamese, shown as the placeholder.
        console = secretary.get_by_test_id("vote-console")
        selector = console.get_by_test_id("vote-item-input")
        question = console.get_by_test_id("vote-question-input")
        expect(selector).to_have_value(str(item1["id"]))
        expect(selector.locator("option:checked")).to_have_text(
            f"1. {item1['title']} (on screen)")
        expect(question).to_have_value("")
        expect(question).to_have_attribute("placeholder", f"Thông qua {item1['title']}")
        selector.select_option(str(item2["id"]))
        expect(question).to_have_attribute("placeholder", f"Thông qua {ITEM_2}")
        expect(console.get_by_test_id("vote-question-default")).to_have_text(
            f"Left empty, the minutes read “Thông qua {ITEM_2}”.")
        console.get_by_test_id("vote-preset-input").scroll_into_view_if_needed()
        selector.scroll_into_view_if_needed()
        walk.shot(secretary, "record-console-vote-item")

        console.get_by_test_id("open-vote").click()
        expect(member.get_by_test_id("vote-question")).to_have_text(f"Thông qua {ITEM_2}")
        expect(console.get_by_test_id("console-vote-item")).to_have_attribute(
            "data-item", str(item2["id"]))
        expect(console.get_by_test_id("console-vote-item")).to_have_text(f"Item 2: {ITEM_2}")
        # the room still shows item 1
        expect(secretary.get_by_test_id("presenter")).to_contain_text(item1["title"])
        vote_id = int(member.get_by_test_id("vote-panel").get_attribute("data-vote") or 0)
        for username in ("chutich", "phochutich1", "phochutich2", "uyvien3"):
            with closing(live_server.session(username)) as http:
                r = http.post(f"/api/votes/{vote_id}/ballots", json={"choice": "yes"})
                assert r.status_code == 201, r.text
        console.get_by_test_id("close-vote").click()
        past = console.get_by_test_id(f"past-vote-{vote_id}")
        expect(past).to_contain_text(f"Item 2: {ITEM_2}")
        expect(past).to_contain_text(re.compile(r"Closed \d\d:\d\d, \d\d/\d\d/\d{4}"))
        secretary.get_by_test_id("end-meeting").click()
        secretary.get_by_test_id("confirm-ok").click()
        secretary.get_by_test_id("minutes-link").click()
        secretary.wait_for_url(re.compile(rf"{tablet}/minutes$"))

        # "Nơi nhận" as one list (in Vietnamese now): the body's members by default, the
        # filing line fixed at the end; a typed "Lưu: VT" is not kept.
        secretary.get_by_test_id("lang-toggle").click()
        recipients = secretary.get_by_test_id("recipients")
        expect(recipients.get_by_test_id("recipient-0")).to_have_value("Các thành viên UBND xã")
        expect(recipients.get_by_test_id("recipient-filing")).to_contain_text("Lưu: VT, hồ sơ.")
        recipients.get_by_test_id("recipient-add").click()
        recipients.get_by_test_id("recipient-1").fill("Thường trực HĐND xã")
        recipients.get_by_test_id("recipient-add").click()
        recipients.get_by_test_id("recipient-2").fill("- Lưu: VT")
        secretary.get_by_test_id(f"conclusion-{item2['id']}").fill(
            "Thống nhất thông qua kế hoạch; giao Văn phòng hoàn thiện hồ sơ.")
        secretary.get_by_test_id("minutes-save").click()
        expect(secretary.get_by_test_id("minutes-saved")).to_be_visible()
        expect(recipients.locator("input")).to_have_count(2)
        expect(recipients.get_by_test_id("recipient-1")).to_have_value("Thường trực HĐND xã")
        recipients.scroll_into_view_if_needed()
        walk.shot(secretary, "record-minutes-recipients")

        secretary.get_by_test_id("minutes-seal").click()
        expect(secretary.get_by_test_id("confirm-ok")).to_have_text("Ký số và phát hành biên bản")
        secretary.get_by_test_id("confirm-ok").click()
        expect(secretary.get_by_test_id("sealed-info")).to_be_visible(timeout=30_000)
        expect(secretary.get_by_test_id("meeting-status")).to_have_text("Đã ký số")
        expect(secretary.get_by_test_id("minutes-signer")).to_have_text("UBND xã Tường Tiến")
        expect(secretary.get_by_test_id("minutes-sealed-at")).to_have_text(
            re.compile(r"^\d\d giờ \d\d phút, ngày \d\d/\d\d/\d{4}$"))
        walk.shot(secretary, "record-minutes-signed")
        signed = secretary.request.get(f"{live_server.url}/api/meetings/{meeting_id}/minutes.pdf")
        pdf = tmp_path / "signed.pdf"
        pdf.write_bytes(signed.body())

        # The archive: attendance as the minutes print it, the vote under its item.
        archivist = walk.log_in("luutru", f"/archive/{meeting_id}")
        excused = archivist.get_by_test_id(f"archive-person-{people['uyvien1']}")
        expect(excused).to_have_attribute("data-attendance", "excused")
        expect(excused).to_contain_text("Vắng có lý do")
        expect(excused).to_contain_text("Lý do: Đi công tác")
        expect(archivist.get_by_test_id(f"archive-person-{people['phochutich1']}")).to_contain_text(
            "Dự họp trực tuyến")
        expect(archivist.get_by_test_id(f"archive-person-{people['uyvien2']}")).to_contain_text(
            "Vắng không có lý do")
        expect(archivist.get_by_test_id(f"archive-person-{people['thuky']}")).to_contain_text(
            "Có mặt")
        # a guest who did not come is not "absent": a guest owes no attendance
        expect(archivist.get_by_test_id(f"archive-person-{people['khachmoi']}")).to_contain_text(
            "Không tham dự")
        expect(archivist.get_by_test_id(f"archive-vote-item-{vote_id}")).to_have_text(
            f"Nội dung 2: {ITEM_2}")
        expect(archivist.get_by_test_id(f"archive-vote-{vote_id}")).to_contain_text(
            "Điều kiện thông qua: quá nửa tổng số thành viên")
        archivist.get_by_test_id(f"archive-person-{people['uyvien1']}").scroll_into_view_if_needed()
        walk.shot(archivist, "record-archive-attendance")
        assert walk.errors == []

    text = " ".join(subprocess.run(
        [require_tool("pdftotext"), "-enc", "UTF-8", str(pdf), "-"], check=True,
        capture_output=True, text=True, timeout=60).stdout.split())
    assert text.count("Lưu: VT") == 1
    assert "Nơi nhận: - Các thành viên UBND xã; - Thường trực HĐND xã; - Lưu: VT, hồ sơ." in text
    assert text.index(f"2. {ITEM_2}") < text.index(f"Nội dung biểu quyết: Thông qua {ITEM_2}.")
    assert "Vote" not in text and "approve" not in text
