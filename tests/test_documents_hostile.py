"""Hostile and broken uploads, each generated here: a clear 422 in Vietnamese and English, or
a cleaned copy; the server keeps answering and no child process is left behind."""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pymupdf
import pytest
from starlette.testclient import TestClient

from meetings.demo import DEMO_PASSWORD
from meetings.ingest import FirstPage, Limits, ingest
from meetings.pdf_pages import render_page
from phonghop.app import create_app
from phonghop.settings import Settings
from tests import hostile_files as h
from tests.conftest import require_tool
from tests.helpers import error_of


def ingest_processes() -> list[str]:
    """Live (not zombie) processes still working on an upload: the reader or LibreOffice."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "\nState:\tZ" in status:
            continue
        if "phonghop-ingest-" in cmdline and str(os.getpid()) != entry.name:
            found.append(cmdline[:200])
    return found


def assert_nothing_left_behind() -> None:
    deadline = time.monotonic() + 5
    while ingest_processes() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert ingest_processes() == []


@pytest.fixture
def secretary(settings: Settings, demo) -> Iterator[Callable[..., TestClient]]:  # type: ignore[no-untyped-def]
    """A logged-in secretary on an app built with the given setting overrides."""
    opened: list[TestClient] = []

    def make(**overrides: object) -> TestClient:
        client = TestClient(create_app(replace(settings, **overrides)))  # type: ignore[arg-type]
        client.__enter__()
        opened.append(client)
        r = client.post("/api/login", json={"username": "thuky", "password": DEMO_PASSWORD})
        assert r.status_code == 200
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


def upload(client: TestClient, data: bytes, filename: str, **fields: str):  # type: ignore[no-untyped-def]
    return client.post("/api/meetings/1/items/1/documents",
                       files={"file": (filename, data, "application/octet-stream")}, data=fields)


REFUSED = [
    ("not a PDF, named .pdf", lambda: b"<html><body>Xin chao</body></html>" * 20, "x.pdf",
     "not_pdf"),
    ("empty file", lambda: b"", "empty.pdf", "empty_file"),
    ("truncated PDF", h.truncated, "cut.pdf", "broken_pdf"),
    ("0 pages", h.zero_pages, "zero.pdf", "no_pages"),
    ("20,000 pages", h.many_pages, "many.pdf", "too_many_pages"),
    ("a 5 m x 5 m page", h.huge_page, "poster.pdf", "page_too_large"),
    ("decompression bomb (4 GB image in 7 kB)", h.decompression_bomb, "bomb.pdf",
     "image_too_large"),
    ("deeply nested objects", h.deeply_nested, "nested.pdf", "too_complex"),
    ("encrypted PDF", h.encrypted, "secret.pdf", "encrypted_pdf"),
    (".docx that is a zip bomb", h.docx_zip_bomb, "bomb.docx", "zip_bomb"),
]


@pytest.mark.parametrize(("case", "make", "filename", "code"), REFUSED,
                         ids=[c[0] for c in REFUSED])
def test_hostile_file_is_refused_clearly(secretary, case, make, filename, code) -> None:  # type: ignore[no-untyped-def]
    client = secretary()
    body = error_of(upload(client, make(), filename), 422, code)
    assert "PDF" in body["message_en"] or "file" in body["message_en"]
    assert client.get("/healthz").json()["ok"] is True
    # nothing was attached
    items = client.get("/api/meetings/1").json()["items"]
    assert [d["filename"] for d in items[0]["documents"]] == ["bao-cao-kt-xh-2026.pdf"]
    assert_nothing_left_behind()


def test_a_reader_that_runs_out_of_cpu_time_is_killed_alone(secretary) -> None:
    client = secretary(ingest_cpu_seconds=3)
    t0 = time.monotonic()
    error_of(upload(client, h.content_bomb(), "bomb.pdf"), 422, "too_complex")
    assert time.monotonic() - t0 < 30
    assert client.get("/healthz").json()["ok"] is True
    assert_nothing_left_behind()
    # and the next, honest upload is accepted
    assert upload(client, h.simple_pdf(), "ok.pdf").status_code == 201


def test_a_reader_that_runs_out_of_memory_is_refused_clearly(secretary) -> None:
    # At the configured limit (1536 MB of address space): the reader asks for 1.7 GB, the
    # kernel refuses it, and the refusal says so instead of calling the file damaged.
    client = secretary()
    data = h.memory_bomb()
    assert len(data) < 4096
    body = error_of(upload(client, data, "shading.pdf"), 422, "too_complex")
    assert body["details"]["reason"] == "memory"
    assert "memory" in body["message_en"] and "bộ nhớ" in body["message_vi"]
    assert client.get("/healthz").json()["ok"] is True
    assert_nothing_left_behind()
    assert upload(client, h.simple_pdf(), "ok.pdf").status_code == 201


def soffice_processes(data_dir: Path) -> list[str]:
    """The names of live LibreOffice processes (oosplash, soffice.bin) whose profile is under
    this server's scratch directory."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            status = (entry / "status").read_text()
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if ("\nState:\tZ" not in status and "UserInstallation=" in cmdline
                and str(data_dir) in cmdline):
            found.append(status.split("\n", 1)[0].removeprefix("Name:\t"))
    return found


