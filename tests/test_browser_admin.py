"""The administrator's screens in Chromium at 1280×800, against the real server: an
administrator creates a user, a body with members and positions, changes the quorum of an
`other` body (a People's Committee's is shown as the law's, with nothing to edit), deactivates
a member whose tablet is open in a running meeting (the tablet is sent to the login page at
once), and reads the audit view, filtered. Screenshots: admin-*.png."""

from __future__ import annotations

import re
from contextlib import closing
from pathlib import Path

import pytest

from tests.conftest import LiveServer, require_tool
from tests.test_browser import CHROMIUM, Walk, chromium

pytestmark = [pytest.mark.browser, pytest.mark.server]


def choose(select, text: str) -> None:  # type: ignore[no-untyped-def]
    """Pick the option whose label holds `text`."""
    value = select.locator("option", has_text=text).first.get_attribute("value")
    select.select_option(value)


def shot(walk: Walk, page, name: str) -> None:  # type: ignore[no-untyped-def]
    if walk.artifacts is not None:
        page.screenshot(path=str(walk.artifacts / f"admin-{name}.png"), animations="disabled",
                        full_page=True)


def test_an_administrator_runs_users_bodies_quorum_and_audit(
        live_server: LiveServer, artifacts: Path | None) -> None:
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    with closing(live_server.session("thuky")) as http:
        assert http.post("/api/meetings/1/start").status_code == 200

    with chromium() as browser:
        walk = Walk(browser, live_server, artifacts)
        tablet = walk.log_in("uyvien1", "/m/1", width=800, height=1280)
        expect(tablet.get_by_test_id("conn-state")).to_have_attribute("data-state", "live")
        admin = walk.log_in("admin", "/meetings")
        admin.get_by_test_id("admin-link").click()
        admin.wait_for_url(re.compile(r"/admin/users$"))

        # a user
        expect(admin.get_by_test_id("user-row-chutich")).to_be_visible()
        admin.get_by_test_id("user-new").click()
        form = admin.get_by_test_id("user-create-form")
        form.get_by_test_id("user-username").fill("uyvien4")
        form.get_by_test_id("user-full_name").fill("Đinh Văn Khoa")
        form.get_by_test_id("user-title").fill("Ủy viên Hội đồng trường")
        form.get_by_test_id("user-email").fill("khoa@dhhy.edu.vn")
        form.get_by_test_id("user-password").fill("mat-khau-khoa-1")
        form.get_by_test_id("user-save").click()
        flash = admin.get_by_test_id("admin-flash")
        expect(flash).to_contain_text("Đã tạo tài khoản Đinh Văn Khoa")
        row = admin.get_by_test_id("user-row-uyvien4")
        expect(row).to_contain_text("khoa@dhhy.edu.vn")
        admin.get_by_test_id("users-q").fill("dinh khoa")
        admin.get_by_test_id("users-search").click()
        expect(admin.get_by_test_id("users-table").locator("tbody tr")).to_have_count(1)
        admin.get_by_test_id("users-q").fill("")
        admin.get_by_test_id("users-search").click()
        expect(admin.get_by_test_id("user-row-chutich")).to_be_visible()
        shot(walk, admin, "users")

        # a body of kind `other`, with members and positions
        admin.get_by_test_id("admin-tab-bodies").click()
        admin.wait_for_url(re.compile(r"/admin/bodies$"))
        admin.get_by_test_id("body-new").click()
        create = admin.get_by_test_id("body-create-form")
        create.get_by_test_id("body-name").fill("Hội đồng trường Đại học Hưng Yên")
        create.get_by_test_id("body-code").fill("BB-HĐT")
        create.get_by_test_id("body-kind").select_option("other")
        create.get_by_test_id("body-create").click()
        admin.wait_for_url(re.compile(r"/admin/bodies/\d+$"))
        expect(admin.get_by_test_id("page-title")).to_have_text("Hội đồng trường Đại học Hưng Yên")
        for user, title in (("chutich", "Chủ tịch"), ("uyvien4", "Ủy viên"),
                            ("phochutich1", "Phó Chủ tịch")):
            adding = admin.get_by_test_id("member-add-form")
            choose(adding.get_by_test_id("member-user"), f"({user})")
            adding.get_by_test_id("member-title").fill(title)
            adding.get_by_test_id("member-add").click()
            expect(admin.get_by_test_id(f"member-{user}")).to_contain_text(title)
        quorum = admin.get_by_test_id("quorum-card")
        expect(admin.get_by_test_id("quorum-now")).to_contain_text("cần 2 người có mặt")
        quorum.get_by_test_id("quorum-n").fill("3")
        quorum.get_by_test_id("quorum-d").fill("4")
        quorum.get_by_test_id("quorum-save").click()
        expect(admin.get_by_test_id("quorum-now")).to_contain_text("ít nhất 3/4")
        expect(admin.get_by_test_id("quorum-now")).to_contain_text("cần 3 người có mặt")
        # zero only on purpose: refused without the confirmation
        quorum.get_by_test_id("quorum-n").fill("0")
        quorum.get_by_test_id("quorum-save").click()
        expect(admin.get_by_test_id("error")).to_have_attribute("data-error", "zero_quorum")
        quorum.get_by_test_id("quorum-n").fill("3")
        choose(admin.get_by_test_id("body-default_chair_id"), "Trần Văn Đức")
        admin.get_by_test_id("body-recipients").fill(
            "Bộ Giáo dục và Đào tạo\nCác thành viên Hội đồng")
        admin.get_by_test_id("body-save").click()
        expect(admin.get_by_test_id("admin-flash")).to_have_text("Đã lưu.")
        shot(walk, admin, "body-other")

        # the People's Committee: the law's quorum, shown and not editable
        admin.get_by_test_id("admin-tab-bodies").click()
        expect(admin.get_by_test_id("bodies-table")).to_contain_text("theo luật định")
        admin.get_by_test_id(f"body-open-{live_server.demo.body_id}").click()
        expect(admin.get_by_test_id("quorum-legal")).to_contain_text("hai phần ba")
        expect(admin.get_by_test_id("quorum-n")).to_have_count(0)
        expect(admin.get_by_test_id("quorum-now")).to_contain_text("cần 4 người có mặt")
        expect(admin.get_by_test_id("member-uyvien1")).to_contain_text("Ủy viên")
        shot(walk, admin, "body-committee")

        # deactivating a member ends their open tablet at once
        admin.get_by_test_id("admin-tab-users").click()
        admin.get_by_test_id("user-deactivate-uyvien1").click()
        expect(admin.get_by_test_id("confirm-dialog")).to_contain_text("Hoàng Minh Tuấn")
        shot(walk, admin, "deactivate-confirm")
        admin.get_by_test_id("confirm-ok").click()
        expect(flash).to_contain_text("Đã khóa tài khoản Hoàng Minh Tuấn")
        expect(admin.get_by_test_id("user-row-uyvien1")).to_contain_text("Đã khóa")
        tablet.wait_for_url(re.compile(r"/login\?next="), timeout=15_000)
        shot(walk, tablet, "tablet-ended")

        # the audit view, filtered
        admin.get_by_test_id("admin-tab-audit").click()
        expect(admin.get_by_test_id("audit-table")).to_be_visible()
        expect(admin.get_by_test_id("audit-table")).to_contain_text("Khóa tài khoản")
        admin.get_by_test_id("audit-action").select_option("body.quorum")
        admin.get_by_test_id("audit-filter").click()
        admin.wait_for_url(re.compile(r"action=body\.quorum"))
        rows = admin.get_by_test_id("audit-row")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("1/2 → 3/4")
        expect(rows.first).to_contain_text("Quản trị hệ thống")
        admin.get_by_test_id("audit-action").select_option("login")
        admin.get_by_test_id("audit-filter").click()
        expect(rows.first).to_have_attribute("data-action", re.compile(r"^login\."))
        shot(walk, admin, "audit")

        # English on request
        admin.get_by_test_id("lang-toggle").click()
        expect(admin.get_by_test_id("admin-tab-audit")).to_have_text("Audit log")
        expect(rows.first).to_contain_text("Logged in")
        shot(walk, admin, "audit-en")
        # the refusals asked for: the zero quorum (422), the tablet's ended login (401)
        expected = ("status of 422", "status of 401")
        assert [e for e in walk.errors if not any(x in e for x in expected)] == []
