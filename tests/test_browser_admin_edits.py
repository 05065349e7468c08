"""The administrator's edits in Chromium at 1280×800, against the real server, beyond what
test_browser_admin walks through: a user's name, title, contact and system role changed in
the edit form; a password reset from the browser (the new one shown once, the old one refused
at once, the person's open login ended); a user deactivated and reactivated, then logging in
again; a body's place, default secretary and chair, the company board's vote rule and a
member removed, each still there after a reload and in GET /api/admin/bodies/{id}; the
People's Committee offered no company-board rule; and no body page ever saying that "cần 0"
(zero) people must be present. Screenshots: admin-edits-*.png."""

from __future__ import annotations

import re
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest

from meetings.demo.seed import DEMO_PASSWORD
from tests.conftest import LiveServer, require_tool
from tests.test_browser import CHROMIUM, Walk, chromium
from tests.test_browser_admin import choose, shot

pytestmark = [pytest.mark.browser, pytest.mark.server]

# A body page that says no one at all need be present, whatever the members.
NOBODY_NEEDED = "cần 0"


def log_in_over_http(server: LiveServer, username: str, password: str) -> httpx.Response:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        return client.post("/api/login", json={"username": username, "password": password})


def refused(response: httpx.Response) -> bool:
    return response.status_code == 401 and response.json().get("error") == "bad_credentials"


def body_view(admin: httpx.Client, body_id: int) -> dict[str, Any]:
    r = admin.get(f"/api/admin/bodies/{body_id}")
    assert r.status_code == 200, r.text
    return r.json()["body"]  # type: ignore[no-any-return]


def selected_label(select) -> str:  # type: ignore[no-untyped-def]
    """The text of the option a <select> shows."""
    return str(select.evaluate("s => s.options[s.selectedIndex].textContent")).strip()


