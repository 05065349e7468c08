"""The archive: finding sealed meetings and reading their signed minutes and record."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from meetings import record
from meetings.access import Action, authorize, require_archivist
from meetings.accounts import Actor
from meetings.blobs import BlobStore
from meetings.errors import not_found
from meetings.minutes import KeyStore
from meetings.models import Body, Meeting, MeetingStatus, Minutes, Vote
from meetings.preparation import items_with_documents
from meetings.running import participants
from meetings.signing import verify_pdf
from meetings.text import fold
from meetings.views import item_view, meeting_view, vote_view


def search(
    session: Session,
    actor: Actor,
    *,
    text: str = "",
    date_from: datetime | None = None,
    date_to: datetime | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Sealed meetings whose title contains `text` (accents ignored), newest first."""
    require_archivist(actor)
    query = (
        select(Meeting, Body, Minutes)
        .join(Body, col(Body.id) == col(Meeting.body_id))
        .join(Minutes, col(Minutes.meeting_id) == col(Meeting.id))
        .where(Meeting.status == MeetingStatus.SEALED.value)
    )
    for word in fold(text).split():
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(col(Meeting.search_text).like(f"%{escaped}%", escape="\\"))
    if date_from is not None:
        query = query.where(col(Meeting.starts_at) >= date_from)
    if date_to is not None:
        query = query.where(col(Meeting.starts_at) <= date_to)
    query = query.order_by(col(Meeting.starts_at).desc()).limit(min(limit, 200)).offset(offset)
    out = []
    for meeting, body, minutes in session.exec(query).all():
        view = meeting_view(meeting, body)
        view["minutes_number"] = minutes.number
        view["sealed_at"] = minutes.sealed_at.isoformat() if minutes.sealed_at else None
        out.append(view)
    return out


def sealed_minutes(session: Session, actor: Actor, meeting_id: int) -> Minutes:
    meeting, _ = authorize(session, actor, meeting_id, Action.VIEW)
    row = session.get(Minutes, meeting_id)
    if meeting.status != MeetingStatus.SEALED.value or row is None or not row.signed_sha256:
        raise not_found("biên bản đã ký", "Signed minutes")
    return row


def detail(
    session: Session, blobs: BlobStore, keys: KeyStore, actor: Actor, meeting_id: int
) -> dict[str, Any]:
    """A sealed meeting as the archive shows it, with its signatures checked now."""
    require_archivist(actor)
    row = sealed_minutes(session, actor, meeting_id)
    meeting = session.get(Meeting, meeting_id)
    assert meeting is not None and row.signed_sha256 is not None
    body = session.get(Body, meeting.body_id)
    checks = verify_pdf(blobs.get(row.signed_sha256), keys.trust_roots())
    chain = record.verify_chain(record.entries(session, meeting_id))
    votes = session.exec(select(Vote).where(Vote.meeting_id == meeting_id).order_by(col(Vote.id)))
    return {
        "meeting": meeting_view(meeting, body),
        "minutes": {
            "number": row.number,
            "code": body.code if body else "",
            "sealed_at": row.sealed_at.isoformat() if row.sealed_at else None,
            "sha256": row.signed_sha256,
            "record_digest": row.record_digest,
        },
        "signatures": [
            {
                "field": c.field,
                "signer": c.signer,
                "organization": c.organization,
                "signing_time": c.signing_time.isoformat() if c.signing_time else None,
                "intact": c.intact,
                "valid": c.valid,
                "trusted": c.trusted,
                "covers_whole_document": c.covers_whole_document,
                "summary": c.summary,
            }
            for c in checks
        ],
        "record_intact": chain is not None,
        "items": [item_view(i, ds) for i, ds in items_with_documents(session, meeting_id)],
        "votes": [vote_view(v) for v in votes],
        "participants": participants(session, meeting_id),
    }
