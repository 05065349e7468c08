"""Documents in Debian's Chromium against the real server: the secretary uploads with
progress (bytes sent, then pages rendered), a member's tablet shows the new document with
thumbnails, finds words with or without diacritics boxed on the page, zooms for a sharper
image, and switches live to a new version while keeping its page; a search across the
meeting's documents lists hits by document and opens the chosen page with the words boxed."""

from __future__ import annotations

import re
from contextlib import closing
from pathlib import Path

import pytest

from meetings.demo import documents as demo_documents
from tests.conftest import LiveServer, require_tool
from tests.test_browser import CHROMIUM, TIMEOUT_MS, Walk, chromium


@pytest.mark.browser
@pytest.mark.server
def test_upload_search_zoom_and_version_switch(live_server: LiveServer,
                                               artifacts: Path | None) -> None:
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    expect.set_options(timeout=60_000)
    with chromium() as browser:
        walk = Walk(browser, live_server, artifacts)
        secretary = walk.log_in("thuky", "/m/1/prepare")
        member = walk.log_in("uyvien1", "/m/1", width=900, height=1200)
        expect(member.get_by_test_id("conn-state")).to_have_attribute("data-state", "live")

        # Upload: the bar fills as bytes go out, then the server's render progress.
        secretary.get_by_test_id("upload-file-2").set_input_files(
            {"name": "ke-hoach.pdf", "mimeType": "application/pdf",
             "buffer": demo_documents.long_pdf(40)})
        secretary.get_by_test_id("upload-title-2").fill("Kế hoạch đầu tư công")
        secretary.get_by_test_id("upload-submit-2").click()
        bar = secretary.get_by_test_id("upload-progress").locator("progress")
        expect(bar).to_have_attribute("value", "100")  # all bytes sent; the server reads it
        expect(secretary.get_by_test_id("upload-message")).to_contain_text("40")
        progress = secretary.get_by_test_id("doc-progress")
        expect(progress).to_have_attribute("data-total", "40")
        expect(progress).to_have_attribute("data-ready", "40")
        walk.shot(secretary, "documents-uploaded")

        # The member's tablet lists the document (announced once page 1 was ready).
        with closing(live_server.session("thuky")) as http:
            docs = http.get("/api/meetings/1").json()["items"][1]["documents"]
        doc = next(d for d in docs if d["title"] == "Kế hoạch đầu tư công")
        if member.get_by_test_id("agenda-toggle").is_visible():
            member.get_by_test_id("agenda-toggle").click()
        member.get_by_test_id(f"open-doc-{doc['id']}").click()
        image = member.get_by_test_id("viewer-img")
        expect(image).to_have_attribute("src", re.compile(rf"/api/documents/{doc['id']}/pages/1\?"))
        expect(member.get_by_test_id("thumb")).to_have_count(40)

        # Search without diacritics; the hits are boxed on the page.
        member.get_by_test_id("search-toggle").click()  # the search row, from the toolbar
        member.get_by_test_id("doc-search-input").fill("tai lieu dai")
        member.get_by_test_id("doc-search-go").click()
        expect(member.get_by_test_id("doc-search-count")).to_contain_text("40")
        boxes = member.get_by_test_id("hit-box")
        expect(boxes).to_have_count(3)  # "Tài", "liệu", "dài" on this page
        frame = member.locator(".page-frame").bounding_box()
        first = boxes.first.bounding_box()
        assert frame and first and frame["y"] < first["y"] < frame["y"] + frame["height"] / 4
        walk.shot(member, "documents-search")

        # Zoom in: a wider (sharper) image is fetched for the same page.
        before = int(re.search(r"w=(\d+)", image.get_attribute("src") or "").group(1))  # type: ignore[union-attr]
        member.get_by_test_id("zoom-in").click()
        member.get_by_test_id("zoom-in").click()
        expect(member.get_by_test_id("zoom-level")).to_have_attribute("data-zoom", "2")
        expect(image).not_to_have_attribute("src", re.compile(rf"w={before}&"))
        after = int(re.search(r"w=(\d+)", image.get_attribute("src") or "").group(1))  # type: ignore[union-attr]
        assert after > before
        member.get_by_test_id("zoom-out").click()
        member.get_by_test_id("zoom-out").click()

        # The member goes to page 5 with a thumbnail; a new version (12 pages) arrives live.
        member.get_by_test_id("thumb").nth(4).click()
        expect(image).to_have_attribute("src", re.compile(r"/pages/5\?"))
        old_src = image.get_attribute("src")
        secretary.get_by_test_id(f"replace-file-{doc['id']}").set_input_files(
            {"name": "ke-hoach-v2.pdf", "mimeType": "application/pdf",
             "buffer": demo_documents.long_pdf(12)})
        expect(secretary.get_by_test_id("replace-message")).to_contain_text("12")
        expect(member.get_by_test_id("thumb")).to_have_count(12)
        expect(image).to_have_attribute("src", re.compile(r"/pages/5\?"))  # same page kept
        assert image.get_attribute("src") != old_src  # the new version's image
        member.wait_for_function(
            "() => { const i = document.querySelector('[data-testid=viewer-img]');"
            " return i && i.complete && i.naturalWidth > 0; }")
        walk.shot(member, "documents-version")
        member.set_default_timeout(TIMEOUT_MS)
        assert walk.errors == []


