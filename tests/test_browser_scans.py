"""The scans of the signature in Chromium, against the real server, at tablet sizes: the
administrator replaces the demo's sample seal on the body's page with an uploaded scan (a
refused file first, with the reason shown), sees its printed size, and removes it; a member
uploads their own signature from "Chữ ký của tôi" in the header. Screenshots: scans-*.png."""

from __future__ import annotations

import re
from contextlib import closing
from pathlib import Path

import pytest

from meetings.minutes.stamps import seal_png, signature_png
from tests.conftest import LiveServer, require_tool
from tests.test_browser import CHROMIUM, Walk, chromium
from tests.test_signer_images import opaque_png, with_dpi

pytestmark = [pytest.mark.browser, pytest.mark.server]


def shot(walk: Walk, page, name: str) -> None:  # type: ignore[no-untyped-def]
    if walk.artifacts is not None:
        page.screenshot(path=str(walk.artifacts / f"scans-{name}.png"), animations="disabled",
                        full_page=True)


def test_the_administrator_uploads_and_removes_a_seal_and_a_member_their_signature(
        live_server: LiveServer, demo, artifacts: Path | None, tmp_path: Path) -> None:
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    opaque = tmp_path / "con-dau-nen-trang.png"
    opaque.write_bytes(opaque_png(400, 400))
    seal = tmp_path / "con-dau.png"
    seal.write_bytes(with_dpi(seal_png("ỦY BAN NHÂN DÂN XÃ TƯỜNG TIẾN", "Hưng Yên"), 600 / 1.2))
    mine = tmp_path / "chu-ky.png"
    mine.write_bytes(signature_png("Hoàng Minh Tuấn"))

    with chromium() as browser:
        walk = Walk(browser, live_server, artifacts)
        admin = walk.log_in("admin", f"/admin/bodies/{demo.body_id}", width=810, height=1080)
        card = admin.get_by_test_id("seal-card")
        # the demo's sample seal, 36 mm
        expect(card.get_by_test_id("scan-size")).to_contain_text("36,1 × 36,1 mm")
        card.get_by_test_id("scan-file").set_input_files(str(opaque))
        card.get_by_test_id("scan-upload").click()
        expect(card.get_by_test_id("scan-error")).to_contain_text("nền trong suốt")
        card.get_by_test_id("scan-file").set_input_files(str(seal))
        card.get_by_test_id("scan-upload").click()
        expect(card.get_by_test_id("scan-flash")).to_have_text("Đã lưu hình ảnh con dấu.")
        expect(card.get_by_test_id("scan-error")).to_have_count(0)
        # 426 px at 500 dpi: 21.6 mm, read from the file
        expect(card.get_by_test_id("scan-size")).to_contain_text("21,6 × 21,6 mm")
        expect(card.get_by_test_id("scan-image")).to_be_visible()
        card.scroll_into_view_if_needed()
        shot(walk, admin, "seal-810")
        admin.set_viewport_size({"width": 1280, "height": 800})
        card.scroll_into_view_if_needed()
        shot(walk, admin, "seal-1280")

        card.get_by_test_id("scan-remove").click()
        admin.get_by_test_id("confirm-ok").click()
        expect(card.get_by_test_id("scan-none")).to_have_text("Chưa có hình ảnh con dấu.")
        expect(card.get_by_test_id("scan-remove")).to_have_count(0)
        with closing(live_server.session("admin")) as http:
            assert http.get(f"/api/admin/bodies/{demo.body_id}/seal-image").json() == {
                "image": None}
            entries = http.get("/api/admin/audit?action=body").json()["entries"]
            actions = [e["action"] for e in entries]
        assert actions[:2] == ["body.seal_removed", "body.seal_set"]

        member = walk.log_in("uyvien1", "/meetings", width=810, height=1080)
        expect(member.get_by_test_id("my-signature")).to_have_text("Chữ ký của tôi")
        expect(member.get_by_test_id("page-title")).to_be_visible()
        shot(walk, member, "meetings-header-810")
        member.get_by_test_id("my-signature").click()
        member.wait_for_url(re.compile(r"/me/signature$"))
        sig = member.get_by_test_id("signature-card")
        expect(sig.get_by_test_id("scan-none")).to_be_visible()
        sig.get_by_test_id("scan-file").set_input_files(str(mine))
        sig.get_by_test_id("scan-upload").click()
        expect(sig.get_by_test_id("scan-flash")).to_have_text("Đã lưu hình ảnh chữ ký.")
        expect(sig.get_by_test_id("scan-image")).to_be_visible()
        shot(walk, member, "signature-810")
        member.get_by_test_id("lang-toggle").click()
        expect(member.get_by_test_id("page-title")).to_have_text("My signature")
        shot(walk, member, "signature-810-en")
        with closing(live_server.session("uyvien1")) as http:
            assert http.get("/api/me/signature-image").json()["image"]["width_px"] > 0
        assert [e for e in walk.errors if "status of 422" not in e] == []
