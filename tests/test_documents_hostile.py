"""Hostile and broken uploads, each generated here: a clear 422 in Vietnamese and English, or
a cleaned copy; the server keeps answering and no child process is left behind. And the other
side: when the server itself fails (the reader cannot start, no scratch folder, no
LibreOffice), a 500 with its own code, a log line saying what failed, and no blame on the file."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pymupdf
import pytest
from starlette.testclient import TestClient

from meetings.demo.seed import DEMO_PASSWORD
from meetings.documents.ingest import FirstPage, Limits, ingest
from meetings.documents.pages import render_page
from meetings.errors import DomainError, Kind
from phonghop.app import create_app
from phonghop.settings import Settings
from tests import hostile_files as h
from tests.conftest import SESSION_TMP, require_tool
from tests.helpers import error_of


def ingest_processes() -> list[str]:
    """Live (not zombie) processes still working on an upload of this test session: the
    reader or LibreOffice."""
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
        if ("phonghop-ingest-" in cmdline and str(os.getpid()) != entry.name
                and all(base in cmdline for base in SESSION_TMP)):
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
    ("a PDF header and garbage", h.header_only, "rac.pdf", "broken_pdf"),
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


def test_no_answer_names_a_server_path(secretary, settings) -> None:  # type: ignore[no-untyped-def]
    """Every refusal of the hostile corpus, and the server's own failures, as the person gets
    them: neither the message nor the details name the data folder or a temporary folder
    (the reader's own words, which do, go to the server's log)."""
    client = secretary()
    answers = []
    for _, make, filename, code in REFUSED:
        answers.append(error_of(upload(client, make(), filename), 422, code))
    answers.append(error_of(upload(client, h.memory_bomb(), "m.pdf"), 422, "too_complex"))
    answers.append(error_of(upload(client, b"PK\x03\x04 not a zip", "x.docx"), 422, "not_pdf"))
    answers.append(error_of(upload(secretary(ingest_memory_mb=4), h.simple_pdf(), "a.pdf"), 500,
                            "ingest_unavailable"))
    assert len(answers) == len(REFUSED) + 3
    for body in answers:
        text = json.dumps(body, ensure_ascii=False)
        assert str(settings.data_dir) not in text and "/tmp/" not in text, text
        assert not re.search(r"/(home|var|srv|work|usr)/", text), text


def memory_floor() -> int:
    """The smallest address-space limit (MB, in steps of 4) under which the reader starts
    and loads its PDF library: below it, no file is read at all (the server's failure)."""
    for memory_mb in range(48, 400, 4):
        try:
            ingest(h.simple_pdf(), "a.pdf", Limits(memory_mb=memory_mb))
        except DomainError as failed:
            if failed.code == "ingest_unavailable":
                continue
        return memory_mb
    raise AssertionError("the reader does not start under 400 MB")


def test_running_out_of_memory_is_too_complex_whatever_the_allocator_says(caplog) -> None:  # type: ignore[no-untyped-def]
    """Just above the floor, files run the reader out of memory in different places, and
    MuPDF says so in different words ("malloc (N bytes) failed", "realloc (N bytes)
    failed"...): each is too complex, never a damaged file."""
    caplog.set_level(logging.INFO)
    floor = memory_floor()
    files = {"memory bomb": h.memory_bomb(), "1 GB image": h.decompression_bomb(1),
             "4,000 pages": h.many_pages(4000), "plain": h.simple_pdf()}
    seen = []
    for memory_mb in (floor, floor + 4, floor + 8):
        limits = Limits(memory_mb=memory_mb, cpu_seconds=30, max_image_pixels=10**12)
        for name, data in files.items():
            try:
                ingest(data, "a.pdf", limits)
            except DomainError as refused:
                seen.append((memory_mb, name, refused.code, refused.details))
    assert [s for s in seen if s[2] != "too_complex"] == []
    assert [s for s in seen if s[3] != {"reason": "memory"}] == []
    assert any(name == "memory bomb" for _, name, _, _ in seen)
    said = {r.getMessage() for r in caplog.records if r.name == "meetings.documents.ingest"}
    assert len(said) >= 2, said  # the reader's own words reached the log


def test_a_reader_that_runs_out_of_cpu_time_is_killed_alone(secretary, caplog) -> None:
    # The CPU limit (3 s) stops the reader, not the wall-clock timeout behind it (16 s): the
    # kernel's SIGXCPU is what the log shows.
    caplog.set_level(logging.INFO, logger="meetings.documents.ingest")
    client = secretary(ingest_cpu_seconds=3)
    error_of(upload(client, h.content_bomb(), "bomb.pdf"), 422, "too_complex")
    said = [r.getMessage() for r in caplog.records if r.name == "meetings.documents.ingest"]
    assert any(f"exited with status -{int(signal.SIGXCPU)}" in m for m in said), said
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
    # The limit is ample for an ordinary document: LibreOffice starts and converts it (how
    # fast is bench/'s business, not a test's).
    assert upload(client, h.docx(paragraphs=30), "ordinary.docx").status_code == 201

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
    # stopped at the limit, not when LibreOffice gave up (many minutes); generous above, as a
    # busy machine is slow to start and kill processes
    assert 10 <= took < 120, took
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


def not_the_files_fault(body: dict[str, object]) -> None:
    vi, en = str(body["message_vi"]), str(body["message_en"])
    assert "not at fault" in en and "administrator" in en
    assert "không phải do tệp" in vi and "quản trị hệ thống" in vi


def ingest_errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name == "meetings.documents.ingest" and r.levelno == logging.ERROR]


