"""Archival packages: sealed meetings exported as a BagIt 1.0 bag (RFC 8493) in a zip.

One bag holds one or more sealed meetings, each under `data/<meeting id>/`:
`bien-ban.pdf` (the signed minutes, byte for byte the archive's), `tai-lieu/` (every version
of every document, as it was presented: the cleaned PDF tablets were shown), `nhat-ky.json`
(the meeting's record, hash chain included), `cuoc-hop.json` (the meeting as the archive
shows it: agenda, participants by username, attendance, votes, speakers; what
`meetings.archive_import` recreates it from) and `ho-so.json` (the metadata of Thông tư
05/2025/TT-BNV where they apply, for the file (hồ sơ) and for each document in it; the
mapping from our data is in docs/archive-package.md).

The bag is written here, not by the `bagit` library (which writes version 0.97): `bagit.txt`
says 1.0, the payload has SHA-256 and SHA-512 manifests, the tag files a SHA-256 tag manifest,
and `bag-info.txt` carries Payload-Oxum. The tests validate it with bagit-python, a validator
that is not this code.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pymupdf
from sqlmodel import Session, SQLModel, col, select

from meetings import clock, record, retention
from meetings.access import require_archivist
from meetings.accounts import Actor
from meetings.archive import sealed_minutes
from meetings.documents.blobs import BlobStore
from meetings.errors import invalid
from meetings.models import (
    AgendaItem,
    Ballot,
    Body,
    Document,
    DocumentPolicy,
    DocumentVersion,
    Meeting,
    Minutes,
    Participant,
    RecordEntry,
    SpeakerRequest,
    User,
    Vote,
)

MAX_MEETINGS = 50
STATE_FORMAT = 1  # of cuoc-hop.json
DOCUMENT_KINDS = ("Tờ trình", "Báo cáo", "Dự thảo", "Kế hoạch", "Quyết định", "Nghị quyết",
                  "Công văn", "Thông báo", "Chương trình", "Đề án", "Phương án", "Danh sách")


@dataclass(frozen=True)
class Package:
    name: str  # the bag's folder name, and the zip's file name without ".zip"
    data: bytes  # the zip


def export(session: Session, blobs: BlobStore, actor: Actor, meeting_ids: list[int],
           *, today: date | None = None) -> Package:
    """The bag of these sealed meetings; each must be one the archivist may read."""
    require_archivist(actor)
    ids = list(dict.fromkeys(meeting_ids))
    if not ids or len(ids) > MAX_MEETINGS:
        raise invalid("bad_ids", f"Chọn từ 1 đến {MAX_MEETINGS} cuộc họp đã ký biên bản.",
                      f"Choose between 1 and {MAX_MEETINGS} sealed meetings.")
    payload: dict[str, bytes] = {}
    bodies: set[str] = set()
    for meeting_id in ids:
        minutes = sealed_minutes(session, actor, meeting_id)  # 404 unless sealed and visible
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None and minutes.signed_sha256 is not None
        body = session.get(Body, meeting.body_id)
        bodies.add(body.name if body else "")
        payload |= _meeting_files(session, blobs, meeting, body, minutes)
    day = today or clock.today_in_vietnam()
    name = f"phonghop-{'-'.join(str(i) for i in ids[:5])}{'-etc' if len(ids) > 5 else ''}"
    info = {
        "Source-Organization": "; ".join(sorted(bodies)),
        "Bagging-Date": day.isoformat(),
        "External-Description": ("Hồ sơ lưu trữ của cuộc họp đã ký biên bản, xuất từ phonghop / "
                                 "Sealed meeting records exported by phonghop"),
        "Bag-Software-Agent": "phonghop (BagIt 1.0, RFC 8493)",
        "Bag-Count": "1 of 1",
        "Payload-Oxum": f"{sum(len(v) for v in payload.values())}.{len(payload)}",
    }
    return Package(name, _zip(name, payload, info))


def _meeting_files(session: Session, blobs: BlobStore, meeting: Meeting, body: Body | None,
                   minutes: Minutes) -> dict[str, bytes]:
    assert meeting.id is not None and minutes.signed_sha256 is not None
    base = f"data/{meeting.id}"
    signed = blobs.get(minutes.signed_sha256)
    files = {f"{base}/bien-ban.pdf": signed}
    documents: list[dict[str, Any]] = []
    paths: dict[int, str] = {}  # version id: its file in the bag
    rows = session.exec(select(Document, DocumentVersion, AgendaItem)
                        .where(Document.meeting_id == meeting.id)
                        .where(DocumentVersion.document_id == Document.id)
                        .where(AgendaItem.id == Document.item_id)
                        .order_by(col(AgendaItem.position), col(Document.position),
                                  col(Document.id), col(DocumentVersion.number))).all()
    for document, version, item in rows:
        path = f"{base}/tai-lieu/{document.id}-v{version.number}-{_slug(document.title)}.pdf"
        files[path] = blobs.get(version.sha256)
        paths[version.id or 0] = path
        documents.append(_document_metadata(document, version, item, body, path))
    files[f"{base}/nhat-ky.json"] = _json(record.as_json(session, meeting.id))
    files[f"{base}/cuoc-hop.json"] = _json(
        meeting_state(session, meeting, body, minutes, paths))
    policy = session.get(DocumentPolicy, meeting.id)
    kept = retention.period_text(retention.of_meeting(session, meeting).years)
    files[f"{base}/ho-so.json"] = _json(
        _file_metadata(meeting, body, minutes, signed, documents, policy, kept))
    return files


def _file_metadata(meeting: Meeting, body: Body | None, minutes: Minutes, signed: bytes,
                   documents: list[dict[str, Any]], policy: DocumentPolicy | None,
                   kept: str) -> dict[str, Any]:
    """The hồ sơ's fields (Thông tư 05/2025/TT-BNV) and the minutes as its first document;
    `kept` is its retention period as the body set it ("Vĩnh viễn", "20 năm")."""
    code = f"BB-{body.code}" if body and body.code else "BB"  # "Số: 07/BB-UBND"
    year = (minutes.sealed_at or meeting.starts_at).year
    number = f"{minutes.number:02d}" if minutes.number is not None else ""
    minutes_pages = _page_count(signed)
    the_minutes = {
        "so": number,
        "ky_hieu": code,
        "ngay": _day(minutes.sealed_at),
        "ten_loai": "Biên bản",
        "co_quan_ban_hanh": body.name if body else "",
        "trich_yeu": f"Biên bản {meeting.title}",
        "nguoi_ky": minutes.signer_name or "",
        "so_trang": minutes_pages,
        "ngon_ngu": "Tiếng Việt",
        "tep": f"data/{meeting.id}/bien-ban.pdf",
        "sha256": minutes.signed_sha256,
    }
    return {
        "ma_ho_so": f"{code}.{year}.{number or meeting.id}",
        "tieu_de": meeting.title,
        "co_quan": body.name if body else "",
        "co_quan_cap_tren": body.parent_name if body else "",
        "thoi_han_luu_tru": kept,
        "muc_do_tiep_can": "Hạn chế" if policy is not None and policy.confidential else
                           "Công khai",
        "ngon_ngu": "Tiếng Việt",
        "thoi_gian_bat_dau": _moment(meeting.started_at or meeting.starts_at),
        "thoi_gian_ket_thuc": _moment(meeting.ended_at),
        "dia_diem": meeting.place,
        "tu_khoa": _keywords(meeting.title, [d["trich_yeu"] for d in documents]),
        "tong_so_tai_lieu": 1 + len(documents),
        "so_luong_trang": minutes_pages + sum(d["so_trang"] for d in documents),
        "ma_bam_nhat_ky": minutes.record_digest,
        "tai_lieu": [the_minutes, *documents],
    }


def _document_metadata(document: Document, version: DocumentVersion, item: AgendaItem,
                       body: Body | None, path: str) -> dict[str, Any]:
    return {
        "so": "",
        "ky_hieu": "",
        "ngay": _day(version.created_at),
        "ten_loai": _kind_of(document.title),
        "co_quan_ban_hanh": body.name if body else "",
        "trich_yeu": document.title,
        "nguoi_ky": "",
        "so_trang": version.page_count,
        "ngon_ngu": "Tiếng Việt",
        "phien_ban": version.number,
        "noi_dung_hop": item.title,
        "tai_lieu_muon": document.late,
        "rut_khoi_chuong_trinh": document.withdrawn_at is not None,
        "ten_tep_goc": version.original_filename,
        "tep": path,
        "sha256": version.sha256,
    }


def meeting_state(session: Session, meeting: Meeting, body: Body | None, minutes: Minutes,
                  paths: dict[int, str]) -> dict[str, Any]:
    """The meeting's rows as `cuoc-hop.json` holds them: ids only as keys linking rows of the
    file, people by username (ids differ from one phonghop to another), times in ISO 8601.
    Secret ballots are not in it: a secret vote keeps its counts only."""
    assert meeting.id is not None
    mid = meeting.id
    users: dict[int, User] = {}

    def who(user_id: int | None) -> str | None:
        if user_id is None:
            return None
        if user_id not in users:
            user = session.get(User, user_id)
            if user is None:
                return None
            users[user_id] = user
        return users[user_id].username

    items = session.exec(select(AgendaItem).where(AgendaItem.meeting_id == mid)
                         .order_by(col(AgendaItem.position))).all()
    documents = session.exec(select(Document).where(Document.meeting_id == mid)
                             .order_by(col(Document.id))).all()
    people = session.exec(select(Participant).where(Participant.meeting_id == mid)
                          .order_by(col(Participant.id))).all()
    votes = session.exec(select(Vote).where(Vote.meeting_id == mid).order_by(col(Vote.id))).all()
    speakers = session.exec(select(SpeakerRequest).where(SpeakerRequest.meeting_id == mid)
                            .order_by(col(SpeakerRequest.id))).all()
    policy = session.get(DocumentPolicy, mid)
    state: dict[str, Any] = {
        "format": STATE_FORMAT,
        "body": _row(body, "id", "created_at", "signing_p12_path", "default_secretary_id",
                     "default_chair_id") if body else None,
        # (current_item_id, current_document_id: keys of `items` and `documents`)
        "meeting": _row(meeting, "id", "body_id", "created_by")
                   | {"created_by": who(meeting.created_by)},
        "minutes": _row(minutes, "meeting_id", "sealed_by") | {"sealed_by": who(minutes.sealed_by)},
        "policy": _row(policy, "meeting_id") if policy else None,
        "items": [_row(i, "meeting_id") for i in items],
        "documents": [_row(d, "meeting_id", "uploaded_by") | {
            "uploaded_by": who(d.uploaded_by),
            "versions": [_row(v, "document_id", "uploaded_by") | {
                "uploaded_by": who(v.uploaded_by), "tep": paths.get(v.id or 0)}
                for v in session.exec(select(DocumentVersion)
                                      .where(DocumentVersion.document_id == d.id)
                                      .order_by(col(DocumentVersion.number)))],
        } for d in documents],
        "participants": [_row(p, "id", "meeting_id", "user_id", "proxy_user_id") | {
            "user": who(p.user_id), "proxy": who(p.proxy_user_id)} for p in people],
        "votes": [_row(v, "meeting_id", "ballot_salt") | {
            "ballots": [_row(b, "id", "vote_id", "user_id") | {"user": who(b.user_id)}
                        for b in session.exec(select(Ballot).where(Ballot.vote_id == v.id)
                                              .order_by(col(Ballot.id)))]
            if v.kind != "secret" else []} for v in votes],
        "speakers": [_row(s, "id", "meeting_id", "user_id", "added_by") | {
            "user": who(s.user_id), "added_by": who(s.added_by)} for s in speakers],
    }
    # Everyone the record names as having acted too, with the id the record knows them by
    # (the importing server maps it to its own: `meetings.models.RecordIds`).
    for actor_id in session.exec(select(RecordEntry.actor_id).where(RecordEntry.meeting_id == mid)
                                 .distinct()):
        who(actor_id)
    state["users"] = [{"username": u.username, "full_name": u.full_name, "title": u.title,
                       "id": u.id}
                      for u in sorted(users.values(), key=lambda u: u.username)]
    return state


def _row(row: SQLModel, *leave_out: str) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, datetime | date) else v)
            for k, v in row.model_dump().items() if k not in leave_out}


def _zip(name: str, payload: dict[str, bytes], info: dict[str, str]) -> bytes:
    tags = {
        "bagit.txt": b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
        "bag-info.txt": "".join(f"{k}: {v}\n" for k, v in info.items()).encode(),
        "manifest-sha256.txt": _manifest(payload, "sha256"),
        "manifest-sha512.txt": _manifest(payload, "sha512"),
    }
    tags["tagmanifest-sha256.txt"] = _manifest(tags, "sha256")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in (tags | payload).items():
            archive.writestr(f"{name}/{path}", data)
    return buffer.getvalue()


def _manifest(files: dict[str, bytes], algorithm: str) -> bytes:
    return "".join(f"{hashlib.new(algorithm, data).hexdigest()}  {path}\n"
                   for path, data in sorted(files.items())).encode()


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2).encode()


def _page_count(pdf: bytes) -> int:
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        return int(doc.page_count)


def _kind_of(title: str) -> str:
    for kind in DOCUMENT_KINDS:
        if title.casefold().startswith(kind.casefold()):
            return kind
    return "Tài liệu"


def _keywords(title: str, others: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for text in (title, *others):
        for kind in DOCUMENT_KINDS:
            if kind.casefold() in text.casefold():
                seen.setdefault(kind, None)
    return list(seen)


def _slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = folded.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:60] or "tai-lieu"


def _day(moment: datetime | None) -> str | None:
    return clock.in_vietnam(moment).date().isoformat() if moment is not None else None


def _moment(moment: datetime | None) -> str | None:
    return clock.iso_vietnam(moment) if moment is not None else None
