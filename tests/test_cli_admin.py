"""The README's "Running it for real", walked as a new administrator walks it, with real
processes and no SQL: an empty database, `phonghop db upgrade`, the first administrator,
a body with its members and its signing key from the command line, then `phonghop serve`,
and a meeting created, prepared, run (members check in, a vote) and sealed over HTTP. The
sealed minutes' signature is checked with poppler's pdfsig against the installation's CA."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from meetings.clock import VIETNAM
from meetings.db import normalise_url
from phonghop.settings import Settings
from tests.conftest import PG_URL, ROOT, free_port, require_tool, start_server, stop_server

PASSWORD = "mat-khau-2026"


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str]:
    """A database with nothing in it: a new SQLite file, or a PostgreSQL database of our own
    (created here, dropped at the end) when PHONGHOP_TEST_DATABASE_URL is set."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'var' / 'phonghop.db'}"
        return
    name = f"phonghop_cli_admin_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(normalise_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield normalise_url(PG_URL).rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def phonghop(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PHONGHOP_DATA_DIR=str(settings.data_dir),
               PHONGHOP_DATABASE_URL=settings.db_url, PHONGHOP_FAST_PASSWORDS="1")
    result = subprocess.run([sys.executable, "-m", "phonghop.cli", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    return result


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


CLIENTS: list[httpx.Client] = []


def login(url: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=60)
    CLIENTS.append(client)
    r = client.post("/api/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return client


def pdfsig_report(pdf: Path, ca: Path, work: Path) -> str:
    certutil = require_tool("certutil")
    database = f"sql:{work}"
    subprocess.run([certutil, "-N", "-d", database, "--empty-password"], check=True)
    subprocess.run([certutil, "-A", "-d", database, "-n", "phonghop CA", "-t", "C,C,C",
                    "-i", str(ca)], check=True)
    result = subprocess.run([require_tool("pdfsig"), "-nssdir", database, str(pdf)],
                            capture_output=True, text=True, check=False)
    return result.stdout


def test_from_an_empty_database_to_signed_minutes(empty_database: str, tmp_path: Path,
                                                  artifacts: Path | None) -> None:
    settings = Settings(data_dir=tmp_path / "var", database_url=empty_database,
                        secret_key="cli-" + secrets.token_hex(8), fast_passwords=True)
    assert "database is up to date" in ok(phonghop(settings, "db", "upgrade"))
    ok(phonghop(settings, "user", "add", "admin", "--role", "admin", "--password", PASSWORD,
                "--full-name", "Quản trị hệ thống"))
    people = [("thuky", "Nguyễn Thị Thu", "Công chức Văn phòng - Thống kê"),
              ("chutich", "Trần Văn Đức", "Chủ tịch UBND xã"),
              ("phochutich", "Lê Thị Nhung", "Phó Chủ tịch UBND xã"),
              ("uyvien1", "Hoàng Minh Tuấn", "Ủy viên UBND xã"),
              ("uyvien2", "Vũ Thị Lan", "Ủy viên UBND xã")]
    for username, name, title in people:
        ok(phonghop(settings, "user", "add", username, "--full-name", name, "--password",
                    PASSWORD, "--title", title, "--email", f"{username}@anbinh.gov.vn"))
    made = ok(phonghop(settings, "body", "add", "UBND xã An Bình", "--code", "BB-UBND",
                       "--kind", "people_committee", "--parent", "UBND tỉnh Hưng Yên",
                       "--place", "An Bình"))
    assert "quorum 2/3" in made
    # A People's Committee's quorum is the law's: the command line cannot lower it either.
    lowered = phonghop(settings, "body", "add", "UBND xã Khác", "--kind", "people_committee",
                       "--quorum", "1/3")
    assert lowered.returncode == 2 and "luật" in lowered.stderr and "law" in lowered.stderr
    ok(phonghop(settings, "body", "member", "add", "BB-UBND", "thuky", "--title",
                "Thư ký", "--non-voting", "--can-prepare", "--secretary"))
    ok(phonghop(settings, "body", "member", "add", "BB-UBND", "chutich", "--title",
                "Chủ tịch", "--chair"))
    ok(phonghop(settings, "body", "member", "add", "BB-UBND", "phochutich", "--title",
                "Phó Chủ tịch"))
    for username in ("uyvien1", "uyvien2"):
        ok(phonghop(settings, "body", "member", "add", "BB-UBND", username, "--title",
                    "Ủy viên"))
    ok(phonghop(settings, "body", "key", "UBND xã An Bình", "--generate"))
    listed = ok(phonghop(settings, "body", "list"))
    assert "UBND xã An Bình" in listed and "BB-UBND" in listed and "có khóa ký số" in listed
    assert "5 thành viên" in listed

    port = free_port()
    server = start_server(settings, port, tmp_path / "server.log")
    url = f"http://127.0.0.1:{port}"
    try:
        admin = login(url, "admin")
        bodies = admin.get("/api/admin/bodies").json()["bodies"]
        assert [(b["name"], b["kind"], b["quorum"], b["quorum_fixed_by_law"])
                for b in bodies] == [("UBND xã An Bình", "people_committee", [2, 3], True)]
        body_id = bodies[0]["id"]

        sec = login(url, "thuky")
        starts = datetime.now(VIETNAM).replace(microsecond=0) + timedelta(days=7)
        r = sec.post("/api/meetings", json={
            "body_id": body_id, "title": "Phiên họp thường kỳ tháng 12",
            "starts_at": starts.isoformat(), "place": "Hội trường UBND xã An Bình"})
        assert r.status_code == 201, r.text
        meeting_id = r.json()["meeting"]["id"]
        ids = {u["username"]: u["id"] for u in admin.get("/api/admin/users").json()["users"]}
        for username in ("phochutich", "uyvien1", "uyvien2"):
            r = sec.post(f"/api/meetings/{meeting_id}/participants",
                         json={"user_id": ids[username], "role": "member"})
            assert r.status_code == 201, r.text
        shown = sec.get(f"/api/meetings/{meeting_id}").json()
        roles = {p["user_id"]: p["role"] for p in shown["participants"]}
        assert roles[ids["chutich"]] == "chair"  # the body's default chair, by itself
        r = sec.post(f"/api/meetings/{meeting_id}/items",
                     json={"title": "Báo cáo tình hình kinh tế - xã hội năm 2026"})
        assert r.status_code == 201, r.text
        assert sec.post(f"/api/meetings/{meeting_id}/start").status_code == 200

        for username in ("chutich", "phochutich"):
            r = login(url, username).post(f"/api/meetings/{meeting_id}/check-in", json={})
            assert r.status_code == 200, r.text
        # 2 of 4 voters: no quorum, and for a People's Committee no override either.
        for ask in ({}, {"override_quorum": True}):
            r = sec.post(f"/api/meetings/{meeting_id}/votes",
                         json={"question": "Thông qua báo cáo?", **ask})
            assert r.status_code == 409 and r.json()["error"] == "no_quorum", r.text
        r = login(url, "uyvien1").post(f"/api/meetings/{meeting_id}/check-in", json={})
        assert r.status_code == 200, r.text
        r = sec.post(f"/api/meetings/{meeting_id}/votes", json={"question": "Thông qua báo cáo?"})
        assert r.status_code == 201, r.text
        vote = r.json()["vote"]
        assert (vote["eligible"], vote["present"], vote["quorum_required"]) == (4, 3, 3)
        for username in ("chutich", "phochutich", "uyvien1"):
            r = login(url, username).post(f"/api/votes/{vote['id']}/ballots",
                                          json={"choice": "yes"})
            assert r.status_code == 201, r.text
        assert sec.post(f"/api/votes/{vote['id']}/close").json()["vote"]["result"]["passed"] is True
        assert sec.post(f"/api/meetings/{meeting_id}/end").status_code == 200
        r = sec.post(f"/api/meetings/{meeting_id}/minutes/seal")
        assert r.status_code == 200, r.text
        pdf = sec.get(f"/api/meetings/{meeting_id}/minutes.pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        audit = admin.get("/api/admin/audit", params={"action": "minutes.sealed"}).json()
        assert [e["target"] for e in audit["entries"]] == ["01/BB-UBND"]
    finally:
        for client in CLIENTS:
            client.close()
        stop_server(server)

    signed = tmp_path / "bien-ban.pdf"
    signed.write_bytes(pdf.content)
    if artifacts is not None:
        (artifacts / "cli-admin-bien-ban.pdf").write_bytes(pdf.content)
    nss = tmp_path / "nss"
    nss.mkdir()
    report = pdfsig_report(signed, settings.data_dir / "keys" / "trust" / "ca.pem", nss)
    assert re.search(r"Signer Certificate Common Name: UBND xã An Bình", report), report
    assert "Signature Validation: Signature is Valid." in report, report
    assert "Certificate Validation: Certificate is Trusted." in report, report
    text_of = subprocess.run([require_tool("pdftotext"), "-layout", str(signed), "-"],
                             capture_output=True, text=True, check=True).stdout
    assert "Số: 01/BB-UBND" in text_of and "ỦY BAN NHÂN DÂN" in text_of
