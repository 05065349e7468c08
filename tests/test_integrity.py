"""The integrity check (issue 15 §4): stored files re-hashed against their digests and record
chains re-verified, on demand (an administrator, `phonghop check`) and on a schedule; each kind
of damage is reported with the meeting it hurts, and an undamaged store reports none."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import closing

import pytest
from sqlalchemy import text

from meetings.db import Database
from meetings.documents.blobs import BlobStore
from phonghop.settings import Settings
from tests.conftest import ROOT, LiveServer, free_port, start_server, stop_server
from tests.helpers import error_of
from tests.test_seal_and_archive import run_meeting_to_sealed


def version_digests(settings: Settings) -> list[str]:
    database = Database(settings.db_url)
    try:
        with database.read() as session:
            return [row[0] for row in session.execute(text(
                "SELECT sha256 FROM document_versions ORDER BY id"))]
    finally:
        database.dispose()


def test_damage_of_each_kind_is_reported(login, settings) -> None:
    run_meeting_to_sealed(login)
    admin = login("admin")
    first = admin.post("/api/integrity/run").json()["report"]
    assert first["ok"] is True and first["damage"] == [], first
    assert first["files_checked"] >= 3 and first["meetings_checked"] >= 1
    assert first["trigger"] == "admin"

    blobs = BlobStore(settings.data_dir / "blobs")
    changed, missing = version_digests(settings)[:2]
    path = blobs.path(changed)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.chmod(0o600)
    path.write_bytes(bytes(data))
    blobs.path(missing).unlink()
    database = Database(settings.db_url)
    with database.write() as session:
        session.execute(text("DELETE FROM record_entries WHERE meeting_id = 1 AND seq = 2"))
    database.dispose()

    report = admin.post("/api/integrity/run").json()["report"]
    assert report["ok"] is False
    found = {(d["kind"], d["meeting_id"]) for d in report["damage"]}
    assert ("file_changed", 1) in found and ("file_missing", 1) in found
    assert ("record_broken", 1) in found
    by_kind = {d["kind"]: d for d in report["damage"]}
    assert changed in by_kind["file_changed"]["what"]
    assert missing in by_kind["file_missing"]["what"]
    assert " / " in by_kind["record_broken"]["message"]  # Vietnamese / English
    listed = admin.get("/api/integrity").json()["reports"]
    assert [r["id"] for r in listed] == [report["id"], first["id"]]


def test_a_record_cut_after_the_seal_entry_is_reported(login, settings) -> None:
    """Entries cut off the end, back to before the digest the minutes signed: the chain that is
    left verifies, but no longer holds the signed digest."""
    run_meeting_to_sealed(login)
    database = Database(settings.db_url)
    with database.write() as session:
        digest = session.execute(text(
            "SELECT record_digest FROM minutes WHERE meeting_id = 1")).scalar_one()
        seq = session.execute(text("SELECT seq FROM record_entries WHERE digest = :d"),
                              {"d": digest}).scalar_one()
        session.execute(text("DELETE FROM record_entries WHERE meeting_id = 1 AND seq >= :s"),
                        {"s": seq})
    database.dispose()
    report = login("admin").post("/api/integrity/run").json()["report"]
    assert [(d["kind"], d["meeting_id"]) for d in report["damage"]] == [("record_cut", 1)]


def test_only_administrators_see_or_run_it(login) -> None:
    for username in ("thuky", "chutich", "luutru", "uyvien1"):
        error_of(login(username).get("/api/integrity"), 403, "forbidden")
        error_of(login(username).post("/api/integrity/run"), 403, "forbidden")
    error_of(login(None).get("/api/integrity"), 401)


def test_phonghop_check_on_the_command_line(login, settings) -> None:
    run_meeting_to_sealed(login)
    env = dict(os.environ, PHONGHOP_DATA_DIR=str(settings.data_dir))
    if settings.database_url:
        env["PHONGHOP_DATABASE_URL"] = settings.database_url

    def check() -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "phonghop.cli", "check"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)

    ok = check()
    assert ok.returncode == 0 and "No damage found" in ok.stdout, ok.stdout + ok.stderr
    blobs = BlobStore(settings.data_dir / "blobs")
    blobs.path(version_digests(settings)[0]).unlink()
    bad = check()
    assert bad.returncode == 1 and "file_missing meeting=1" in bad.stdout, bad.stdout


@pytest.mark.server
def test_the_check_runs_on_its_own_schedule(settings, demo, tmp_path) -> None:
    port = free_port()
    log = tmp_path / "server.log"
    process = start_server(settings, port, log,
                           extra_env={"PHONGHOP_INTEGRITY_HOURS": str(1 / 3600)})  # 1 s
    try:
        server = LiveServer(f"http://127.0.0.1:{port}", port, settings, demo, process, log)
        with closing(server.session("admin")) as admin:
            deadline = time.monotonic() + 60
            reports: list = []  # type: ignore[type-arg]
            while time.monotonic() < deadline and len(reports) < 2:
                reports = admin.get("/api/integrity").json()["reports"]
                time.sleep(0.5)
    finally:
        stop_server(process)
    assert len(reports) >= 2 and all(r["trigger"] == "schedule" for r in reports)
    assert all(r["ok"] for r in reports)