@pytest.mark.parametrize("memory_mb", [4, 64], ids=["interpreter cannot load",
                                                    "PDF library cannot load"])
def test_a_reader_that_cannot_start_is_the_servers_failure_not_the_files(  # type: ignore[no-untyped-def]
        secretary, caplog, memory_mb) -> None:
    # A memory limit too low for the reader itself: it dies before it reads its job.
    caplog.set_level(logging.ERROR)
    client = secretary(ingest_memory_mb=memory_mb)
    body = error_of(upload(client, h.simple_pdf(), "bao-cao.pdf"), 500, "ingest_unavailable")
    not_the_files_fault(body)
    (line,) = ingest_errors(caplog)
    assert "ingest_unavailable: the reading child exited with status" in line
    assert "before reading its job" in line
    items = client.get("/api/meetings/1").json()["items"]
    assert [d["filename"] for d in items[0]["documents"]] == ["bao-cao-kt-xh-2026.pdf"]
    assert_nothing_left_behind()
    # The same file, with a reader that can start, is accepted: it never was the file.
    assert upload(secretary(), h.simple_pdf(), "bao-cao.pdf").status_code == 201


def test_a_scratch_folder_that_cannot_be_used_is_the_servers_failure(  # type: ignore[no-untyped-def]
        secretary, settings, caplog) -> None:
    caplog.set_level(logging.ERROR)
    client = secretary()
    scratch = settings.data_dir / "tmp"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.write_text("a file where the scratch folder should be")  # unusable, even by root
    body = error_of(upload(client, h.simple_pdf(), "bao-cao.pdf"), 500, "ingest_unavailable")
    not_the_files_fault(body)
    assert body["details"] == {"reason": "scratch"}
    (line,) = ingest_errors(caplog)
    assert f"the scratch folder {scratch} cannot be used" in line
    scratch.unlink()
    assert upload(client, h.simple_pdf(), "bao-cao.pdf").status_code == 201


def test_libreoffice_missing_from_path_is_the_servers_failure(  # type: ignore[no-untyped-def]
        secretary, caplog, monkeypatch, tmp_path) -> None:
    caplog.set_level(logging.ERROR)
    client = secretary()
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # the server's own environment: no soffice on it
    body = error_of(upload(client, h.docx(), "to-trinh.docx"), 500, "tool_missing")
    not_the_files_fault(body)
    assert "LibreOffice" in body["message_vi"] and "PDF" in body["message_en"]
    (line,) = ingest_errors(caplog)
    assert "LibreOffice (soffice or libreoffice) is not on PATH" in line
    # A PDF needs no LibreOffice: still read
    assert upload(client, h.simple_pdf(), "bao-cao.pdf").status_code == 201


def test_a_reader_that_cannot_find_its_job_is_the_servers_failure(tmp_path, caplog,  # type: ignore[no-untyped-def]
                                                                   monkeypatch) -> None:
    """What `make demo` did with its relative `var`: the reader, started in its own work
    folder, was given a job path relative to another folder. Whatever the cause, a reader
    that never read its job is the server's failure, never a file "too complex"."""
    caplog.set_level(logging.ERROR)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DomainError) as failed:
        ingest(h.simple_pdf(), "bao-cao.pdf", Limits(), scratch=Path("var/tmp"))
    assert failed.value.kind == Kind.INTERNAL and failed.value.code == "ingest_unavailable"
    (line,) = ingest_errors(caplog)
    assert "before reading its job var/tmp/" in line and "No such file or directory" in line


def test_an_office_file_whose_conversion_needs_more_than_the_limit_is_refused() -> None:
    """LibreOffice converts under a limit on the space it writes (convert_max_mb): a document
    whose conversion needs more is refused as too large, never accepted as a PDF missing what
    did not fit (LibreOffice, a write refused by a file-size limit, drops the photo and exits
    0). The same file converts whole under a limit it fits, photo included."""
    require_tool("soffice")
    data = h.docx_with_photo()
    whole = ingest(data, "anh-hien-truong.docx", Limits())
    assert whole.original_type == "ooxml" and len(whole.pdf) > 1024 * 1024  # ~2 MB of photo
    with pymupdf.open(stream=whole.pdf, filetype="pdf") as pdf:
        assert pdf[0].get_images(), "the photo is in the whole conversion"
    with pytest.raises(DomainError) as refused:
        ingest(data, "anh-hien-truong.docx", Limits(convert_max_mb=1))
    assert refused.value.kind is Kind.INVALID and refused.value.code == "conversion_too_large"
    assert "dung lượng" in refused.value.vi and "space" in refused.value.en
