"""The archive: reading sealed meetings, their signed minutes, record and retention period
(finding them: `meetings.archive_search`; how the meeting went, on its page:
`meetings.archive_page`; disposing of them: `meetings.disposal`), and
telling whether a file handed in is the archive's own signed minutes (`archived_copy`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from meetings import archive_page, archive_search, clock, disposal, record, retention
from meetings.access import Action, archive_bodies, authorize, require_archivist
from meetings.accounts import Actor
from meetings.agenda import agenda_view
from meetings.documents.blobs import BlobStore
from meetings.errors import DomainError, not_found
from meetings.live.running import participants
from meetings.minutes.drafting import KeyStore
from meetings.minutes.layout import printed_record_digest
from meetings.minutes.signing import verify_pdf
from meetings.minutes.verification import ArchivedCopy, signature_view
from meetings.minutes.wording import recorded_state
from meetings.models import (
    Body,
    Disposal,
    GlobalRole,
    Meeting,
    MeetingStatus,
    Minutes,
    Vote,
)
from meetings.views import meeting_view, vote_view


def search(session: Session, actor: Actor, filters: archive_search.Filters) -> dict[str, Any]:
    """The archive's search; a listing (no words, no filter but body and dates) also lists the
    meetings disposed of (their content is gone: words and the other filters never find
    them)."""
    found = archive_search.search(session, actor, filters)
    f = filters
    listing = not found["words"] and not (f.number.strip() or f.signer.strip() or f.vote
                                          or f.participant.strip() or f.access or f.offset)
    gone = (disposal.tombstones(session, actor, body_id=f.body_id, date_from=f.date_from,
                                date_to=f.date_to) if listing else [])
    return found | {"disposals": gone}


def sealed_minutes(session: Session, actor: Actor, meeting_id: int) -> Minutes:
    meeting, role = authorize(session, actor, meeting_id, Action.VIEW)
    scope = archive_bodies(session, actor) if role is None else None
    if scope is not None and meeting.body_id not in scope:
        # An archivist of other bodies: as for a meeting that does not exist.
        raise not_found("biên bản đã ký", "Signed minutes")
    row = session.get(Minutes, meeting_id)
    if meeting.status != MeetingStatus.SEALED.value or row is None or not row.signed_sha256:
        raise not_found("biên bản đã ký", "Signed minutes")
    return row


def detail(
    session: Session, blobs: BlobStore, keys: KeyStore, actor: Actor, meeting_id: int,
    *, now: datetime | None = None,
) -> dict[str, Any]:
    """A sealed meeting as the archive shows it, with its signatures checked now, its
    retention period and whether this archivist may dispose of it; a disposed meeting as
    its tombstone (`disposal`)."""
    require_archivist(actor)
    now = now or clock.now_utc()
    gone = disposal.tombstone(session, actor, meeting_id)
    if gone is not None:
        return {"disposal": gone}
    row = sealed_minutes(session, actor, meeting_id)
    meeting = session.get(Meeting, meeting_id)
    assert meeting is not None and row.signed_sha256 is not None
    body = session.get(Body, meeting.body_id)
    kept = retention.of_meeting(session, meeting)
    pdf = blobs.get(row.signed_sha256)
    checks = verify_pdf(pdf, keys.trust_roots())
    # The digest the signed minutes print is the one to trust; the column is a copy of it
    # (and the only one for minutes sealed before the whole digest was printed).
    printed = printed_record_digest(pdf)
    rows = record.entries(session, meeting_id)
    chain = record.check(rows, printed or row.record_digest)
    votes = session.exec(select(Vote).where(Vote.meeting_id == meeting_id).order_by(col(Vote.id)))
    items = agenda_view(session, meeting_id, withdrawn=True)
    names = archive_page.record_names(session, meeting_id)
    return {
        "meeting": meeting_view(meeting, body),
        "minutes": {
            "number": row.number,
            "code": body.code if body else "",
            "sealed_at": row.sealed_at.isoformat() if row.sealed_at else None,
            "sha256": row.signed_sha256,
            "record_digest": row.record_digest,
        },
        "signatures": [signature_view(c) for c in checks],
        "record_intact": chain.intact,
        "record_problem": None if chain.intact else {"problem": chain.problem, "seq": chain.seq},
        "record_digest_printed": printed,
        "items": items,
        "presentations": archive_page.presentations(session, actor, meeting_id, items, rows,
                                                    names),
        "speakers": archive_page.speakers(session, meeting_id, items),
        "record": archive_page.record_view(session, rows, chain, printed or row.record_digest,
                                           names),
        "downloads": {"minutes": f"/api/meetings/{meeting_id}/minutes.pdf",
                      "record": f"/api/archive/{meeting_id}/record.json",
                      "package": f"/api/archive/{meeting_id}/package.zip"},
        "votes": [vote_view(v) for v in votes],
        "participants": _attendance(participants(session, meeting_id)),
        "retention": retention.retention_view(kept, now),
        "may_dispose": actor.global_role == GlobalRole.ARCHIVIST.value and kept.expired(now),
        "disposal": None,
    }


def record_file(session: Session, actor: Actor, meeting_id: int) -> dict[str, Any]:
    """A sealed meeting's record as the archive hands it out (its package's `nhat-ky.json`)."""
    require_archivist(actor)
    sealed_minutes(session, actor, meeting_id)  # 404 unless sealed and in this archive
    return record.as_json(session, meeting_id)


def _attendance(people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each participant with the attendance the minutes print (`recorded_state`) and the name
    of whoever held their proxy."""
    names = {p["user_id"]: p["full_name"] for p in people}
    return [p | {"recorded_attendance": recorded_state(p["role"], p["attendance"]),
                 "proxy_name": names.get(p["proxy_user_id"], "") if p["proxy_user_id"] else ""}
            for p in people]


