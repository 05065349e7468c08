"""The secretary follows uploads in Debian's Chromium against the real server, at 1280×800: a
good file queued behind two slow bad ones says it waits its turn, then becomes a document; the
bad ones are refused with the server's bilingual message under their item, and still are after
a reload, until dismissed; the policy panel says who downloads the originals, and a member is
then pointed to the cleaned copy. Screenshots go to PHONGHOP_TEST_ARTIFACTS
(browser-uploads-*.png)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from meetings.documents.ingest import MESSAGES
from tests import hostile_files as h
from tests.conftest import LiveServer, require_tool
from tests.test_browser import CHROMIUM, Walk, chromium


@pytest.fixture
def slow_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """The server below gives a file 10 s of CPU (set before it starts)."""
    monkeypatch.setenv("PHONGHOP_INGEST_CPU_SECONDS", "10")


def choose(page, item_id: int, name: str, data: bytes) -> None:  # type: ignore[no-untyped-def]
    page.get_by_test_id(f"upload-file-{item_id}").set_input_files(
        {"name": name, "mimeType": "application/pdf", "buffer": data})
    page.get_by_test_id(f"upload-submit-{item_id}").click()


@pytest.mark.browser
@pytest.mark.server
def test_the_secretary_sees_where_each_file_is_even_after_a_reload(
        slow_reader: None, live_server: LiveServer, artifacts: Path | None) -> None:
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    expect.set_options(timeout=60_000)
    with chromium() as browser:
        walk = Walk(browser, live_server, artifacts)
        page = walk.log_in("thuky", "/m/1/prepare")
        expect(page.locator("[data-testid^=upload-file-]").first).to_be_attached()
        items = [int(i) for i in page.locator("[data-testid^=upload-file-]").evaluate_all(
            "els => els.map(e => e.dataset.testid.split('-').pop())")]
        first, second = items[0], items[1]
        # Two slow bad files from another tab (the API), taking both reading slots.
        with httpx.Client(base_url=live_server.url, timeout=30) as api:
            api.post("/api/login", json={"username": "thuky", "password": "phonghop2026"})
            for name in ("bom-1.pdf", "bom-2.pdf"):
                r = api.post(f"/api/meetings/1/items/{second}/documents",
                             headers={"Prefer": "respond-async"},
                             files={"file": (name, h.content_bomb(), "application/pdf")})
                assert r.status_code == 202, r.text
        # The good file: answered at once, and the page says it waits its turn.
        choose(page, first, "to-trinh-so-12.pdf", h.simple_pdf("Tờ trình số 12 về đầu tư"))
        bar = page.get_by_test_id("upload-progress")
        expect(bar).to_have_attribute("data-stage", "waiting")
        expect(page.get_by_test_id("upload-progress-text")).to_contain_text("chờ đến lượt")
        page.get_by_test_id(f"upload-{first}").evaluate(
            "e => e.scrollIntoView({block: 'center'})")
        walk.shot(page, "uploads-waiting")
        # the bad files are listed under their item, still being read
        pending = page.locator(f"[data-testid=upload-{second}] [data-testid^=pending-upload-]"
                               "[data-stage]")
        expect(pending).to_have_count(2)
        # then it is read and becomes a document of the item
        expect(page.get_by_test_id("upload-message")).to_contain_text("1 trang")
        expect(page.get_by_role("link", name="to-trinh-so-12", exact=True)).to_be_visible()

        # The bad files are refused: the server's message under their item...
        vi, _ = MESSAGES["too_complex"]
        refusals = page.locator(f"[data-testid=upload-{second}] [data-testid$=-refusal]")
        expect(refusals).to_have_count(2)
        expect(refusals.first).to_contain_text(vi)
        # ...and still after a reload, until dismissed
        page.reload()
        refusals = page.locator(f"[data-testid=upload-{second}] [data-testid$=-refusal]")
        expect(refusals).to_have_count(2)
        expect(refusals.first).to_contain_text("Không nhận tệp bom-")
        refusals.first.evaluate("e => e.scrollIntoView({block: 'center'})")
        walk.shot(page, "uploads-refused-after-reload")
        dismiss = refusals.first.locator("[data-testid^=dismiss-upload-]")
        expect(dismiss).to_have_text("Đã xem")
        dismiss.click()
        expect(refusals).to_have_count(1)
        page.reload()
        expect(page.locator(f"[data-testid=upload-{second}] [data-testid$=-refusal]")
               ).to_have_count(1)

        # Who downloads the originals: the policy panel.
        originals = page.get_by_test_id("policy-originals")
        expect(originals).to_have_value("staff")
        expect(page.get_by_test_id("doc-policy")).to_contain_text("Thư ký và chủ tọa")
        page.evaluate("window.scrollTo(0, 0)")
        page.get_by_test_id("doc-policy").evaluate("e => e.scrollIntoView({block: 'center'})")
        walk.shot(page, "uploads-policy")
        originals.select_option("nobody")
        with httpx.Client(base_url=live_server.url, timeout=30) as api:
            api.post("/api/login", json={"username": "thuky", "password": "phonghop2026"})
            for _ in range(50):
                if api.get("/api/meetings/1/document-policy").json()["originals"] == "nobody":
                    break
                page.wait_for_timeout(100)
            document_id = api.get("/api/meetings/1").json()["items"][0]["documents"][0]["id"]
            r = api.get(f"/api/documents/{document_id}/file")
            assert r.status_code == 403 and r.json()["error"] == "original_withheld"
        page.reload()
        expect(page.get_by_test_id("policy-originals")).to_have_value("nobody")
        assert walk.errors == []
