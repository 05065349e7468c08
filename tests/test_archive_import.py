"""Re-importing an archival package (issue 15 §3): a meeting sealed in one phonghop, exported as
its BagIt package and imported into a second phonghop with an empty database and its own data
dir, shows the same archive page and the same verification results there, and search finds it
by a word of its documents; a package with a changed byte, a removed record entry or a bad
manifest is refused and nothing is written."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import select
from starlette.testclient import TestClient

from meetings.admin import users
from meetings.db import Database
from meetings.models import (
    ArchiveEntry,
    DocumentPage,
    Meeting,
    RecordEntry,
    User,
)
from meetings.passwords import Passwords
from phonghop.app import create_app
from phonghop.cli import main as cli_main
from phonghop.settings import Settings
from tests.helpers import error_of
from tests.test_seal_and_archive import run_meeting_to_sealed

ADMIN_PASSWORD = "quan-tri-kho-2026"

# What differs between the two archive pages, and why:
# - every row id (meeting, agenda item, document, vote, participant's user): the target numbers
#   its rows itself; links between rows are kept (a vote's item is the same item);
# - participants' user ids and the proxy's: people are matched or created in the target;
# - `retention` and `may_dispose`: the target's bodies set their own retention periods
#   (not imported), so they are compared only for the same body settings;
# - on the meeting page (`GET /api/meetings/{id}`), `me` (who looks) and `server_time`.
ID_KEYS = {"id", "meeting_id", "item_id", "document_id", "user_id", "proxy_user_id",
           "body_id", "parent_id", "current_item_id", "current_document_id", "vote_id"}


def scrub(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items() if k not in ID_KEYS}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value


def page_of(detail: dict[str, Any]) -> dict[str, Any]:
    return scrub({k: v for k, v in detail.items() if k not in ("retention", "may_dispose")})


@pytest.fixture
def target(tmp_path: Path, settings: Settings, databases: Any
           ) -> Iterator[tuple[Settings, Callable[[], TestClient]]]:
    """A second phonghop: empty database, its own data dir, one administrator, and the
    source's trust root installed as its administrator would (a PEM in keys/trust/)."""
    data_dir = tmp_path / "target"
    url = databases.fresh(data_dir)
    other = Settings(data_dir=data_dir, database_url=url, secret_key="target-secret-0123",
                     fast_passwords=True, render_workers=1, render_warm=False,
                     login_hold_seconds=0.0)
    database = Database(other.db_url)
    try:
        with database.write() as session:
            assert session.exec(select(func.count()).select_from(Meeting)).one() == 0
            users.add_user(session, Passwords(fast=True), None, {
                "username": "quantri", "full_name": "Quản trị kho", "password": ADMIN_PASSWORD,
                "global_role": "admin"})
    finally:
        database.dispose()
    trust = data_dir / "keys" / "trust"
    trust.mkdir(parents=True, exist_ok=True)
    for pem in (settings.data_dir / "keys" / "trust").glob("*.pem"):
        shutil.copy(pem, trust / pem.name)
    app = create_app(other)
    root = TestClient(app)
    root.__enter__()

    def admin() -> TestClient:
        client = TestClient(app)
        client.portal = root.portal
        r = client.post("/api/login", json={"username": "quantri", "password": ADMIN_PASSWORD})
        assert r.status_code == 200, r.text
        return client

    yield other, admin
    root.__exit__(None, None, None)


def counts(s: Settings) -> dict[str, int]:
    database = Database(s.db_url)
    try:
        with database.read() as session:
            return {m.__name__: session.exec(select(func.count()).select_from(m)).one()
                    for m in (Meeting, RecordEntry, DocumentPage, ArchiveEntry, User)}
    finally:
        database.dispose()


