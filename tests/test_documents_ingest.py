"""Ingest as a secretary and members see it: office files converted with the original kept,
text with positions searched with or without Vietnamese diacritics, thumbnails, versions kept
in the record, and confidential meetings (watermark per viewer, no downloads)."""

from __future__ import annotations

import io

import pymupdf
import pytest
from PIL import Image

from meetings.documents.ingest_worker import page_words
from tests import hostile_files as h
from tests.conftest import require_tool
from tests.helpers import error_of


def upload(client, data: bytes, filename: str, item: int = 1):  # type: ignore[no-untyped-def]
    return client.post(f"/api/meetings/1/items/{item}/documents",
                       files={"file": (filename, data, "application/octet-stream")})


def replace_with(client, document_id: int, data: bytes, filename: str):  # type: ignore[no-untyped-def]
    return client.post(f"/api/documents/{document_id}/versions",
                       files={"file": (filename, data, "application/octet-stream")})


def image(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data)).convert("RGB")


def test_word_file_becomes_pages_and_the_original_is_kept(login) -> None:
    require_tool("soffice")
    sec = login("thuky")
    data = h.docx("Báo cáo quyết toán ngân sách", paragraphs=3)
    r = upload(sec, data, "quyet-toan.docx")
    assert r.status_code == 201, r.text
    doc = r.json()["document"]
    assert doc["page_count"] == 1 and doc["title"] == "quyet-toan"
    pdf = pymupdf.open(stream=sec.get(f"/api/documents/{doc['id']}/pdf").content)
    assert "Báo cáo quyết toán ngân sách 3" in pdf[0].get_text()
    original = sec.get(f"/api/documents/{doc['id']}/file")
    assert original.content == data
    assert 'filename="quyet-toan.docx"' in original.headers["content-disposition"]
    (version,) = sec.get(f"/api/documents/{doc['id']}/versions").json()["versions"]
    assert version["original_type"] == "ooxml" and version["original_filename"] == "quyet-toan.docx"
    member = login("uyvien1")
    page = member.get(f"/api/documents/{doc['id']}/pages/1?w=640")
    assert page.status_code == 200 and image(page.content).width == 640


def test_search_with_and_without_diacritics_gives_hit_boxes(login) -> None:
    sec = login("thuky")
    data = h.simple_pdf("Báo cáo tình hình đầu tư công năm 2026", pages=3)
    doc = upload(sec, data, "dau-tu.pdf").json()["document"]
    member = login("uyvien1")
    for query in ("bao cao", "Báo cáo", "BAO CAO", "dau tu cong", "đầu tư"):
        r = member.get(f"/api/documents/{doc['id']}/search", params={"q": query})
        assert r.status_code == 200
        hits = r.json()["hits"]
        assert [hit["page"] for hit in hits] == [1, 2, 3], query
        assert all(len(hit["boxes"]) == len(query.split()) for hit in hits), (query, hits)
    # the boxes are where the words are: over "Báo cáo" at (72, 100) on an A4 page
    box = member.get(f"/api/documents/{doc['id']}/search", params={"q": "bao"}).json()[
        "hits"][0]["boxes"][0]
    x0, y0, x1, y1 = box
    assert abs(x0 - 72 / 595) < 0.01 and y0 < 100 / 842 < y1 + 0.01 and x1 > x0
    # "d" matches "đ"; a word not there finds nothing
    assert member.get(f"/api/documents/{doc['id']}/search", params={"q": "dau"}).json()["hits"]
    assert member.get(f"/api/documents/{doc['id']}/search",
                      params={"q": "ngân sách"}).json()["hits"] == []
    error_of(member.get(f"/api/documents/{doc['id']}/search", params={"q": "b"}), 422,
             "short_query")


def test_search_across_the_meetings_documents(login) -> None:
    sec = login("thuky")
    a = upload(sec, h.simple_pdf("Đề án chuyển đổi số"), "a.pdf", item=1).json()["document"]
    b = upload(sec, h.simple_pdf("Kế hoạch chuyển đổi số cấp xã"), "b.pdf", item=2).json()[
        "document"]
    member = login("uyvien1")
    hits = member.get("/api/meetings/1/search", params={"q": "chuyen doi so cap"}).json()["hits"]
    assert {hit["document_id"] for hit in hits} == {b["id"]}
    hits = member.get("/api/meetings/1/search", params={"q": "chuyen doi so"}).json()["hits"]
    assert {a["id"], b["id"]} <= {hit["document_id"] for hit in hits}
    # each hit carries a snippet: the words found as written, with those around them
    (hit_b,) = [hit for hit in hits if hit["document_id"] == b["id"]]
    assert hit_b["snippet"] == {"before": "Kế hoạch", "match": "chuyển đổi số",
                                "after": "cấp xã - trang 1"}
    # the demo's own report is searchable too (text extracted at seeding)
    demo_hits = member.get("/api/meetings/1/search", params={"q": "tinh hinh kinh te"}).json()
    assert demo_hits["hits"] and demo_hits["hits"][0]["title"].startswith("Báo cáo")
    error_of(login("luutru").get("/api/meetings/1/search", params={"q": "so"}), 404, "not_found")


def test_thumbnail_is_a_small_image_of_the_page(login) -> None:
    sec = login("thuky")
    doc = upload(sec, h.simple_pdf(pages=2), "thumb.pdf").json()["document"]
    thumb = image(sec.get(f"/api/documents/{doc['id']}/pages/2?w=160").content)
    assert thumb.width == 160 and 220 < thumb.height < 230  # A4 proportions


