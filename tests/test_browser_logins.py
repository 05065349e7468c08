"""Throttled logins in Debian's Chromium against the real server: after wrong passwords the
member's login page says to wait (in Vietnamese), and the secretary unlocks the account from
the meeting's participants so the member logs in at once."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from meetings.demo.seed import DEMO_PASSWORD, Demo
from phonghop.settings import Settings
from tests.conftest import LiveServer, free_port, require_tool, start_server, stop_server
from tests.test_browser import CHROMIUM, Walk, chromium


@pytest.mark.browser
@pytest.mark.server
def test_the_secretary_unlocks_a_throttled_member(settings: Settings, demo: Demo,
                                                  tmp_path: Path,
                                                  artifacts: Path | None) -> None:
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    expect.set_options(timeout=30_000)
    port = free_port()
    # A first wait longer than the browser takes to start: only the unlock ends it in time.
    process = start_server(settings, port, tmp_path / "server.log",
                           {"PHONGHOP_LOGIN_BACKOFF_SECONDS": "60"})
    try:
        walk_through(LiveServer(f"http://127.0.0.1:{port}", port, settings, demo, process,
                                tmp_path / "server.log"), artifacts, expect)
    finally:
        stop_server(process)


def walk_through(live_server: LiveServer, artifacts: Path | None, expect: Any) -> None:
    with httpx.Client(base_url=live_server.url) as http:
        for n in range(6):
            r = http.post("/api/login", json={"username": "uyvien1", "password": f"sai-{n}"})
        assert r.status_code == 429
    with chromium() as browser:
        walk = Walk(browser, live_server, artifacts)
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        member = walk.watch(context.new_page(), "uyvien1")
        member.goto(f"{live_server.url}/login?next=/meetings")
        member.get_by_test_id("login-username").fill("uyvien1")
        member.get_by_test_id("login-password").fill(DEMO_PASSWORD)
        member.get_by_test_id("login-submit").click()
        expect(member.get_by_text(re.compile("Đăng nhập sai quá nhiều lần"))).to_be_visible()
        walk.shot(member, "login-throttled")

        secretary = walk.log_in("thuky", "/m/1/prepare")
        secretary.get_by_test_id("unlock-uyvien1").click()
        expect(secretary.get_by_test_id("unlocked")).to_contain_text("Hoàng Minh Tuấn")
        walk.shot(secretary, "login-unlocked")

        member.get_by_test_id("login-submit").click()
        member.wait_for_url(re.compile(r"/meetings$"))
    # The only console errors are the refused logins themselves (429 responses).
    assert all("429" in e for e in walk.errors), walk.errors