def test_an_administrator_edits_users_and_bodies(
        live_server: LiveServer, artifacts: Path | None) -> None:
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    with closing(live_server.session("admin")) as http:
        people = {u["username"]: u["id"] for u in http.get("/api/admin/users").json()["users"]}

    with chromium() as browser:
        walk = Walk(browser, live_server, artifacts)
        admin = walk.log_in("admin", "/admin/users")
        flash = admin.get_by_test_id("admin-flash")

        def no_zero_quorum() -> None:
            expect(admin.get_by_test_id("quorum-now")).to_be_visible()
            expect(admin.locator("body")).not_to_contain_text(NOBODY_NEEDED)

        # --- a user's name, title and contact, then the system role
        row = admin.get_by_test_id("user-row-uyvien3")
        expect(row).to_contain_text("Đỗ Quang Vinh")
        admin.get_by_test_id("user-edit-uyvien3").click()
        edit = admin.get_by_test_id("user-edit-form")
        expect(edit.get_by_test_id("user-full_name")).to_have_value("Đỗ Quang Vinh")
        expect(edit.get_by_test_id("user-username")).to_have_count(0)  # not editable
        expect(edit.get_by_test_id("user-password")).to_have_count(0)
        edit.get_by_test_id("user-full_name").fill("Đỗ Quang Vĩnh")
        edit.get_by_test_id("user-title").fill("Ủy viên - Trưởng Công an xã Tường Tiến")
        edit.get_by_test_id("user-email").fill("vinh.dq@tuongtien.hungyen.gov.vn")
        edit.get_by_test_id("user-phone").fill("0221 3861 234")
        shot(walk, admin, "edits-user-form")
        edit.get_by_test_id("user-save").click()
        expect(flash).to_have_text("Đã lưu thông tin của Đỗ Quang Vĩnh.")
        expect(admin.get_by_test_id("user-edit-form")).to_have_count(0)
        for text in ("Đỗ Quang Vĩnh", "Ủy viên - Trưởng Công an xã Tường Tiến",
                     "vinh.dq@tuongtien.hungyen.gov.vn", "0221 3861 234", "Người dùng"):
            expect(row).to_contain_text(text)
        shot(walk, admin, "edits-user-saved")

        admin.get_by_test_id("user-edit-uyvien3").click()
        expect(edit.get_by_test_id("user-title")).to_have_value(
            "Ủy viên - Trưởng Công an xã Tường Tiến")
        choose(edit.get_by_test_id("user-role"), "Văn thư - Lưu trữ")
        edit.get_by_test_id("user-save").click()
        expect(flash).to_have_text("Đã lưu thông tin của Đỗ Quang Vĩnh.")
        expect(row).to_contain_text("Văn thư - Lưu trữ")
        admin.reload()
        for text in ("Đỗ Quang Vĩnh", "Ủy viên - Trưởng Công an xã Tường Tiến",
                     "vinh.dq@tuongtien.hungyen.gov.vn", "0221 3861 234", "Văn thư - Lưu trữ"):
            expect(row).to_contain_text(text)
        shot(walk, admin, "edits-user-role")
        # back to a plain user, so the rest of the walk is a member like the others
        admin.get_by_test_id("user-edit-uyvien3").click()
        expect(edit.get_by_test_id("user-role")).to_have_value("archivist")
        edit.get_by_test_id("user-role").select_option("")
        edit.get_by_test_id("user-save").click()
        expect(flash).to_have_text("Đã lưu thông tin của Đỗ Quang Vĩnh.")
        expect(row).to_contain_text("Người dùng")
        expect(row).not_to_contain_text("Văn thư - Lưu trữ")

        # --- a password reset: shown once, the old one refused, the open login ended
        member = live_server.session("uyvien3")
        with closing(member):
            assert member.get("/api/me").status_code == 200
            admin.get_by_test_id("user-reset-uyvien3").click()
            # it asks first: it logs the person out everywhere
            expect(admin.get_by_test_id("confirm-dialog")).to_contain_text("Đỗ Quang Vĩnh")
            expect(admin.get_by_test_id("confirm-dialog")).to_contain_text("đăng xuất ngay")
            admin.get_by_test_id("confirm-cancel").click()
            assert member.get("/api/me").status_code == 200
            admin.get_by_test_id("user-reset-uyvien3").click()
            admin.get_by_test_id("confirm-ok").click()
            expect(flash).to_contain_text("Mật khẩu mới của Đỗ Quang Vĩnh: ")
            expect(flash).to_contain_text("chỉ hiển thị một lần")
            shot(walk, admin, "edits-password-reset")
            found = re.search(r"Đỗ Quang Vĩnh: (\S+) —", flash.inner_text())
            assert found is not None, flash.inner_text()
            password = found.group(1)
            assert len(password) >= 8 and password != DEMO_PASSWORD
            assert member.get("/api/me").status_code == 401
        assert refused(log_in_over_http(live_server, "uyvien3", DEMO_PASSWORD))
        assert log_in_over_http(live_server, "uyvien3", password).status_code == 200
        admin.reload()
        expect(row).to_be_visible()
        expect(admin.locator("body")).not_to_contain_text(password)

        # --- deactivated, refused; reactivated, logs in again (in the browser too)
        admin.get_by_test_id("user-deactivate-uyvien3").click()
        expect(admin.get_by_test_id("confirm-dialog")).to_contain_text("Đỗ Quang Vĩnh")
        admin.get_by_test_id("confirm-ok").click()
        expect(flash).to_contain_text("Đã khóa tài khoản Đỗ Quang Vĩnh")
        expect(row).to_contain_text("Đã khóa")
        expect(admin.get_by_test_id("user-reactivate-uyvien3")).to_be_visible()
        shot(walk, admin, "edits-user-deactivated")
        assert refused(log_in_over_http(live_server, "uyvien3", password))
        admin.get_by_test_id("user-reactivate-uyvien3").click()
        expect(flash).to_have_text("Đã mở khóa tài khoản Đỗ Quang Vĩnh.")
        expect(row).to_contain_text("Đang hoạt động")
        expect(admin.get_by_test_id("user-deactivate-uyvien3")).to_be_visible()
        shot(walk, admin, "edits-user-reactivated")
        assert log_in_over_http(live_server, "uyvien3", password).status_code == 200
        again = walk.watch(browser.new_context(viewport={"width": 1280, "height": 800})
                           .new_page(), "uyvien3")
        again.goto(f"{live_server.url}/login?next=/meetings")
        again.get_by_test_id("login-username").fill("uyvien3")
        again.get_by_test_id("login-password").fill(password)
        again.get_by_test_id("login-submit").click()
        again.wait_for_url(re.compile(r"/meetings$"))
        expect(again.get_by_text("Đỗ Quang Vĩnh").first).to_be_visible()
        shot(walk, again, "edits-user-back")
        again.context.close()

        # --- an `other` body: place, default secretary and chair, a preset, a member removed
        admin.get_by_test_id("admin-tab-bodies").click()
        admin.wait_for_url(re.compile(r"/admin/bodies$"))
        expect(admin.get_by_test_id("bodies-table")).to_be_visible()
        expect(admin.locator("body")).not_to_contain_text(NOBODY_NEEDED)
        admin.get_by_test_id("body-new").click()
        create = admin.get_by_test_id("body-create-form")
        create.get_by_test_id("body-name").fill("Hội đồng quản trị Công ty Nông sản Tường Tiến")
        create.get_by_test_id("body-code").fill("BB-HĐQT")
        create.get_by_test_id("body-kind").select_option("other")
        create.get_by_test_id("body-create").click()
        admin.wait_for_url(re.compile(r"/admin/bodies/\d+$"))
        body_id = int(admin.url.rsplit("/", 1)[1])
        expect(admin.get_by_test_id("page-title")).to_have_text(
            "Hội đồng quản trị Công ty Nông sản Tường Tiến")
        # no member yet: the rule alone, not a count of nobody
        expect(admin.get_by_test_id("quorum-now")).to_have_text("ít nhất 1/2 số thành viên")
        expect(admin.get_by_test_id("members-card")).to_contain_text("Chưa có thành viên.")
        no_zero_quorum()
        shot(walk, admin, "edits-body-new")
        for user, title in (("chutich", "Chủ tịch"), ("thuky", "Thư ký"),
                            ("phochutich1", "Thành viên"), ("uyvien3", "Thành viên")):
            adding = admin.get_by_test_id("member-add-form")
            choose(adding.get_by_test_id("member-user"), f"({user})")
            adding.get_by_test_id("member-title").fill(title)
            adding.get_by_test_id("member-add").click()
            expect(admin.get_by_test_id(f"member-{user}")).to_contain_text(title)
        expect(admin.get_by_test_id("member-uyvien3")).to_contain_text("Đỗ Quang Vĩnh")
        expect(admin.get_by_test_id("quorum-now")).to_contain_text(
            "với 4 thành viên biểu quyết, cần 2 người có mặt")
        no_zero_quorum()

        admin.get_by_test_id("body-place_name").fill("Tường Tiến")
        choose(admin.get_by_test_id("body-default_secretary_id"), "Nguyễn Thị Thu")
        choose(admin.get_by_test_id("body-default_chair_id"), "Trần Văn Đức")
        admin.get_by_test_id("body-save").click()
        expect(flash).to_have_text("Đã lưu.")
        shot(walk, admin, "edits-body-defaults")

        quorum = admin.get_by_test_id("quorum-card")
        presets = quorum.get_by_test_id("rule-preset")
        expect(presets.locator("option[value=company_board]")).to_have_count(1)
        expect(quorum.get_by_test_id("rule-save")).to_be_disabled()
        presets.select_option("company_board")
        quorum.get_by_test_id("rule-save").click()
        expect(flash).to_have_text("Đã lưu.")
        expect(admin.get_by_test_id("rule-now")).to_contain_text("quá nửa số thành viên có mặt")
        expect(admin.get_by_test_id("quorum-now")).to_contain_text("ít nhất 3/4")
        expect(admin.get_by_test_id("quorum-now")).to_contain_text("cần 3 người có mặt")
        no_zero_quorum()
        shot(walk, admin, "edits-body-preset")

        admin.get_by_test_id("member-remove-uyvien3").click()
        expect(admin.get_by_test_id("member-uyvien3")).to_have_count(0)
        expect(flash).to_have_text("Đã lưu.")
        expect(admin.get_by_test_id("quorum-now")).to_contain_text(
            "với 3 thành viên biểu quyết, cần 3 người có mặt")
        # the one removed may be added again; the others may not
        member_choice = admin.get_by_test_id("member-add-form").get_by_test_id("member-user")
        expect(member_choice.locator("option", has_text="(uyvien3)")).to_have_count(1)
        expect(member_choice.locator("option", has_text="(chutich)")).to_have_count(0)
        no_zero_quorum()
        shot(walk, admin, "edits-body-member-removed")

        # after a reload, as saved
        admin.reload()
        expect(admin.get_by_test_id("page-title")).to_have_text(
            "Hội đồng quản trị Công ty Nông sản Tường Tiến")
        expect(admin.get_by_test_id("body-place_name")).to_have_value("Tường Tiến")
        secretary = admin.get_by_test_id("body-default_secretary_id")
        chair = admin.get_by_test_id("body-default_chair_id")
        expect(secretary).to_have_value(str(people["thuky"]))
        expect(chair).to_have_value(str(people["chutich"]))
        assert selected_label(secretary).startswith("Nguyễn Thị Thu")
        assert selected_label(chair).startswith("Trần Văn Đức")
        expect(admin.get_by_test_id("rule-now")).to_contain_text("quá nửa số thành viên có mặt")
        expect(admin.get_by_test_id("quorum-now")).to_contain_text("ít nhất 3/4")
        expect(admin.get_by_test_id("member-chutich")).to_be_visible()
        expect(admin.get_by_test_id("member-uyvien3")).to_have_count(0)
        expect(admin.get_by_test_id("members-table").locator("tbody tr")).to_have_count(3)
        no_zero_quorum()
        shot(walk, admin, "edits-body-reloaded")

        # and as the server has it
        with closing(live_server.session("admin")) as http:
            body = body_view(http, body_id)
        assert body["kind"] == "other" and body["place_name"] == "Tường Tiến"
        assert body["default_secretary_id"] == people["thuky"]
        assert body["default_chair_id"] == people["chutich"]
        assert (body["rules"]["rule"]["basis"], body["rules"]["rule"]["numerator"],
                body["rules"]["rule"]["denominator"], body["rules"]["rule"]["strict"],
                body["rules"]["rule"]["tie"]) == ("present", 1, 2, True, "chair")
        assert body["quorum"] == [3, 4]
        assert [m["username"] for m in body["members"]] == ["chutich", "thuky", "phochutich1"]
        assert body["quorum_required"] == 3

        # --- the People's Committee: no company-board rule on offer
        admin.get_by_test_id("admin-tab-bodies").click()
        admin.get_by_test_id(f"body-open-{live_server.demo.body_id}").click()
        admin.wait_for_url(re.compile(rf"/admin/bodies/{live_server.demo.body_id}$"))
        expect(admin.get_by_test_id("quorum-legal")).to_be_visible()
        presets = admin.get_by_test_id("rule-preset")
        expect(presets.locator("option[value=people_committee]")).to_have_count(1)
        expect(presets.locator("option[value=company_board]")).to_have_count(0)
        expect(presets).not_to_contain_text("Hội đồng quản trị")
        expect(admin.get_by_test_id("body-place_name")).to_have_value("Tường Tiến")
        no_zero_quorum()
        shot(walk, admin, "edits-body-committee")

        assert walk.errors == []
