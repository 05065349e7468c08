"""Invitations in Chromium, against the real server and a real SMTP server on 127.0.0.1: the
secretary types addresses and sends the invitation, sees what was delivered and what the mail
server refused, and the members' answers as they come; a member answers "xin vắng" with a
reason from the list of meetings, another "dự trực tuyến" from the tablet; the secretary
excludes a member from an item and that member's tablet hides the item's documents; at last
the secretary cancels the meeting. Screenshots at 1280×800."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from tests.conftest import LiveServer, free_port, require_tool
from tests.mailbox import Mailbox
from tests.test_browser import CHROMIUM, TIMEOUT_MS, Walk, chromium
from tests.test_browser_offline import until

ADDRESSES = {"uyvien1": "tuan@tuongtien.gov.vn", "uyvien2": "lan@tuongtien.gov.vn",
             "khachmoi": "mai@khong-ton-tai.gov.vn"}
REASON = "Đi công tác tại tỉnh"
CONFLICT = "Có người thân là chủ đầu tư dự án"


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox(free_port(), refused={ADDRESSES["khachmoi"]}).start()
    yield box
    box.stop()


@pytest.fixture
def server(mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch,
           request: pytest.FixtureRequest) -> LiveServer:
    """The real server, started with the test's mail server in its environment."""
    monkeypatch.setenv("PHONGHOP_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("PHONGHOP_SMTP_PORT", str(mailbox.port))
    monkeypatch.setenv("PHONGHOP_SMTP_TLS", "none")
    monkeypatch.setenv("PHONGHOP_SMTP_SENDER", "giaymoi@tuongtien.gov.vn")
    live: LiveServer = request.getfixturevalue("live_server")
    return live


@pytest.mark.browser
@pytest.mark.server
def test_invitations_answers_and_exclusions_in_the_browser(
        server: LiveServer, mailbox: Mailbox, artifacts: Path | None) -> None:
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    mid = server.demo.meeting_id
    with closing(server.session("thuky")) as http:
        snap = http.get(f"/api/meetings/{mid}").json()
    second = snap["items"][1]
    uyvien1 = next(p["user_id"] for p in snap["participants"] if p["username"] == "uyvien1")

    with chromium() as browser:
        walk = Walk(browser, server, artifacts)
        sec = walk.log_in("thuky", f"/m/{mid}/prepare")
        panel = sec.get_by_test_id("invitations")
        expect(panel.get_by_test_id("invitation-state")).to_contain_text("Chưa gửi giấy mời")

        # The secretary types the addresses and sends.
        for username, address in ADDRESSES.items():
            sec.get_by_test_id(f"email-{username}").fill(address)
            sec.get_by_test_id(f"email-save-{username}").click()
            expect(sec.get_by_test_id(f"email-save-{username}")).to_have_count(0)
        sec.get_by_test_id("send-invitations").click()
        expect(sec.get_by_test_id("send-message")).to_contain_text("Đã đưa 3 giấy mời")
        expect(sec.get_by_test_id("send-message")).to_contain_text("Chưa có địa chỉ thư điện tử")
        letters = mailbox.wait_for(2)
        assert {x.rcpt_tos[0] for x in letters} == {ADDRESSES["uyvien1"], ADDRESSES["uyvien2"]}
        # Delivered and refused, told live on the panel.
        for username in ("uyvien1", "uyvien2"):
            expect(sec.get_by_test_id(f"delivery-{username}")).to_have_attribute(
                "data-state", "sent")
        expect(sec.get_by_test_id("delivery-khachmoi")).to_have_attribute("data-state", "failed")
        expect(sec.get_by_test_id("delivery-error-khachmoi")).to_contain_text(
            "Máy chủ thư từ chối địa chỉ này (550 5.1.1 No such user here)")
        expect(sec.get_by_test_id("resend-khachmoi")).to_be_visible()
        expect(panel.get_by_test_id("invitation-state")).to_contain_text("Đã gửi giấy mời lúc")

        # A member answers "xin vắng" with a reason from the list of meetings.
        member = walk.log_in("uyvien2", "/meetings")
        box = member.get_by_test_id(f"reply-box-{mid}")
        box.get_by_test_id("reply-absent").click()
        box.get_by_test_id("reply-reason").fill(REASON)
        box.get_by_test_id("reply-send").click()
        expect(box.get_by_test_id("my-reply")).to_contain_text("Đã trả lời: Xin vắng")
        expect(box).to_contain_text(REASON)
        walk.shot(member, "invite-member-answers")

        # Another answers "dự trực tuyến" from the tablet before the meeting.
        tablet = walk.log_in("uyvien1", f"/m/{mid}")
        tablet_box = tablet.get_by_test_id(f"reply-box-{mid}")
        tablet_box.get_by_test_id("reply-remote").click()
        expect(tablet_box.get_by_test_id("my-reply")).to_contain_text("Dự trực tuyến")
        expect(tablet.get_by_test_id("conn-state")).to_have_attribute("data-state", "live")

        # The secretary sees the answers without reloading.
        expect(sec.get_by_test_id("reply-uyvien2")).to_have_attribute("data-reply", "absent")
        expect(sec.get_by_test_id("reply-uyvien2")).to_contain_text(REASON)
        expect(sec.get_by_test_id("reply-uyvien1")).to_have_attribute("data-reply", "remote")
        expect(sec.get_by_test_id("replies-summary")).to_contain_text("Xin vắng: 1")
        panel.evaluate("el => el.scrollIntoView({block: 'start'})")
        walk.shot(sec, "invite-secretary-panel")

        # The secretary excludes a member from item 2; that member's tablet hides its documents.
        expect(tablet.get_by_test_id(f"open-doc-{second['documents'][0]['id']}")).to_be_visible()
        exclusions = sec.get_by_test_id("exclusions")
        exclusions.get_by_test_id("exclude-item").select_option(str(second["id"]))
        exclusions.get_by_test_id("exclude-person").select_option(str(uyvien1))
        exclusions.get_by_test_id("exclude-reason").fill(CONFLICT)
        exclusions.get_by_test_id("exclude-submit").click()
        expect(exclusions.get_by_test_id(f"exclusion-{second['id']}-{uyvien1}")).to_contain_text(
            f"Hoàng Minh Tuấn — lý do: {CONFLICT}")
        exclusions.evaluate("el => el.scrollIntoView({block: 'start'})")
        walk.shot(sec, "invite-secretary-exclusions")
        expect(tablet.get_by_test_id(f"open-doc-{second['documents'][0]['id']}")).to_have_count(0)
        expect(tablet.get_by_test_id(f"agenda-nodoc-{second['id']}")).to_contain_text(
            "Không tham gia nội dung này")
        walk.shot(tablet, "invite-member-tablet-excluded")
        # Nor does the tablet keep that document's pages it had saved for reading offline.
        excluded = second["documents"][0]["id"]
        until(tablet, """async ([mid, doc]) => {
          if (!(await caches.keys()).includes(`phonghop-meeting-${mid}`)) return true;
          const cache = await caches.open(`phonghop-meeting-${mid}`);
          return !(await cache.keys()).some((r) => r.url.includes(`/api/documents/${doc}/pages/`));
        }""", [mid, excluded])

        # At last the secretary cancels the meeting; the member's list says so.
        cancel = sec.get_by_test_id("cancel-meeting")
        cancel.get_by_test_id("cancel-reason").fill("Trùng lịch họp của Đảng ủy xã")
        cancel.get_by_test_id("cancel-open").click()
        sec.get_by_test_id("confirm-ok").click()
        expect(sec.get_by_test_id("cancelled-notice")).to_contain_text("Trùng lịch họp")
        expect(sec.get_by_test_id("meeting-status")).to_have_attribute("data-status", "cancelled")
        member.reload()
        expect(member.get_by_test_id(f"cancelled-{mid}")).to_contain_text(
            "Cuộc họp đã bị hủy")
        expect(member.get_by_test_id(f"meeting-{mid}").get_by_test_id("meeting-status")
               ).to_have_text("Đã hủy")
        walk.shot(member, "invite-member-cancelled")
        cancels = mailbox.wait_for(4)[2:]
        assert all(x.ics_part.get_param("method") == "CANCEL" for x in cancels)
        # The tablet may have been saving that document's pages when the exclusion came: the
        # server refusing them (404, as for anything out of reach) is the protection working,
        # and the browser logs the refused request. Nothing else may be logged.
        refused = f"/api/documents/{excluded}/pages/"
        assert [e for e in walk.errors
                if not (e.startswith("uyvien1: console: Failed to load resource: the server "
                                     "responded with a status of 404") and refused in e)] == []