def test_a_new_version_keeps_the_old_one_in_the_record(login) -> None:
    sec = login("thuky")
    doc = upload(sec, h.simple_pdf("Dự thảo lần 1", pages=3), "du-thao.pdf").json()["document"]
    r = replace_with(sec, doc["id"], h.simple_pdf("Dự thảo lần 2", pages=2), "du-thao-2.pdf")
    assert r.status_code == 201, r.text
    assert r.json()["version"]["number"] == 2 and r.json()["document"]["page_count"] == 2
    member = login("uyvien1")
    versions = member.get(f"/api/documents/{doc['id']}/versions").json()["versions"]
    assert [v["number"] for v in versions] == [1, 2]
    assert [v["page_count"] for v in versions] == [3, 2]
    # the current version is shown by default; the old one can still be seen
    hits = member.get(f"/api/documents/{doc['id']}/search", params={"q": "lan 2"}).json()
    assert [hit["page"] for hit in hits["hits"]] == [1, 2]
    error_of(member.get(f"/api/documents/{doc['id']}/pages/3"), 422, "bad_page")
    assert member.get(f"/api/documents/{doc['id']}/pages/3?v=1&w=320").status_code == 200
    old = pymupdf.open(stream=member.get(f"/api/documents/{doc['id']}/pdf?v=1").content)
    assert "Dự thảo lần 1" in old[0].get_text()
    error_of(replace_with(member, doc["id"], h.simple_pdf("x"), "x.pdf"), 403)
    error_of(replace_with(sec, doc["id"], b"not a pdf at all", "x.pdf"), 422, "not_pdf")


def test_confidential_meeting_watermarks_each_viewer_and_forbids_downloads(login) -> None:
    sec = login("thuky")
    member, other = login("uyvien1"), login("uyvien2")
    doc = upload(sec, h.simple_pdf(), "mat.pdf").json()["document"]
    url = f"/api/documents/{doc['id']}/pages/1?w=640&format=png"
    plain = image(member.get(url).content)
    assert member.get(f"/api/documents/{doc['id']}/pdf").status_code == 200
    error_of(member.put("/api/meetings/1/document-policy", json={"confidential": True}), 403)
    r = sec.put("/api/meetings/1/document-policy", json={"confidential": True})
    assert r.json() == {"confidential": True, "downloads": False, "originals": "staff"}
    assert member.get("/api/meetings/1/document-policy").json()["confidential"] is True
    mine = member.get(url)
    assert mine.headers["cache-control"] == "private, no-store" and "etag" not in mine.headers
    marked, theirs = image(mine.content), image(other.get(url).content)

    def reddish(im: Image.Image) -> int:
        return sum(1 for r, g, b in im.get_flattened_data() if r > g + 25 and r > b + 25)

    assert reddish(plain) == 0 and reddish(marked) > 500  # the watermark is on the page
    assert marked.tobytes() != theirs.tobytes()  # each viewer's own name
    body = error_of(member.get(f"/api/documents/{doc['id']}/file"), 403, "downloads_off")
    assert "tải" in body["message_vi"]
    error_of(member.get(f"/api/documents/{doc['id']}/pdf"), 403, "downloads_off")
    # downloads alone can be turned off in an open meeting
    sec.put("/api/meetings/1/document-policy", json={"confidential": False, "downloads": False})
    assert reddish(image(member.get(url).content)) == 0
    error_of(member.get(f"/api/documents/{doc['id']}/file"), 403, "downloads_off")


def test_only_the_secretary_makes_the_server_read_a_file(login) -> None:
    member = login("uyvien1")
    # refused before the file is read: even a bomb costs the server nothing
    error_of(upload(member, h.content_bomb(), "bomb.pdf"), 403, "forbidden")
    error_of(upload(login("thuky"), h.simple_pdf(), "x.pdf", item=99), 404, "not_found")


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
@pytest.mark.parametrize("crop", [None, (100, 150, 500, 700)])
def test_word_boxes_are_where_the_page_shows_the_word(rotation: int, crop) -> None:  # type: ignore[no-untyped-def]
    """The words' boxes (search hits, the highlighter's snapping, carrying annotations over)
    are fractions of the page as the tablet shows it: on a turned page (/Rotate) and a
    cropped one, the box covers the word's ink in the rendered page image."""
    doc = pymupdf.open()
    page = doc.new_page(width=600, height=800)
    page.insert_text((220, 300), "NGHIEP", fontsize=30)  # Helvetica: no Vietnamese glyphs
    if crop:
        page.set_cropbox(pymupdf.Rect(*crop))
    page.set_rotation(rotation)
    doc = pymupdf.open(stream=doc.tobytes())
    pix = doc[0].get_pixmap(dpi=72, colorspace=pymupdf.csGRAY)
    ink = [(i % pix.width, i // pix.width) for i, v in enumerate(pix.samples) if v < 128]
    left, top = min(x for x, _ in ink) / pix.width, min(y for _, y in ink) / pix.height
    right, bottom = max(x for x, _ in ink) / pix.width, max(y for _, y in ink) / pix.height
    ((x0, y0, x1, y1, word),) = page_words(doc)[0]["words"]
    assert word == "NGHIEP"
    slack = 0.03
    assert x0 - slack <= left and right <= x1 + slack, (x0, x1, left, right)
    assert y0 - slack <= top and bottom <= y1 + slack, (y0, y1, top, bottom)
    # and tight: the box is not the whole page
    assert (x1 - x0) < 0.6 and (y1 - y0) < 0.6