def archived_copy(session: Session, actor: Actor | None, sha256: str) -> ArchivedCopy | None:
    """The sealed meeting whose signed minutes are exactly the file with this SHA-256, if the
    actor may read that meeting (None: the server's operator, at the command line). Its record
    is intact when the chain verifies and holds the digest the minutes printed and signed (so
    entries cut off before the seal, or edited, show)."""
    row = session.exec(select(Minutes).where(Minutes.signed_sha256 == sha256)).first()
    if row is None:
        return _disposed_copy(session, actor, sha256)
    meeting = session.get(Meeting, row.meeting_id)
    if meeting is None or meeting.status != MeetingStatus.SEALED.value:
        return None
    if actor is not None:
        try:
            authorize(session, actor, meeting.id or 0, Action.VIEW)
        except DomainError:
            return None
    body = session.get(Body, meeting.body_id)
    rows = record.entries(session, row.meeting_id)
    intact = record.verify_chain(rows) is not None and any(
        r.digest == row.record_digest for r in rows)
    return ArchivedCopy(meeting_id=row.meeting_id, title=meeting.title, number=row.number,
                        code=f"BB-{body.code}" if body and body.code else "BB",
                        record_digest=row.record_digest,
                        record_intact=intact)


def _disposed_copy(session: Session, actor: Actor | None, sha256: str) -> ArchivedCopy | None:
    """The minutes of a meeting disposed of since, known by its tombstone, for whoever may read
    that body's archive (its record is gone: nothing vouches for it any more)."""
    gone = session.exec(select(Disposal).where(Disposal.minutes_sha256 == sha256)).first()
    if gone is None:
        return None
    if actor is not None:
        try:
            disposal.tombstone(session, actor, gone.meeting_id)
        except DomainError:
            return None
    return ArchivedCopy(meeting_id=gone.meeting_id, title=gone.title, number=gone.minutes_number,
                        code=f"BB-{gone.minutes_code}" if gone.minutes_code else "BB",
                        record_digest=gone.record_digest, record_intact=False,
                        disposed_at=gone.disposed_at, disposed_by=gone.disposer_name,
                        disposal_reason=gone.reason)