def blobs_of(s: Settings) -> set[str]:
    root = s.data_dir / "blobs"
    return {p.name for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def rezip(data: bytes, change: Callable[[dict[str, bytes]], None]) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {n: archive.read(n) for n in archive.namelist()}
    change(files)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def remanifest(files: dict[str, bytes]) -> None:
    """Rewrite the manifests over the files as they are now: a package whose bag is valid
    but whose content was changed by someone who knew how to write a bag."""
    top = next(iter(files)).split("/")[0]
    payload = {n[len(top) + 1:]: d for n, d in files.items() if "/data/" in n}
    for algorithm in ("sha256", "sha512"):
        files[f"{top}/manifest-{algorithm}.txt"] = "".join(
            f"{hashlib.new(algorithm, d).hexdigest()}  {p}\n"
            for p, d in sorted(payload.items())).encode()
    oxum = f"Payload-Oxum: {sum(len(d) for d in payload.values())}.{len(payload)}"
    files[f"{top}/bag-info.txt"] = re.sub(rb"Payload-Oxum: .*", oxum.encode(),
                                          files[f"{top}/bag-info.txt"])
    tags = {n[len(top) + 1:]: d for n, d in files.items()
            if "/data/" not in n and not n.endswith("tagmanifest-sha256.txt")}
    files[f"{top}/tagmanifest-sha256.txt"] = "".join(
        f"{hashlib.sha256(d).hexdigest()}  {p}\n" for p, d in sorted(tags.items())).encode()


def post(client: TestClient, data: bytes) -> Any:
    return client.post("/api/archive/import",
                       files={"file": ("phonghop-1.zip", data, "application/zip")})


def test_an_imported_package_shows_the_same_archive_page_and_verifies(login, target) -> None:
    run_meeting_to_sealed(login)
    archivist = login("luutru")
    package = archivist.get("/api/archive/1/package.zip").content
    source = archivist.get("/api/archive/1").json()
    other, admin = target

    r = post(admin(), package)
    assert r.status_code == 201, r.text
    (new_id,) = r.json()["meeting_ids"]
    imported = admin().get(f"/api/archive/{new_id}").json()

    assert page_of(imported) == page_of(source)
    # the same verification: every signature intact, valid and trusted; the record whole and
    # reaching the digest printed in the minutes
    assert imported["signatures"] and all(
        s["intact"] and s["valid"] and s["trusted"] and s["ok"] for s in imported["signatures"])
    assert [(s["intact"], s["valid"], s["trusted"], s["ok"]) for s in imported["signatures"]] \
        == [(s["intact"], s["valid"], s["trusted"], s["ok"]) for s in source["signatures"]]
    assert imported["record_intact"] is True and source["record_intact"] is True
    assert imported["record_digest_printed"] == source["record_digest_printed"] is not None
    assert imported["minutes"]["sha256"] == source["minutes"]["sha256"]
    # the meeting, agenda, votes with results and the attendance came over
    assert imported["meeting"]["status"] == "sealed"
    assert imported["votes"] and imported["votes"][0]["result"]["yes"] == 4
    assert [p["recorded_attendance"] for p in imported["participants"]] == \
        [p["recorded_attendance"] for p in source["participants"]]

    # the meeting page too, but for who looks and when
    def meeting_page(client: TestClient, meeting_id: int) -> Any:
        r = client.get(f"/api/meetings/{meeting_id}")
        assert r.status_code == 200, r.text
        page = {k: v for k, v in r.json().items() if k != "me"}
        for part in page.values():
            if isinstance(part, dict):
                part.pop("server_time", None)
        return scrub(page)

    assert meeting_page(admin(), new_id) == meeting_page(login("admin"), 1)

    # the signed minutes byte for byte: `phonghop verify` finds it the archive's copy there
    signed = admin().get(f"/api/meetings/{new_id}/minutes.pdf")
    assert signed.status_code == 200
    checked = admin().post("/api/verify", files={"file": ("bb.pdf", signed.content)}).json()
    assert checked["verdict"] == "valid"
    assert checked["archived"]["meeting_id"] == new_id and checked["archived"]["record_intact"]

    # search finds the meeting by a word that is only in its documents' pages
    word = "ngân sách"
    found = archivist.get("/api/archive", params={"q": word}).json()["meetings"]
    assert [m["id"] for m in found] == [1]
    assert any(h["kind"] == "document" for h in found[0]["hits"])
    there = admin().get("/api/archive", params={"q": word}).json()["meetings"]
    assert [m["id"] for m in there] == [new_id]
    assert any(h["kind"] == "document" for h in there[0]["hits"])

    # people known only from the archive are created inactive, with no password
    database = Database(other.db_url)
    try:
        with database.read() as session:
            chair = session.exec(select(User).where(User.username == "chutich")).one()
            assert chair.active is False and chair.password_hash == "!"
    finally:
        database.dispose()
    assert admin().post("/api/login", json={"username": "chutich",
                                            "password": "phonghop2026"}).status_code == 401

    # twice: refused, nothing more written
    before = counts(other)
    error_of(post(admin(), package), 409, "already_imported")
    assert counts(other) == before


def test_a_damaged_package_is_refused_and_nothing_is_written(login, target) -> None:
    run_meeting_to_sealed(login)
    package = login("luutru").get("/api/archive/1/package.zip").content
    other, admin = target
    before, files_before = counts(other), blobs_of(other)

    def changed_document(files: dict[str, bytes]) -> None:
        name = next(n for n in files if "/tai-lieu/" in n)
        data = bytearray(files[name])
        data[len(data) // 2] ^= 0x01
        files[name] = bytes(data)

    def removed_entry(files: dict[str, bytes]) -> None:
        name = next(n for n in files if n.endswith("/nhat-ky.json"))
        log = json.loads(files[name])
        del log["entries"][2]
        files[name] = json.dumps(log, ensure_ascii=False).encode()

    def bad_manifest(files: dict[str, bytes]) -> None:
        name = next(n for n in files if n.endswith("/manifest-sha256.txt"))
        files[name] = b"".join(files[name].splitlines(keepends=True)[1:])  # a file unlisted

    def changed_result(files: dict[str, bytes]) -> None:
        name = next(n for n in files if n.endswith("/cuoc-hop.json"))
        state = json.loads(files[name])
        vote = state["votes"][0]
        vote["yes"], vote["no"], vote["passed"] = 1, 3, False
        vote["counts"] = json.dumps(json.loads(vote["counts"]) | {"yes": 1, "no": 3})
        files[name] = json.dumps(state, ensure_ascii=False).encode()

    cases = [
        (changed_document, False, "bag_checksum"),
        (changed_document, True, "document_mismatch"),  # the bag rewritten over the change
        (removed_entry, True, "record_broken"),
        # the rows are vouched for by the bag only: they must say what the record says
        (changed_result, True, "state_mismatch"),
        (bad_manifest, False, "bag_manifest"),
    ]
    for change, rewrite, code in cases:
        def edit(files: dict[str, bytes], change=change, rewrite=rewrite) -> None:
            change(files)
            if rewrite:
                remanifest(files)

        body = error_of(post(admin(), rezip(package, edit)), 422, code)
        assert "Gói hồ sơ không nhập được" in body["message"]
    error_of(post(admin(), b"not a zip"), 422, "package_not_zip")
    assert counts(other) == before and blobs_of(other) == files_before

    # untrusted: without the source's trust root the minutes' signatures vouch for nothing
    for pem in (other.data_dir / "keys" / "trust").glob("*.pem"):
        pem.unlink()
    error_of(post(admin(), package), 422, "minutes_signature")
    assert counts(other) == before and blobs_of(other) == files_before


def test_only_an_administrator_imports(login) -> None:
    run_meeting_to_sealed(login)
    package = login("luutru").get("/api/archive/1/package.zip").content
    for username in ("luutru", "thuky", "uyvien1"):
        error_of(post(login(username), package), 403)
    error_of(post(login(None), package), 401)
    # the source's own admin: the meeting is here already
    error_of(post(login("admin"), package), 409, "already_imported")


def test_the_command_line_imports_a_package(login, target, tmp_path, monkeypatch) -> None:
    run_meeting_to_sealed(login)
    package = tmp_path / "phonghop-1.zip"
    package.write_bytes(login("luutru").get("/api/archive/1/package.zip").content)
    other, admin = target
    args = ["--data-dir", str(other.data_dir), "archive", "import", str(package)]
    monkeypatch.setenv("PHONGHOP_DATABASE_URL", other.db_url)
    assert cli_main(args) == 0
    assert cli_main(args) == 2  # twice: refused
    found = admin().get("/api/archive", params={"q": "ngân sách"}).json()["meetings"]
    assert len(found) == 1
    assert admin().get(f"/api/archive/{found[0]['id']}").json()["record_intact"] is True