def test_a_hanging_conversion_is_stopped_and_its_processes_killed(secretary, settings) -> None:
    require_tool("soffice")
    client = secretary(convert_seconds=10.0)
    # The limit is ample for an ordinary document: LibreOffice starts and converts it.
    t0 = time.monotonic()
    assert upload(client, h.docx(paragraphs=30), "ordinary.docx").status_code == 201
    ordinary = time.monotonic() - t0
    assert ordinary < 8, ordinary

    # A 250 kB Word file whose long table keeps soffice laying out pages for many minutes.
    seen: set[str] = set()
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            seen.update(soffice_processes(settings.data_dir))
            time.sleep(0.2)

    watcher = threading.Thread(target=watch)
    watcher.start()
    t0 = time.monotonic()
    try:
        r = upload(client, h.docx_long_table(), "phu-luc.docx")
    finally:
        done.set()
        watcher.join()
    took = time.monotonic() - t0
    body = error_of(r, 422, "conversion_timeout")
    assert "PDF" in body["message_vi"] and "PDF" in body["message_en"]
    assert body["details"]["seconds"] == 10.0
    assert 10 <= took < 25, took  # stopped at the limit, not when LibreOffice gave up
    assert "soffice.bin" in seen, seen  # LibreOffice itself was converting, not starting
    # soffice and everything it started are gone, its profile with them
    assert soffice_processes(settings.data_dir) == []
    assert list((settings.data_dir / "tmp").iterdir()) == []
    assert_nothing_left_behind()
    assert client.get("/healthz").json()["ok"] is True
    assert upload(client, h.simple_pdf(), "ok.pdf").status_code == 201


def test_broken_xref_is_repaired_into_a_clean_copy(secretary) -> None:
    client = secretary()
    data = h.broken_xref()
    assert pymupdf.open(stream=data).is_repaired  # the file really is broken
    r = upload(client, data, "xref.pdf")
    assert r.status_code == 201, r.text
    doc = r.json()["document"]
    assert doc["page_count"] == 2
    clean = pymupdf.open(stream=client.get(f"/api/documents/{doc['id']}/pdf").content)
    assert not clean.is_repaired and clean.page_count == 2
    assert "trang 2" in clean[1].get_text()
    assert client.get(f"/api/documents/{doc['id']}/pages/2?w=320").status_code == 200


def test_active_content_is_removed_from_the_served_copy(secretary) -> None:
    client = secretary()
    data = h.active_content()
    original = pymupdf.open(stream=data)
    assert original.embfile_count() == 1 and b"/JavaScript" in data  # it was there
    r = upload(client, data, "macro.pdf")
    assert r.status_code == 201, r.text
    doc = r.json()["document"]
    served = client.get(f"/api/documents/{doc['id']}/pdf").content
    clean = pymupdf.open(stream=served)
    assert clean.embfile_count() == 0
    assert list(clean[0].widgets() or []) == []
    assert [link for link in clean[0].get_links()
            if link["kind"] in (pymupdf.LINK_URI, pymupdf.LINK_LAUNCH)] == []
    text = b"".join(clean.xref_object(x).encode() for x in range(1, clean.xref_length()))
    text = re.sub(rb"/\w+ null", b"", text)  # a key set to null is inert
    for marker in (b"/JavaScript", b"/JS", b"/Launch", b"/URI", b"/OpenAction",
                   b"/EmbeddedFile", b"/AcroForm"):
        assert marker not in text, marker
    assert h.EXE[:40] not in served
    assert "Tài liệu có mã độc" in clean[0].get_text()
    # the original is kept, as uploaded, for the record
    assert client.get(f"/api/documents/{doc['id']}/file").content == data
    removed = client.get(f"/api/documents/{doc['id']}/versions").json()["versions"][0]["removed"]
    assert removed["links"] == 2 and removed["widgets"] == 1 and removed["files"] >= 1


def test_page_one_is_the_cleaned_copy_rendered_by_the_reading_child(secretary,  # type: ignore[no-untyped-def]
                                                                    tmp_path: Path) -> None:
    """Tablets are told of a document once page 1 is ready. The child that read the upload
    renders it, under its limits, from the cleaned copy: a form field that cleaning removes
    is not on it, and it is byte for byte what a render worker makes of the served PDF."""
    data = h.visible_form_field()

    def page_one(pdf: bytes) -> bytes:
        (tmp_path / "in.pdf").write_bytes(pdf)
        out = render_page(str(tmp_path / "in.pdf"), 1, 1280, str(tmp_path / "1.webp"))
        return Path(out).read_bytes()

    ingested = ingest(data, "phieu.pdf", Limits(), first_page=FirstPage(1280, "webp"))
    assert ingested.first_page is not None
    assert ingested.first_page == page_one(ingested.pdf)
    assert ingested.first_page != page_one(data)  # the field is on the original's page
    client = secretary()
    r = upload(client, data, "phieu.pdf")
    assert r.status_code == 201, r.text
    doc_id = r.json()["document"]["id"]
    served = client.get(f"/api/documents/{doc_id}/pdf").content
    shown = client.get(f"/api/documents/{doc_id}/pages/1?w=1280").content
    assert shown == page_one(served) == ingested.first_page
    assert_nothing_left_behind()


def test_encrypted_pdf_opens_with_its_password(secretary) -> None:
    client = secretary()
    data = h.encrypted("mat-khau")
    error_of(upload(client, data, "secret.pdf", password="sai"), 422, "wrong_password")
    r = upload(client, data, "secret.pdf", password="mat-khau")
    assert r.status_code == 201, r.text
    clean = pymupdf.open(stream=client.get(f"/api/documents/{r.json()['document']['id']}/pdf")
                         .content)
    assert not clean.needs_pass and "Tài liệu mật" in clean[0].get_text()
