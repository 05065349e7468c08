"""The administrator imports an archival package in the browser (issue 15 §3): a package
exported by one phonghop, chosen on /admin/import of a second, empty one (a real server); a
damaged package is refused with the reason and adds nothing; the imported meeting opens in the
archive with its signatures and record verified."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from meetings.admin import users
from meetings.db import Database
from meetings.models import Meeting
from meetings.passwords import Passwords
from phonghop.settings import Settings
from tests.conftest import LiveServer, free_port, require_tool, start_server, stop_server
from tests.test_archive_import import rezip
from tests.test_browser import CHROMIUM, DEMO_PASSWORD, TIMEOUT_MS, Walk, chromium
from tests.test_seal_and_archive import run_meeting_to_sealed


@pytest.fixture
def empty_server(tmp_path: Path, settings: Settings, demo: Any, databases: Any
                 ) -> Iterator[LiveServer]:
    """A second phonghop, really serving: an empty database, one administrator, and the first
    one's trust root installed as its administrator would (a PEM in keys/trust/)."""
    data_dir = tmp_path / "target"
    other = Settings(data_dir=data_dir, database_url=databases.fresh(data_dir),
                     secret_key="target-secret-0123", fast_passwords=True, render_workers=1,
                     render_warm=False)
    database = Database(other.db_url)
    try:
        with database.write() as session:
            users.add_user(session, Passwords(fast=True), None, {
                "username": "quantri", "full_name": "Quản trị kho", "password": DEMO_PASSWORD,
                "global_role": "admin"})
    finally:
        database.dispose()
    trust = data_dir / "keys" / "trust"
    trust.mkdir(parents=True, exist_ok=True)
    for pem in (settings.data_dir / "keys" / "trust").glob("*.pem"):
        shutil.copy(pem, trust / pem.name)
    port = free_port()
    log = tmp_path / "target.log"
    server = LiveServer(f"http://127.0.0.1:{port}", port, other, demo,
                        start_server(other, port, log), log)
    try:
        yield server
    finally:
        stop_server(server.process)


def meetings_in(s: Settings) -> int:
    database = Database(s.db_url)
    try:
        with database.read() as session:
            return len(session.exec(select(Meeting.id)).all())
    finally:
        database.dispose()


@pytest.mark.browser
@pytest.mark.server
def test_the_administrator_imports_a_package_in_the_browser(
        login: Any, empty_server: LiveServer, tmp_path: Path, artifacts: Path | None) -> None:
    require_tool(CHROMIUM)
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    run_meeting_to_sealed(login)
    with closing(login("luutru")) as archivist:
        package = archivist.get("/api/archive/1/package.zip").content
        title = archivist.get("/api/archive/1").json()["meeting"]["title"]
    good = tmp_path / "ho-so-cuoc-hop.zip"
    good.write_bytes(package)

    def damage(files: dict[str, bytes]) -> None:
        name = next(n for n in files if "/tai-lieu/" in n)  # a document, one byte changed
        data = bytearray(files[name])
        data[len(data) // 2] ^= 0x01
        files[name] = bytes(data)

    bad = tmp_path / "ho-so-hong.zip"
    bad.write_bytes(rezip(package, damage))

    with chromium() as browser:
        walk = Walk(browser, empty_server, artifacts)
        admin = walk.log_in("quantri", "/admin/import", width=810, height=1080)
        expect(admin.get_by_test_id("admin-tab-import")).to_have_attribute("aria-current", "page")

        # A damaged package: refused with the reason, nothing added.
        admin.get_by_test_id("import-file").set_input_files(str(bad))
        admin.get_by_test_id("import-submit").click()
        error = admin.get_by_test_id("import-error")
        expect(error).to_have_attribute("data-error", "bag_checksum")
        expect(error).to_contain_text("Gói hồ sơ không nhập được")
        walk.shot(admin, "import-refused-810x1080")
        assert meetings_in(empty_server.settings) == 0

        # The package as exported: imported, and its meeting opens in the archive, verified.
        admin.get_by_test_id("import-file").set_input_files(str(good))
        admin.get_by_test_id("import-submit").click()
        done = admin.get_by_test_id("import-done")
        expect(done).to_contain_text("Đã nhập 1 cuộc họp từ «ho-so-cuoc-hop.zip»")
        expect(admin.get_by_test_id("import-error")).to_have_count(0)
        walk.shot(admin, "import-done-810x1080")
        assert meetings_in(empty_server.settings) == 1
        done.locator("a").click()
        admin.wait_for_url("**/archive/*")
        expect(admin.locator("body")).to_contain_text(title)
        expect(admin.get_by_test_id("record-intact")).to_be_visible()
        walk.shot(admin, "import-archive-page-810x1080")
        # the refusal is the one request the browser logs as failed
        assert [e for e in walk.errors if "status of 422" not in e] == [], walk.errors
