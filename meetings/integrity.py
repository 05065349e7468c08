"""The integrity check: stored files re-hashed against their digests, record chains re-verified.

Every file the database names (each document version, cleaned and as uploaded, and each
meeting's signed minutes) is read from the blob store and hashed again: its name is its
SHA-256, so a changed byte or a missing file shows. Every meeting's record chain is verified,
and for a sealed meeting the digest its minutes printed and signed must still be in the chain
(entries cut off or edited show). A report lists what it checked and every damage found, in
Vietnamese and English; `run` stores it (`IntegrityCheck`), newest first in `reports`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from meetings import record
from meetings.accounts import Actor
from meetings.documents.blobs import BlobStore
from meetings.errors import forbidden
from meetings.models import (
    Document,
    DocumentVersion,
    IntegrityCheck,
    Meeting,
    MeetingStatus,
    Minutes,
    utcnow,
)

_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Damage:
    kind: str  # file_missing, file_changed, record_broken, record_cut
    meeting_id: int | None
    what: str  # the file's digest and role, or the record
    message: str  # Vietnamese / English


@dataclass
class Report:
    started_at: datetime
    finished_at: datetime | None = None
    files_checked: int = 0
    meetings_checked: int = 0
    damage: list[Damage] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.damage


def _stored_files(session: Session) -> Iterator[tuple[str, int | None, str]]:
    """(sha256, meeting id, what it is) for every file the database names, once each."""
    versions = session.exec(
        select(DocumentVersion, Document).where(DocumentVersion.document_id == Document.id)
        .order_by(col(DocumentVersion.id))
    ).all()
    for version, document in versions:
        label = f"«{document.title}» v{version.number}"
        yield version.sha256, document.meeting_id, f"{label} (PDF)"
        if version.original_sha256 != version.sha256:
            yield version.original_sha256, document.meeting_id, f"{label} (original)"
    for minutes in session.exec(select(Minutes).where(col(Minutes.signed_sha256).is_not(None))):
        assert minutes.signed_sha256 is not None
        yield minutes.signed_sha256, minutes.meeting_id, "biên bản đã ký / signed minutes"


def _digest_of(blobs: BlobStore, sha256: str) -> str | None:
    path = blobs.path(sha256)
    if not path.is_file():
        return None
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def check(session: Session, blobs: BlobStore) -> Report:
    """Check everything now (reads every stored file: run it off the event loop)."""
    report = Report(started_at=utcnow())
    seen: set[str] = set()
    for sha256, meeting_id, what in _stored_files(session):
        if sha256 in seen:
            continue
        seen.add(sha256)
        report.files_checked += 1
        try:
            digest = _digest_of(blobs, sha256)
        except ValueError:  # a name that is no digest: the row itself is damaged
            digest = None
        if digest is None:
            report.damage.append(Damage("file_missing", meeting_id, f"{what} {sha256}",
                                        "Tệp lưu trữ bị mất. / A stored file is missing."))
        elif digest != sha256:
            report.damage.append(Damage(
                "file_changed", meeting_id, f"{what} {sha256}",
                "Tệp lưu trữ đã bị thay đổi (mã băm không khớp). / A stored file was changed "
                "(its digest does not match)."))
    meetings = session.exec(select(Meeting).order_by(col(Meeting.id))).all()
    for meeting in meetings:
        assert meeting.id is not None
        rows = record.entries(session, meeting.id)
        if not rows and meeting.status != MeetingStatus.SEALED.value:
            continue
        report.meetings_checked += 1
        if record.verify_chain(rows) is None:
            report.damage.append(Damage(
                "record_broken", meeting.id, f"nhật ký / record «{meeting.title}»",
                "Nhật ký cuộc họp bị sửa, xóa hoặc đảo thứ tự. / The meeting's record was "
                "edited, cut or reordered."))
            continue
        minutes = session.get(Minutes, meeting.id)
        if (meeting.status == MeetingStatus.SEALED.value and minutes is not None
                and minutes.record_digest
                and minutes.record_digest not in {r.digest for r in rows}):
            report.damage.append(Damage(
                "record_cut", meeting.id, f"nhật ký / record «{meeting.title}»",
                "Nhật ký cuộc họp không còn chứa mã băm ghi trong biên bản đã ký. / The "
                "meeting's record no longer holds the digest printed in the signed minutes."))
    report.finished_at = utcnow()
    return report


def store(session: Session, report: Report, *, trigger: str) -> IntegrityCheck:
    row = IntegrityCheck(
        started_at=report.started_at, finished_at=report.finished_at or utcnow(),
        trigger=trigger, files_checked=report.files_checked,
        meetings_checked=report.meetings_checked, ok=report.ok,
        damage=json.dumps([asdict(d) for d in report.damage], ensure_ascii=False))
    session.add(row)
    session.flush()
    return row


def last_started(session: Session) -> datetime | None:
    row = session.exec(select(IntegrityCheck).order_by(col(IntegrityCheck.id).desc())).first()
    return row.started_at if row is not None else None


def view(row: IntegrityCheck) -> dict[str, Any]:
    return {
        "id": row.id,
        "started_at": row.started_at.isoformat(),
        "finished_at": row.finished_at.isoformat(),
        "trigger": row.trigger,
        "files_checked": row.files_checked,
        "meetings_checked": row.meetings_checked,
        "ok": row.ok,
        "damage": json.loads(row.damage),
    }


def reports(session: Session, limit: int = 20) -> list[dict[str, Any]]:
    rows = session.exec(select(IntegrityCheck).order_by(col(IntegrityCheck.id).desc())
                        .limit(limit)).all()
    return [view(r) for r in rows]



def require_reader(actor: Actor) -> None:
    """The reports (and running a check) are the administrator's."""
    if not actor.is_admin:
        raise forbidden("forbidden", "Chỉ quản trị hệ thống được xem kiểm tra toàn vẹn.",
                        "Only an administrator may see the integrity checks.")
