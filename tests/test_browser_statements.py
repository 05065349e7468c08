"""What each speaker said, in Debian's Chromium against the real server: the secretary types a
statement beside the speakers' list in the console while the member speaks (saved when the box
loses focus), another with the Save button; the box follows the current item; after the meeting
the minutes page shows the statements, the secretary corrects one there, and the draft PDF
prints it under its item."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import pymupdf
import pytest

from tests.conftest import LiveServer, require_tool
from tests.test_browser import CHROMIUM, TIMEOUT_MS, Walk, chromium

SAID = "Đề nghị bổ sung kinh phí sửa chữa đường liên thôn, ưu tiên những tuyến đặc biệt khó khăn."
SAID_TOO = "Thống nhất với báo cáo; đề nghị làm rõ nguồn vốn đối ứng"
CORRECTED = "Thống nhất với báo cáo; đề nghị làm rõ nguồn vốn đối ứng của xã"


@pytest.mark.browser
@pytest.mark.server
def test_secretary_records_statements_in_the_console_and_the_minutes_print_them(
    live_server: LiveServer, artifacts: Path | None
) -> None:
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    meeting_id = live_server.demo.meeting_id
    tablet = f"/m/{meeting_id}"
    with closing(live_server.session("thuky")) as http:
        assert http.post(f"/api/meetings/{meeting_id}/start").status_code == 200
        items = [i["id"] for i in http.get(f"/api/meetings/{meeting_id}").json()["items"]]
    ids = {}
    for username in ("uyvien1", "uyvien2"):
        with closing(live_server.session(username)) as http:
            r = http.post(f"/api/meetings/{meeting_id}/speakers", json={"kind": "speech"})
            assert r.status_code == 201, r.text
            ids[username] = r.json()["id"]

    with chromium() as browser:
        walk = Walk(browser, live_server, artifacts)
        secretary = walk.log_in("thuky", tablet)  # a laptop: 1280x800, the panels docked
        expect(secretary.get_by_test_id("conn-state")).to_have_attribute("data-state", "live")
        member = walk.log_in("uyvien1", tablet, width=810, height=1080)
        expect(member.get_by_test_id("conn-state")).to_have_attribute("data-state", "live")
        # nobody has spoken on the item yet: no statement box
        expect(secretary.get_by_test_id("speaker-queue")).to_contain_text("Hoàng Minh Tuấn")
        expect(secretary.get_by_test_id("statements")).to_have_count(0)

        # The first speaker has the floor: a box for the turn; typed, then saved on leaving it.
        secretary.get_by_test_id(f"speaker-floor-{ids['uyvien1']}").click()
        box = secretary.get_by_test_id(f"statement-{ids['uyvien1']}")
        expect(box).to_contain_text("Hoàng Minh Tuấn")
        expect(secretary.get_by_test_id("statements")).to_contain_text("Tóm tắt ý kiến")
        text = secretary.get_by_test_id(f"statement-text-{ids['uyvien1']}")
        text.fill(SAID)
        expect(box).to_have_attribute("data-state", "unsaved")
        secretary.get_by_test_id("speakers-panel").get_by_role("heading").first.click()
        expect(box).to_have_attribute("data-state", "saved")
        state = secretary.get_by_test_id(f"statement-state-{ids['uyvien1']}")
        expect(state).to_have_text("Đã lưu.")
        walk.shot(secretary, "statements-console-1280x800")

        # The second speaker: the first turn ends and keeps its text; this one uses Save.
        secretary.get_by_test_id(f"speaker-floor-{ids['uyvien2']}").click()
        second = secretary.get_by_test_id(f"statement-{ids['uyvien2']}")
        expect(second).to_contain_text("Vũ Thị Lan")
        secretary.get_by_test_id(f"statement-text-{ids['uyvien2']}").fill(SAID_TOO)
        secretary.get_by_test_id(f"statement-save-{ids['uyvien2']}").click()
        expect(second).to_have_attribute("data-state", "saved")
        expect(text).to_have_value(SAID)
        # the member's tablet shows the list, never the secretary's summaries
        member.get_by_test_id("tool-speakers").click()
        expect(member.get_by_test_id("speaker-current")).to_contain_text("Vũ Thị Lan")
        expect(member.get_by_test_id("statements")).to_have_count(0)
        assert SAID not in member.content()

        # The boxes follow the current item: none on item 2, item 1's again when it is back.
        with closing(live_server.session("thuky")) as http:
            assert http.post(f"/api/meetings/{meeting_id}/present",
                             json={"item_id": items[1]}).status_code == 200
            expect(secretary.get_by_test_id("statements")).to_have_count(0)
            assert http.post(f"/api/meetings/{meeting_id}/present",
                             json={"item_id": items[0]}).status_code == 200
        expect(secretary.get_by_test_id(f"statement-text-{ids['uyvien1']}")).to_have_value(SAID)

        # Portrait tablet (810x1080): the console's speakers' list is a sheet; the boxes fit it.
        portrait = walk.log_in("thuky", tablet, width=810, height=1080)
        portrait.get_by_test_id("tool-speakers").click()
        expect(portrait.get_by_test_id(f"statement-text-{ids['uyvien2']}")).to_have_value(SAID_TOO)
        walk.shot(portrait, "statements-console-810x1080")
        # in English the screen's words change, never what was typed (the body's language)
        portrait.get_by_test_id("lang-toggle").click()
        expect(portrait.get_by_test_id("statements")).to_contain_text("Summary of what was said")
        expect(portrait.get_by_test_id(f"statement-text-{ids['uyvien2']}")).to_have_value(SAID_TOO)
        walk.shot(portrait, "statements-console-810x1080-en")
        portrait.get_by_test_id("lang-toggle").click()  # the language is kept per browser
        portrait.context.close()

        # After the meeting: the minutes page shows each turn's statement and saves a correction.
        with closing(live_server.session("thuky")) as http:
            assert http.post(f"/api/meetings/{meeting_id}/end").status_code == 200
        secretary.goto(f"{live_server.url}{tablet}/minutes")
        statements = secretary.get_by_test_id(f"item-statements-{items[0]}")
        expect(statements).to_contain_text("Hoàng Minh Tuấn")
        box = secretary.get_by_test_id(f"statement-text-{ids['uyvien2']}")
        expect(box).to_have_value(SAID_TOO)
        expect(secretary.get_by_test_id(f"statement-text-{ids['uyvien1']}")).to_have_value(SAID)
        box.fill(CORRECTED)
        # leaving the box for the preview saves it first; the preview has the correction
        secretary.get_by_test_id("minutes-preview").click()
        expect(secretary.get_by_test_id(f"statement-{ids['uyvien2']}")).to_have_attribute(
            "data-state", "saved")
        expect(secretary.get_by_test_id("preview-frame")).to_be_visible()
        walk.shot(secretary, "statements-minutes-1280x800")
        secretary.set_viewport_size({"width": 810, "height": 1080})
        secretary.get_by_test_id(f"item-statements-{items[0]}").scroll_into_view_if_needed()
        walk.shot(secretary, "statements-minutes-810x1080")
        assert walk.errors == []

    with closing(live_server.session("thuky")) as http:
        r = http.get(f"/api/meetings/{meeting_id}/minutes/preview.pdf")
        assert r.status_code == 200
    with pymupdf.open(stream=r.content, filetype="pdf") as doc:
        text = " ".join(" ".join(page.get_text().split()) for page in doc)
    under = text[text.index("Ý kiến phát biểu:"):text.index("2. ")]
    assert f"- Hoàng Minh Tuấn: {SAID}" in under
    assert f"- Vũ Thị Lan: {CORRECTED}." in under
    if artifacts is not None:
        (artifacts / "browser-statements-minutes.pdf").write_bytes(r.content)
