"""Retention periods and disposal of sealed meetings (issue 15 §4), through HTTP and the domain,
on SQLite and on PostgreSQL (PHONGHOP_TEST_DATABASE_URL): the administrator sets each body's
periods; an archivist of the body disposes of a sealed meeting only after its period, never a
permanent one, always with a reason; the disposal deletes the content (rows and files on disk),
leaves a tombstone with the record's and the minutes' digests, is in the audit log, and the
search no longer finds the meeting. Every other change of the sealed meeting stays refused."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import MetaData, create_engine, func, select
from sqlmodel import select as sqlmodel_select

from meetings import disposal, record
from meetings.accounts import actor_of
from meetings.db import Database
from meetings.errors import DomainError
from meetings.models import AgendaItem, Document, DocumentVersion, Meeting, Minutes, User
from tests.helpers import error_of
from tests.test_archive_package import unpack
from tests.test_seal_and_archive import run_meeting_to_sealed

REASON = "Hết thời hạn lưu trữ theo Danh mục hồ sơ năm 2026; Hội đồng xác định giá trị tài " \
         "liệu đề nghị tiêu hủy."


def set_years(admin: Any, years: int | None, **more: int | None) -> dict[str, Any]:
    periods = {"minutes_regular": years, "documents": years} | more
    r = admin.patch("/api/admin/bodies/1", json={"retention": periods})
    assert r.status_code == 200, r.text
    return {p["kind"]: p for p in r.json()["body"]["retention"]}


def backdate(settings: Any, meeting_id: int, years: int, days: int = 0) -> datetime:
    """Move the meeting's date `years` (and `days`) into the past: waiting years is not an
    option in a test."""
    database = Database(settings.db_url)
    try:
        with database.write() as session:
            meeting = session.get(Meeting, meeting_id)
            assert meeting is not None
            day = meeting.starts_at.replace(year=meeting.starts_at.year - years) \
                - timedelta(days=days)
            meeting.starts_at = day
            session.add(meeting)
            return day
    finally:
        database.dispose()


def rows_of_meeting(url: str, meeting_id: int) -> dict[str, int]:
    """How many rows of each table name the meeting (a `meeting_id` column), but its own row
    and its tombstone: a table added later is covered without being named here."""
    engine = create_engine(url)
    try:
        meta = MetaData()
        meta.reflect(engine)
        with engine.connect() as conn:
            return {name: conn.execute(select(func.count()).select_from(table).where(
                table.c.meeting_id == meeting_id)).scalar_one()
                for name, table in meta.tables.items()
                if "meeting_id" in table.c and name != "disposals"}
    finally:
        engine.dispose()


def test_the_administrator_sets_each_kind_of_record_s_period(login) -> None:
    admin = login("admin")
    body = admin.get("/api/admin/bodies/1").json()["body"]
    kinds = {p["kind"]: p for p in body["retention"]}
    assert set(kinds) == {"minutes_regular", "minutes_special", "minutes_urgent", "documents"}
    # the default is permanent for every kind
    assert all(p["permanent"] and p["years"] is None and p["text_vi"] == "Vĩnh viễn"
               for p in kinds.values())
    kinds = set_years(admin, 10, minutes_special=20)
    regular = kinds["minutes_regular"]
    assert regular["years"] == 10 and regular["text_vi"] == "10 năm"
    assert kinds["minutes_special"]["years"] == 20 and kinds["minutes_urgent"]["permanent"]
    assert admin.get("/api/admin/bodies/1").json()["body"]["retention"] == list(kinds.values())
    # back to permanent
    assert set_years(admin, None)["documents"]["permanent"]
    log = admin.get("/api/admin/audit?action=body.retention").json()["entries"]
    assert [e["details"]["after"] for e in log][-1] == {"minutes_regular": 10, "documents": 10,
                                                        "minutes_special": 20}
    for bad in ({"minutes_regular": 0}, {"minutes_regular": 101}, {"minutes_regular": "10"},
                {"minutes_regular": True}, {"minutes": 10}, [], "permanent"):
        error_of(admin.patch("/api/admin/bodies/1", json={"retention": bad}), 422)
    error_of(login("luutru").patch("/api/admin/bodies/1",
                                   json={"retention": {"documents": 5}}), 403)


def test_the_archive_page_and_the_package_show_the_period(login, tmp_path) -> None:
    run_meeting_to_sealed(login)
    archivist = login("luutru")
    shown = archivist.get("/api/archive/1").json()
    assert shown["retention"]["permanent"] and shown["retention"]["text_vi"] == "Vĩnh viễn"
    assert shown["may_dispose"] is False and shown["disposal"] is None
    set_years(login("admin"), 10, documents=20)
    shown = archivist.get("/api/archive/1").json()["retention"]
    # minutes and documents go together: the longer period
    assert shown["years"] == 20 and shown["text_vi"] == "20 năm" and not shown["expired"]
    meeting_day = datetime.fromisoformat(archivist.get("/api/archive/1").json()["meeting"]
                                         ["starts_at"]).date()
    assert shown["expires_on"] == meeting_day.replace(year=meeting_day.year + 20).isoformat()
    package = archivist.get("/api/archive/1/package.zip")
    bag = unpack(package.content, tmp_path)
    assert json.loads((bag / "data/1/ho-so.json").read_text())["thoi_han_luu_tru"] == "20 năm"


def test_disposal_is_refused_early_for_permanent_records_to_others_and_without_reason(
        login, settings) -> None:
    sec, _pdf = run_meeting_to_sealed(login)
    archivist, admin = login("luutru"), login("admin")
    url = "/api/archive/1/disposal"
    # permanent (the default)
    error_of(archivist.post(url, json={"reason": REASON}), 409, "retention_permanent")
    set_years(admin, 5)
    # within the period: the message says from when
    body = error_of(archivist.post(url, json={"reason": REASON}), 409, "retention_not_expired")
    assert "5 năm" in body["message_vi"]
    backdate(settings, 1, 5, days=-1)  # one day short of five years
    error_of(archivist.post(url, json={"reason": REASON}), 409, "retention_not_expired")
    backdate(settings, 1, 0, days=1)  # now exactly five years
    # who: the secretary and a member know the meeting (403), an outsider does not (404)
    error_of(sec.post(url, json={"reason": REASON}), 403, "archivists_only")
    error_of(login("uyvien1").post(url, json={"reason": REASON}), 403, "archivists_only")
    error_of(admin.post(url, json={"reason": REASON}), 403, "archivists_only")
    error_of(login(None).post(url, json={"reason": REASON}), 401)
    # an archivist of another body does not see it
    r = admin.post("/api/admin/users", json={
        "username": "luutru2", "full_name": "Lê Văn Kho", "password": "matkhau-2026",
        "global_role": "archivist"})
    other = r.json()["user"]["id"]
    body2 = admin.post("/api/admin/bodies", json={"name": "HĐND xã Tường Tiến",
                                                  "kind": "people_council"}).json()["body"]["id"]
    assert admin.put(f"/api/admin/bodies/{body2}/members/{other}", json={}).status_code == 200
    outsider = login(None)
    assert outsider.post("/api/login", json={"username": "luutru2",
                                             "password": "matkhau-2026"}).status_code == 200
    error_of(outsider.post(url, json={"reason": REASON}), 404, "not_found")
    # the reason is required
    error_of(archivist.post(url, json={}), 422, "missing_field")
    error_of(archivist.post(url, json={"reason": "   "}), 422, "missing_field")
    error_of(archivist.post("/api/archive/999/disposal", json={"reason": REASON}), 404)
    # nothing happened
    assert archivist.get("/api/archive/1").json()["disposal"] is None
    # a meeting that is not sealed (a draft copy) is not the archive's
    copy = sec.post("/api/meetings/1/copy", json={"starts_at": "2026-12-20T14:00:00+07:00"})
    assert copy.status_code == 201, copy.text
    error_of(archivist.post(f"/api/archive/{copy.json()['meeting']['id']}/disposal",
                            json={"reason": REASON}), 404)


def test_disposal_after_the_period_leaves_only_the_tombstone(login, settings) -> None:
    sec, signed = run_meeting_to_sealed(login)
    archivist, admin = login("luutru"), login("admin")
    found = archivist.get("/api/archive?q=kinh+te+xa+hoi").json()["meetings"]
    assert [m["id"] for m in found] == [1]
    # A second meeting (a copy) uses one of the same files: that file must stay.
    copy = sec.post("/api/meetings/1/copy", json={"starts_at": "2026-12-20T14:00:00+07:00"})
    copy_id = copy.json()["meeting"]["id"]
    database = Database(settings.db_url)
    blobs_root = settings.data_dir / "blobs"
    try:
        with database.write() as session:
            versions = session.exec(sqlmodel_select(DocumentVersion, Document).where(
                DocumentVersion.document_id == Document.id, Document.meeting_id == 1)).all()
            digests = {v.sha256 for v, _d in versions} | {v.original_sha256 for v, _d in versions}
            shared_version, shared_doc = versions[0]
            copy_item = session.exec(sqlmodel_select(AgendaItem.id).where(
                AgendaItem.meeting_id == copy_id)).first()
            assert copy_item is not None
            session.add(Document(meeting_id=copy_id, item_id=copy_item, title="Bản dùng lại",
                                 filename="lai.pdf", sha256=shared_version.sha256,
                                 size=shared_doc.size, page_count=shared_doc.page_count,
                                 uploaded_by=shared_doc.uploaded_by))
            minutes = session.get(Minutes, 1)
            assert minutes is not None and minutes.signed_sha256 is not None
            minutes_sha = minutes.signed_sha256
            last_digest = record.entries(session, 1)[-1].digest
    finally:
        database.dispose()
    assert minutes_sha == hashlib.sha256(signed).hexdigest()
    files = {d: blobs_root / d[:2] / d[2:4] / d for d in digests | {minutes_sha}}
    assert all(p.exists() for p in files.values())
    # a page image of the other document in the cache, as a tablet saw it
    other_version, other_doc = next((v, d) for v, d in versions if d.id != shared_doc.id)
    assert sec.get(f"/api/documents/{other_doc.id}/pages/1?w=640").status_code == 200
    cached = settings.data_dir / "cache" / "pages" / other_version.sha256[:2] / other_version.sha256
    assert any(cached.iterdir())

    set_years(admin, 5)
    backdate(settings, 1, 5)
    assert archivist.get("/api/archive/1").json()["may_dispose"] is True
    assert admin.get("/api/archive/1").json()["may_dispose"] is False
    r = archivist.post("/api/archive/1/disposal", json={"reason": REASON})
    assert r.status_code == 200, r.text
    tomb = r.json()["disposal"]
    assert tomb["meeting_id"] == 1 and tomb["title"] == "Phiên họp thường kỳ tháng 11 năm 2026"
    assert tomb["body"] == "UBND xã Tường Tiến" and tomb["minutes_number"] == 1
    assert tomb["minutes_code"] == "BB-UBND"
    assert tomb["record_digest"] == last_digest and tomb["minutes_sha256"] == minutes_sha
    assert tomb["disposed_by"]["full_name"] == "Ngô Thị Hà" and tomb["reason"] == REASON
    assert tomb["retention_years"] == 5 and tomb["disposed_at"].endswith("+07:00")
    assert r.json()["files_deleted"] == len(digests | {minutes_sha}) - 1

    # the files are gone from the disk, but the one the copy uses, and so are page images
    for digest, path in files.items():
        assert path.exists() == (digest == shared_version.sha256), digest
    assert not cached.exists()
    # no row of the meeting is left but its own (status `disposed`) and the tombstone
    left = rows_of_meeting(settings.db_url, 1)
    assert {t: n for t, n in left.items() if n} == {}, left
    database = Database(settings.db_url)
    try:
        with database.read() as session:
            meeting = session.get(Meeting, 1)
            assert meeting is not None and meeting.status == "disposed"
            assert session.exec(sqlmodel_select(Minutes)).first() is None
    finally:
        database.dispose()

    # the archive page shows the tombstone; the search does not find it; the listing shows it
    assert archivist.get("/api/archive/1").json() == {"disposal": tomb}
    assert archivist.get("/api/archive?q=kinh+te+xa+hoi").json()["meetings"] == []
    listing = archivist.get("/api/archive").json()
    assert [m["id"] for m in listing["meetings"]] == []
    assert listing["disposals"] == [tomb]
    error_of(archivist.get("/api/meetings/1/minutes.pdf"), 409, "meeting_disposed")
    error_of(archivist.get("/api/archive/1/package.zip"), 409, "meeting_disposed")
    # the audit log has it: who, when, what, why
    (entry,) = admin.get("/api/admin/audit?action=archive").json()["entries"]
    assert entry["action"] == "archive.disposed" and entry["actor"]["username"] == "luutru"
    assert entry["details"]["reason"] == REASON and entry["details"]["meeting_id"] == 1
    assert entry["details"]["record_digest"] == last_digest
    assert entry["details"]["minutes_sha256"] == minutes_sha
    # a second disposal: a clear 409
    error_of(archivist.post("/api/archive/1/disposal", json={"reason": REASON}), 409,
             "already_disposed")
    # the meeting's former participants no longer see it; nobody can change it
    assert [m["id"] for m in sec.get("/api/meetings").json()["meetings"]] == [copy_id]
    error_of(sec.get("/api/meetings/1"), 404)
    error_of(sec.patch("/api/meetings/1", json={"title": "x"}), 404)
    error_of(admin.patch("/api/meetings/1", json={"title": "x"}), 409, "meeting_disposed")
    # the file handed in later is still recognised by its digest in the tombstone, by an
    # archivist; a former member learns nothing of it
    files_ = {"file": ("bien-ban.pdf", signed, "application/pdf")}
    checked = archivist.post("/api/verify", files=files_).json()
    assert checked["archived"]["meeting_id"] == 1
    assert checked["archived"]["disposed"]["by"] == "Ngô Thị Hà"
    assert checked["archived"]["disposed"]["reason"] == REASON
    assert "đã được tiêu hủy" in checked["summary"]
    assert login("uyvien1").post("/api/verify", files=files_).json()["archived"] is None


@pytest.mark.parametrize("now_offset_days, allowed", [(-1, False), (0, True)])
def test_the_period_counts_whole_years_from_the_meeting_s_date(
        login, settings, now_offset_days: int, allowed: bool) -> None:
    run_meeting_to_sealed(login)
    set_years(login("admin"), 3)
    database = Database(settings.db_url)
    try:
        with database.write() as session:
            meeting = session.get(Meeting, 1)
            archivist = session.exec(sqlmodel_select(User).where(User.username == "luutru")).one()
            assert meeting is not None
            local = meeting.starts_at.astimezone(UTC) + timedelta(hours=7)
            # midnight in Vietnam, three years after the meeting's day, plus the offset
            day = local.date().replace(year=local.year + 3) + timedelta(days=now_offset_days)
            now = datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(hours=7)
            try:
                done = disposal.dispose(session, actor_of(archivist), 1, REASON, now=now)
            except DomainError as refused:
                assert not allowed and refused.code == "retention_not_expired"
                session.rollback()
            else:
                assert allowed and done.tombstone["retention_years"] == 3
    finally:
        database.dispose()

