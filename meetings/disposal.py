"""Disposal (tiêu hủy) of a sealed meeting whose retention period has passed (issue 15 §4):
the one change a sealed meeting ever takes. An archivist of the body performs it, with a
reason, only once the period (`meetings.retention`) has passed and only if it is not permanent.

It deletes the meeting's content — agenda, documents and their versions, the files no other
meeting or opinion form uses, the signed minutes, votes and ballots, annotations, attendance,
the record, the archive's search passages — and leaves a tombstone (`Disposal`): what the
meeting was, the record chain's last digest and the signed minutes' SHA-256 (so a copy handed
in later can still be recognised), who disposed of it, when and why. The meeting's row stays,
with status `disposed`, so that its id is never reused. The audit log records it too
(`archive.disposed`).

The files are deleted by the caller after the commit (`release_files`): a rollback must never
leave rows that point at deleted files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from meetings import archive_search, clock, retention
from meetings.access import archive_bodies, role_in
from meetings.accounts import Actor
from meetings.admin import audit
from meetings.documents.blobs import BlobStore
from meetings.errors import conflict, forbidden, not_found
from meetings.fields import text_field
from meetings.models import (
    AgendaItem,
    Annotation,
    AnnotationChange,
    AnnotationShare,
    Ballot,
    BallotReceipt,
    Body,
    Disposal,
    Document,
    DocumentPage,
    DocumentPolicy,
    DocumentVersion,
    GlobalRole,
    Invitation,
    ItemExclusion,
    Meeting,
    MeetingCalendar,
    MeetingStatus,
    Minutes,
    OpinionDocument,
    Participant,
    RecordEntry,
    RecordIds,
    RoomScreen,
    SecretBallot,
    SpeakerRequest,
    SpeakerSettings,
    Upload,
    Vote,
    VoteVoter,
)

MAX_REASON = 1000
_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Disposed:
    tombstone: dict[str, Any]
    files: list[str]  # SHA-256 of the files nothing uses any more: the caller deletes them


def _in_scope(session: Session, actor: Actor, body_id: int) -> bool:
    scope = archive_bodies(session, actor)
    return scope is None or body_id in scope


def _check_standing(session: Session, actor: Actor, meeting: Meeting) -> None:
    """404 to whoever may not know of the meeting, 403 to whoever knows of it but is not an
    archivist of its body; admins (who may read the archive) are not archivists here: the one
    who sets the periods does not also dispose of records under them."""
    assert meeting.id is not None
    archived = meeting.status in (MeetingStatus.SEALED.value, MeetingStatus.DISPOSED.value)
    sees = actor.is_admin or (actor.is_archivist and archived
                              and _in_scope(session, actor, meeting.body_id))
    if not sees and role_in(session, actor, meeting.id) is None:
        raise not_found("cuộc họp", "Meeting")
    if actor.global_role != GlobalRole.ARCHIVIST.value or not sees:
        raise forbidden(
            "archivists_only",
            "Chỉ cán bộ lưu trữ của cơ quan được tiêu hủy hồ sơ lưu trữ của cuộc họp đã hết "
            "thời hạn lưu trữ.",
            "Only an archivist of the body may dispose of a meeting's records once their "
            "retention period has passed.")


def dispose(session: Session, actor: Actor, meeting_id: int, reason: Any, *,
            now: datetime | None = None) -> Disposed:
    """Dispose of a sealed meeting whose retention period has passed by `now`."""
    now = now or clock.now_utc()
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise not_found("cuộc họp", "Meeting")
    _check_standing(session, actor, meeting)
    if meeting.status == MeetingStatus.DISPOSED.value:
        raise conflict("already_disposed",
                       "Hồ sơ lưu trữ của cuộc họp này đã được tiêu hủy; chỉ còn thông tin "
                       "tiêu hủy.",
                       "This meeting's records have already been disposed of; only the "
                       "record of the disposal is left.")
    minutes = session.get(Minutes, meeting_id)
    if meeting.status != MeetingStatus.SEALED.value or minutes is None:
        raise conflict("not_sealed",
                       "Chỉ tiêu hủy được hồ sơ của cuộc họp đã ký số biên bản.",
                       "Only the records of a meeting whose minutes are signed can be "
                       "disposed of.")
    why = text_field(reason if isinstance(reason, str) else "", "reason", MAX_REASON)
    kept = retention.of_meeting(session, meeting)
    if kept.years is None:
        raise conflict("retention_permanent",
                       "Hồ sơ lưu trữ của cuộc họp này có thời hạn lưu trữ vĩnh viễn; không "
                       "được tiêu hủy.",
                       "This meeting's records are kept permanently and may not be disposed "
                       "of.")
    ends = kept.expires_on
    assert ends is not None
    if not kept.expired(now):
        raise conflict(
            "retention_not_expired",
            f"Hồ sơ lưu trữ của cuộc họp này còn trong thời hạn lưu trữ ({kept.years} năm, "
            f"đến hết ngày {clock.date_text(ends - _DAY)}); chỉ được tiêu hủy từ ngày "
            f"{clock.date_text(ends)}.",
            f"This meeting's records are within their retention period ({kept.years} years, "
            f"until {clock.date_text(ends - _DAY)}); they may be disposed of from "
            f"{clock.date_text(ends)}.")
    body = session.get(Body, meeting.body_id)
    tombstone = Disposal(
        meeting_id=meeting_id, body_id=meeting.body_id, title=meeting.title,
        meeting_kind=meeting.kind, starts_at=meeting.starts_at, minutes_number=minutes.number,
        minutes_code=body.code if body else "", sealed_at=minutes.sealed_at,
        record_digest=_last_digest(session, meeting_id) or minutes.record_digest,
        minutes_sha256=minutes.signed_sha256, retention_years=kept.years, disposed_at=now,
        disposed_by=actor.user_id, disposer_name=actor.full_name, reason=why)
    files = _delete_content(session, meeting)
    meeting.status = MeetingStatus.DISPOSED.value
    meeting.current_item_id = meeting.current_document_id = None
    session.add(meeting)
    session.add(tombstone)
    session.flush()
    audit.record(session, actor.user_id, "archive.disposed", meeting.title,
                 meeting_id=meeting_id, number=minutes.number, reason=why,
                 retention_years=kept.years, record_digest=tombstone.record_digest,
                 minutes_sha256=tombstone.minutes_sha256, files_deleted=len(files))
    return Disposed(tombstone_view(tombstone, body), files)


def _last_digest(session: Session, meeting_id: int) -> str | None:
    return session.exec(select(RecordEntry.digest).where(RecordEntry.meeting_id == meeting_id)
                        .order_by(col(RecordEntry.seq).desc()).limit(1)).first()


def _delete_content(session: Session, meeting: Meeting) -> list[str]:
    """Delete every row of the meeting but its own; the files nothing else uses."""
    mid = meeting.id
    assert mid is not None
    documents = select(Document.id).where(Document.meeting_id == mid)
    votes = select(Vote.id).where(Vote.meeting_id == mid)
    annotations = select(Annotation.id).where(Annotation.meeting_id == mid)
    digests: set[str] = set()
    for row in session.exec(select(DocumentVersion.sha256, DocumentVersion.original_sha256)
                            .where(col(DocumentVersion.document_id).in_(documents))):
        digests.update(row)
    digests.update(session.exec(select(Document.sha256).where(Document.meeting_id == mid)))
    signed = session.exec(select(Minutes.signed_sha256).where(Minutes.meeting_id == mid)).first()
    if signed:
        digests.add(signed)

    archive_search.unindex_meeting(session, mid)
    steps: list[tuple[Any, Any]] = [
        (AnnotationShare, col(AnnotationShare.annotation_id).in_(annotations)),
        (AnnotationChange, col(AnnotationChange.annotation_id).in_(annotations)),
        (Annotation, col(Annotation.meeting_id) == mid),
        (RoomScreen, col(RoomScreen.meeting_id) == mid),
        (SecretBallot, col(SecretBallot.vote_id).in_(votes)),
        (Ballot, col(Ballot.vote_id).in_(votes)),
        (BallotReceipt, col(BallotReceipt.vote_id).in_(votes)),
        (VoteVoter, col(VoteVoter.vote_id).in_(votes)),
        (Vote, col(Vote.meeting_id) == mid),
        (SpeakerRequest, col(SpeakerRequest.meeting_id) == mid),
        (SpeakerSettings, col(SpeakerSettings.meeting_id) == mid),
        (ItemExclusion, col(ItemExclusion.meeting_id) == mid),
        (Invitation, col(Invitation.meeting_id) == mid),
        (MeetingCalendar, col(MeetingCalendar.meeting_id) == mid),
        (DocumentVersion, col(DocumentVersion.document_id).in_(documents)),
        (Document, col(Document.meeting_id) == mid),
        (Upload, col(Upload.meeting_id) == mid),
    ]
    for model, where in steps:
        session.execute(sa.delete(model).where(where))
    # Sub-items name their item: unlink them before the items go.
    session.execute(sa.update(AgendaItem).where(col(AgendaItem.meeting_id) == mid)
                    .values(parent_id=None))
    for model, where in [
        (AgendaItem, col(AgendaItem.meeting_id) == mid),
        (Participant, col(Participant.meeting_id) == mid),
        (RecordEntry, col(RecordEntry.meeting_id) == mid),
        (RecordIds, col(RecordIds.meeting_id) == mid),
        (Minutes, col(Minutes.meeting_id) == mid),
        (DocumentPolicy, col(DocumentPolicy.meeting_id) == mid),
    ]:
        session.execute(sa.delete(model).where(where))
    unused = sorted(digests - _still_used(session, digests))
    if unused:  # the words of pages no document shows any more
        session.execute(sa.delete(DocumentPage).where(col(DocumentPage.sha256).in_(unused)))
    return unused


def _still_used(session: Session, digests: set[str]) -> set[str]:
    """Which of these files another meeting's document, version, minutes or an opinion form
    still uses."""
    if not digests:
        return set()
    wanted = list(digests)
    used: set[str] = set()
    for column in (Document.sha256, DocumentVersion.sha256, DocumentVersion.original_sha256,
                   Minutes.signed_sha256, OpinionDocument.sha256):
        used.update(s for s in session.exec(select(column).where(col(column).in_(wanted)))
                    if s is not None)
    return used


def release_files(session: Session, blobs: BlobStore, digests: list[str]) -> list[str]:
    """After the disposal's commit: delete its files that are still unused (a file uploaded
    again meanwhile is kept). The digests deleted."""
    gone = sorted(set(digests) - _still_used(session, set(digests)))
    for digest in gone:
        blobs.delete(digest)
    return gone


def tombstone_view(d: Disposal, body: Body | None) -> dict[str, Any]:
    return {
        "meeting_id": d.meeting_id,
        "body_id": d.body_id,
        "body": body.name if body else "",
        "title": d.title,
        "meeting_kind": d.meeting_kind,
        "starts_at": clock.iso_vietnam(d.starts_at),
        "minutes_number": d.minutes_number,
        "minutes_code": f"BB-{d.minutes_code}" if d.minutes_code else "BB",
        "sealed_at": clock.iso_vietnam(d.sealed_at) if d.sealed_at else None,
        "record_digest": d.record_digest,
        "minutes_sha256": d.minutes_sha256,
        "retention_years": d.retention_years,
        "disposed_at": clock.iso_vietnam(d.disposed_at),
        "disposed_by": {"id": d.disposed_by, "full_name": d.disposer_name},
        "reason": d.reason,
    }


def tombstone(session: Session, actor: Actor, meeting_id: int) -> dict[str, Any] | None:
    """The tombstone of a disposed meeting, for an archivist of its body; None if the
    meeting was not disposed of (404 if the actor may not read that body's archive)."""
    row = session.get(Disposal, meeting_id)
    if row is None:
        return None
    if not actor.is_archivist or not _in_scope(session, actor, row.body_id):
        raise not_found("cuộc họp", "Meeting")
    return tombstone_view(row, session.get(Body, row.body_id))


def tombstones(session: Session, actor: Actor, *, body_id: int | None = None,
               date_from: datetime | None = None, date_to: datetime | None = None,
               limit: int = 50) -> list[dict[str, Any]]:
    """The disposed meetings the archivist's archive holds, last disposed first."""
    query = select(Disposal, Body).join(Body, col(Body.id) == col(Disposal.body_id))
    scope = archive_bodies(session, actor)
    if scope is not None:
        query = query.where(col(Disposal.body_id).in_(scope))
    if body_id is not None:
        query = query.where(Disposal.body_id == body_id)
    if date_from is not None:
        query = query.where(col(Disposal.starts_at) >= date_from)
    if date_to is not None:
        query = query.where(col(Disposal.starts_at) <= date_to)
    rows = session.exec(query.order_by(col(Disposal.disposed_at).desc()).limit(limit)).all()
    return [tombstone_view(d, b) for d, b in rows]

