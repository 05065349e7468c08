"""Verification for everyone (issue 14 §4): `POST /api/verify`, `phonghop verify` and the
/verify page check a minutes file's signatures and say whether it is the archive's copy.

Tamper cases, each red: one byte changed; an incremental update that writes on page 1 (which
poppler's pdfsig still calls "Signature is Valid"); the signature removed; a revision appended
and signed by someone the server does not trust. The archive's own file is green, matched to
its meeting, with its record checked against the digest the minutes printed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pymupdf
import pytest

from meetings import clock
from meetings.minutes import pki
from meetings.minutes.signing import sign_pdf
from phonghop.settings import Settings
from tests.conftest import ROOT, LiveServer, require_tool
from tests.helpers import error_of
from tests.test_seal_and_archive import run_meeting_to_sealed


def one_byte_changed(pdf: bytes) -> bytes:
    marker = pdf.index(b"stream", 2000) + 20
    tampered = bytearray(pdf)
    tampered[marker] = (tampered[marker] + 1) % 256
    return bytes(tampered)


def written_on_page_one(pdf: bytes, tmp_path: Path) -> bytes:
    """An incremental update (the signed bytes untouched) that adds a line to page 1."""
    path = tmp_path / "incremental.pdf"
    path.write_bytes(pdf)
    doc = pymupdf.open(path)
    doc[0].insert_text((72, 400), "Bổ sung: chi thêm 500 triệu đồng", fontsize=14)
    doc.saveIncr()
    doc.close()
    changed = path.read_bytes()
    assert changed.startswith(pdf)  # the signed revision is kept whole
    return changed


def signature_removed(pdf: bytes) -> bytes:
    doc = pymupdf.open(stream=pdf)
    for page in doc:
        for widget in list(page.widgets() or []):
            if widget.field_type == pymupdf.PDF_WIDGET_TYPE_SIGNATURE:
                page.delete_widget(widget)
    out = doc.tobytes(garbage=3)
    doc.close()
    return out


def countersigned_by_a_stranger(pdf: bytes) -> bytes:
    ca_key, ca_cert = pki.create_ca("CA Lạ", "Tổ chức lạ")
    p12 = pki.issue_signer(ca_key, ca_cert, common_name="Người Lạ", organization="Tổ chức lạ",
                           passphrase=b"x")
    return sign_pdf(pdf, p12, b"x", field_name="NguoiLa",
                    signing_time=datetime.now(clock.VIETNAM), reason="Ký thêm", location="?")


def pdfsig_says_valid(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "check.pdf"
    path.write_bytes(pdf)
    return subprocess.run([require_tool("pdfsig"), str(path)], capture_output=True, text=True,
                          timeout=60).stdout


def test_the_archives_file_is_green_and_every_tampering_is_red(login, tmp_path) -> None:
    _sec, pdf = run_meeting_to_sealed(login)
    archivist = login("luutru")

    def check(data: bytes) -> dict:  # type: ignore[type-arg]
        r = archivist.post("/api/verify", files={"file": ("bien-ban.pdf", data,
                                                          "application/pdf")})
        assert r.status_code == 200, r.text
        return r.json()  # type: ignore[no-any-return]

    good = check(pdf)
    assert good["verdict"] == "valid", good
    (sig,) = good["signatures"]
    assert sig["ok"] and sig["signer"] == "UBND xã Tường Tiến" and not sig["modified_after"]
    assert sig["signing_time"].endswith("+07:00") and sig["chain"][0] == "UBND xã Tường Tiến"
    assert len(sig["chain"]) == 2  # the body's certificate, then the demo's root
    assert good["archived"]["meeting_id"] == 1 and good["archived"]["number"] == 1
    assert good["archived"]["code"] == "BB-UBND"  # as the minutes print "Số: 01/BB-UBND"
    assert good["archived"]["record_intact"] is True

    bad = check(one_byte_changed(pdf))
    assert bad["verdict"] == "invalid" and bad["archived"] is None
    assert not bad["signatures"][0]["intact"] and not bad["signatures"][0]["ok"]

    # pdfsig calls the signature valid (it reads only the signed bytes) ...
    rewritten = written_on_page_one(pdf, tmp_path)
    assert "Signature is Valid." in pdfsig_says_valid(rewritten, tmp_path)
    # ... phonghop says what was done after it
    modified = check(rewritten)
    assert modified["verdict"] == "invalid", modified
    (sig,) = modified["signatures"]
    assert sig["intact"] and sig["modified_after"] and not sig["ok"]
    assert sig["modification"] in ("other", "unknown")
    assert "sửa đổi sau khi ký" in sig["summary"] and "modified after signing" in sig["summary"]

    stripped = check(signature_removed(pdf))
    assert stripped["verdict"] == "unsigned" and stripped["signatures"] == []
    assert stripped["archived"] is None

    stranger = check(countersigned_by_a_stranger(pdf))
    assert stranger["verdict"] == "invalid"
    first, second = stranger["signatures"]
    assert first["ok"] and first["modification"] == "form_filling"  # a signature was added
    assert second["signer"] == "Người Lạ" and second["valid"] and not second["trusted"]
    assert not second["ok"]


def test_a_record_changed_after_sealing_shows_on_the_archives_own_file(login, settings) -> None:
    from sqlalchemy import text

    from meetings.db import Database

    _sec, pdf = run_meeting_to_sealed(login)
    database = Database(settings.db_url)
    with database.write() as session:
        session.execute(text(
            "UPDATE record_entries SET data = '{\"yes\": 6}' WHERE kind = 'vote.closed'"))
    database.dispose()
    r = login("luutru").post("/api/verify", files={"file": ("a.pdf", pdf, "application/pdf")})
    report = r.json()
    assert report["verdict"] == "valid"  # the file itself is untouched
    assert report["archived"]["record_intact"] is False
    assert "KHÔNG khớp" in report["summary"] and "does NOT match" in report["summary"]


def test_verify_refusals(login) -> None:
    error_of(login(None).post("/api/verify", files={"file": ("a.pdf", b"%PDF-1.7", "x")}), 401)
    member = login("uyvien1")
    error_of(member.post("/api/verify", files={"file": ("a.txt", b"hello", "text/plain")}),
             422, "not_pdf")
    error_of(member.post("/api/verify", data={"title": "x"}), 422, "file_required")


def run_cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PHONGHOP_DATA_DIR=str(settings.data_dir))
    if settings.database_url:
        env["PHONGHOP_DATABASE_URL"] = settings.database_url
    return subprocess.run([sys.executable, "-m", "phonghop.cli", "verify", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)


def test_phonghop_verify_on_the_command_line(login, settings, tmp_path) -> None:
    _sec, pdf = run_meeting_to_sealed(login)
    good, modified, junk = tmp_path / "good.pdf", tmp_path / "modified.pdf", tmp_path / "x.pdf"
    good.write_bytes(pdf)
    modified.write_bytes(written_on_page_one(pdf, tmp_path))
    junk.write_bytes(b"not a pdf")

    ok = run_cli(settings, str(good))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.startswith("HỢP LỆ / VALID")
    assert "UBND xã Tường Tiến" in ok.stdout and "khớp / matches" in ok.stdout

    bad = run_cli(settings, "--json", str(modified))
    assert bad.returncode == 1, bad.stdout + bad.stderr
    report = json.loads(bad.stdout)
    assert report["verdict"] == "invalid" and report["signatures"][0]["modified_after"]
    assert report["archived"] is None

    # without the server's trust roots (another data dir), nothing is trusted
    elsewhere = Settings(data_dir=tmp_path / "empty")
    untrusted = run_cli(elsewhere, "--no-archive", str(good))
    assert untrusted.returncode == 1 and "KHÔNG HỢP LỆ" in untrusted.stdout

    assert run_cli(settings, str(junk)).returncode == 2
    assert run_cli(settings, str(tmp_path / "missing.pdf")).returncode == 2


@pytest.mark.browser
@pytest.mark.server
def test_the_verify_page_shows_green_and_red(live_server: LiveServer, artifacts: Path | None,
                                             tmp_path: Path) -> None:
    from tests.test_browser import CHROMIUM, TIMEOUT_MS, Walk, chromium

    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    clients = []

    def session(username):  # type: ignore[no-untyped-def]
        client = live_server.session(username)
        clients.append(client)
        return client

    try:
        _sec, pdf = run_meeting_to_sealed(session)
    finally:
        for client in clients:
            client.close()
    good, modified = tmp_path / "bien-ban.pdf", tmp_path / "bien-ban-sua.pdf"
    good.write_bytes(pdf)
    modified.write_bytes(written_on_page_one(pdf, tmp_path))
    if artifacts is not None:
        (artifacts / "minutes-signed-body.pdf").write_bytes(pdf)

    with chromium() as browser:
        walk = Walk(browser, live_server, artifacts)
        page = walk.log_in("luutru", "/archive/1")
        page.get_by_test_id("verify-link").click()
        expect(page.get_by_test_id("verify-form")).to_be_visible()
        page.get_by_test_id("verify-file").set_input_files(str(good))
        page.get_by_test_id("verify-submit").click()
        report = page.get_by_test_id("verify-report")
        expect(report).to_have_attribute("data-verdict", "valid")
        expect(page.get_by_test_id("verify-signature-ok")).to_have_count(1)
        expect(page.get_by_test_id("verify-signer")).to_have_text("UBND xã Tường Tiến")
        expect(page.get_by_test_id("verify-archived")).to_be_visible()
        walk.shot(page, "verify-valid")

        page.get_by_test_id("verify-file").set_input_files(str(modified))
        page.get_by_test_id("verify-submit").click()
        expect(report).to_have_attribute("data-verdict", "invalid")
        expect(page.get_by_test_id("verify-signature-bad")).to_have_count(1)
        expect(page.get_by_test_id("verify-not-archived")).to_be_visible()
        expect(page.get_by_test_id("verify-verdict")).to_contain_text("Không hợp lệ")
        walk.shot(page, "verify-modified")
