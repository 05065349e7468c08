"""A tablet in Debian's Chromium keeps up with the room through a server restart: it shows that
it lost the connection, comes back by itself (backoff with jitter), takes the fresh snapshot the
new epoch calls for, and then follows page changes again, with no reload by the member."""

from __future__ import annotations

import re
from contextlib import closing
from pathlib import Path

import pytest

from tests.conftest import LiveServer, require_tool, start_server, stop_server
from tests.test_browser import CHROMIUM, TIMEOUT_MS, Walk, chromium, page_src


@pytest.mark.browser
@pytest.mark.server
def test_a_tablet_comes_back_by_itself_after_a_server_restart(
    live_server: LiveServer, tmp_path: Path
) -> None:
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    meeting_id = live_server.demo.meeting_id
    with closing(live_server.session("thuky")) as sec:
        assert sec.post(f"/api/meetings/{meeting_id}/start").status_code == 200
        with chromium() as browser:
            walk = Walk(browser, live_server, None)
            member = walk.log_in("uyvien1", f"/m/{meeting_id}", width=800, height=1280)
            state = member.get_by_test_id("conn-state")
            expect(state).to_have_attribute("data-state", "live")
            assert sec.post(f"/api/meetings/{meeting_id}/present",
                            json={"page": 2}).status_code == 200
            expect(member.get_by_test_id("viewer-img")).to_have_attribute("src", page_src(2))

            stop_server(live_server.process)
            expect(state).not_to_have_attribute("data-state", "live")
            live_server.process = start_server(live_server.settings, live_server.port,
                                               tmp_path / "restarted.log")
            # while the tablet was away the room moved on
            assert sec.post(f"/api/meetings/{meeting_id}/present",
                            json={"page": 4}).status_code == 200
            expect(state).to_have_attribute("data-state", "live")
            expect(member.get_by_test_id("viewer-img")).to_have_attribute("src", page_src(4))
            # and it follows live again
            assert sec.post(f"/api/meetings/{meeting_id}/present",
                            json={"page": 5}).status_code == 200
            expect(member.get_by_test_id("viewer-img")).to_have_attribute("src", page_src(5))
            assert member.url.endswith(f"/m/{meeting_id}")  # no reload, no login page
            errors = [e for e in walk.errors
                      if not re.search(r"WebSocket|ERR_CONNECTION_REFUSED|Failed to load", e)]
            assert errors == []