def pdf_of_pages(texts: list[list[str]]) -> bytes:
    """A PDF with the given lines on each page, in a font with every Vietnamese glyph."""
    import pymupdf

    from tests.hostile_files import FONT

    doc = pymupdf.open()
    for lines in texts:
        page = doc.new_page(width=595, height=842)
        for n, line in enumerate(lines):
            page.insert_text((72, 100 + 30 * n), line, fontname="F0", fontfile=FONT, fontsize=14)
    return bytes(doc.tobytes())


@pytest.mark.browser
@pytest.mark.server
def test_search_across_the_meetings_documents_opens_the_hit(live_server: LiveServer,
                                                            artifacts: Path | None) -> None:
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    with closing(live_server.session("thuky")) as http:
        def upload(item: int, name: str, title: str, data: bytes) -> dict:  # type: ignore[type-arg]
            r = http.post(f"/api/meetings/1/items/{item}/documents", data={"title": title},
                          files={"file": (name, data, "application/pdf")})
            assert r.status_code == 201, r.text
            return r.json()["document"]  # type: ignore[no-any-return]

        first = upload(1, "de-an.pdf", "Đề án chuyển đổi số", pdf_of_pages(
            [["Đề án chuyển đổi số cấp xã", "Trang đầu"], ["Chuyển đổi số: kết quả"]]))
        second = upload(2, "nong-thon.pdf", "Kế hoạch nông thôn mới", pdf_of_pages(
            [["Kế hoạch xây dựng nông thôn mới"], ["Vốn đầu tư công"],
             ["Hạng mục 3:", "Xây cầu treo Đắk Rồ qua suối", "Kinh phí 4,2 tỷ đồng"]]))

    with chromium() as browser:
        walk = Walk(browser, live_server, artifacts)
        member = walk.log_in("uyvien1", "/m/1", width=900, height=1200)
        expect(member.get_by_test_id("conn-state")).to_have_attribute("data-state", "live")
        member.get_by_test_id("agenda-toggle").click()

        # Typed without diacritics, "dak" for "Đắk": only the second document has it, page 3.
        member.get_by_test_id("meeting-search-input").fill("cau treo dak")
        member.get_by_test_id("meeting-search-go").click()
        groups = member.get_by_test_id("search-group")
        expect(groups).to_have_count(1)
        expect(groups).to_have_attribute("data-document", str(second["id"]))
        expect(groups).to_contain_text("Kế hoạch nông thôn mới")
        hit = member.get_by_test_id("search-hit")
        expect(hit).to_have_count(1)
        expect(hit).to_have_attribute("data-page", "3")
        expect(hit).to_contain_text("Trang 3")
        expect(hit.locator("mark")).to_have_text("cầu treo Đắk")  # the words as written
        expect(hit).to_contain_text("Xây cầu treo Đắk Rồ qua suối")
        walk.shot(member, "meeting-search-hits")

        # Words in the first document (and the demo's report): one group for each, not the
        # second; the first document's two pages under its title.
        member.get_by_test_id("meeting-search-input").fill("chuyen doi so")
        member.get_by_test_id("meeting-search-go").click()
        mine = member.locator(f'[data-testid=search-group][data-document="{first["id"]}"]')
        expect(mine.get_by_test_id("search-hit")).to_have_count(2)
        expect(mine).to_contain_text("Đề án chuyển đổi số")
        expect(member.locator(f'[data-testid=search-group][data-document="{second["id"]}"]')
               ).to_have_count(0)
        member.get_by_test_id("meeting-search-input").fill("cau treo dak")
        member.get_by_test_id("meeting-search-go").click()
        expect(groups).to_have_count(1)

        # Choosing the hit opens that document at that page, the words boxed.
        hit.click()
        image = member.get_by_test_id("viewer-img")
        expect(image).to_have_attribute(
            "src", re.compile(rf"/api/documents/{second['id']}/pages/3\?"))
        expect(member.get_by_test_id("page-number")).to_have_attribute("data-page", "3")
        expect(member.get_by_test_id("viewing-title")).to_contain_text("Kế hoạch nông thôn mới")
        boxes = member.get_by_test_id("hit-box")
        expect(boxes).to_have_count(3)  # "cầu", "treo", "Đắk"
        member.wait_for_function(
            "() => { const i = document.querySelector('[data-testid=viewer-img]');"
            " return i && i.complete && i.naturalWidth > 0; }")
        frame = member.locator(".page-frame").bounding_box()
        box = boxes.first.bounding_box()
        assert frame and box and box["width"] > 0 and box["height"] > 0
        # on the second line of text, at 130 pt of 842 from the top of the page
        top = (box["y"] - frame["y"]) / frame["height"]
        assert 100 / 842 < top < 135 / 842, top
        walk.shot(member, "meeting-search-opened")

        # Turning away and back: the boxes are on that page only.
        member.get_by_test_id("page-prev").click()
        expect(member.get_by_test_id("page-number")).to_have_attribute("data-page", "2")
        expect(boxes).to_have_count(0)
        assert walk.errors == []
