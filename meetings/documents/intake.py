"""An upload's way in, from the moment its bytes are stored until it is a document (or a new
version of one) or refused: where it is, kept in the database so that the secretary sees it
after a reload and whichever server process answers.

Stages, in order: `waiting` (stored, waiting for a reading slot), `converting` (an office
file, in LibreOffice), `reading` (the PDF checked, cleaned, page 1 drawn), `indexing` (the
document is in the meeting; its words are read for search), then one of `ready`, `refused`
(the file, or the meeting, would not have it: the refusal as the upload route gives it) or
`failed` (the server's fault). The process reading an upload (its `reader`: host and port)
beats for it; an unfinished upload with no beat for `STALE` is shown as failed
(`interrupted`: its process ended), and a process that starts records as such the stale ones
and its own (on that host and port, the process before it has ended).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, delete, select, update

from meetings.access import Action, authorize, read_preparation
from meetings.accounts import Actor
from meetings.documents.ingest import FAILURES
from meetings.errors import DomainError, Kind, conflict, internal, not_found
from meetings.events import STAFF, Event
from meetings.models import Upload, utcnow

WAITING, CONVERTING, READING, INDEXING = "waiting", "converting", "reading", "indexing"
READY, REFUSED, FAILED = "ready", "refused", "failed"
FINISHED = frozenset({READY, REFUSED, FAILED})
STAGES = (WAITING, CONVERTING, READING, INDEXING, READY, REFUSED, FAILED)
BEAT = timedelta(seconds=10)
STALE = timedelta(seconds=60)
SHOWN_FOR = timedelta(days=1)  # how long a finished upload stays in the meeting's list
EVENT = "upload.status"


def interrupted() -> DomainError:
    vi, en = FAILURES["interrupted"]
    return internal("interrupted", vi, en)


def receive(session: Session, actor: Actor, meeting_id: int, *, item_id: int | None,
            document_id: int | None, filename: str, title: str, size: int, reader: str
            ) -> tuple[Upload, list[Event]]:
    """An upload whose bytes are being stored, to be read by `reader` (the caller checked
    who may upload where)."""
    authorize(session, actor, meeting_id, Action.PREPARE)
    upload = Upload(meeting_id=meeting_id, item_id=item_id, document_id=document_id,
                    user_id=actor.user_id, filename=filename[:300], title=title[:300],
                    size=size, stage=WAITING, reader=reader[:200])
    session.add(upload)
    session.flush()
    return upload, [announce(upload)]


def _get(session: Session, upload_id: int) -> Upload:
    upload = session.get(Upload, upload_id)
    if upload is None:
        raise not_found("tệp tải lên", "Upload")
    return upload


def advance(session: Session, upload_id: int, stage: str, *, document_id: int | None = None
            ) -> tuple[Upload, list[Event]]:
    """The upload reached `stage` (never going back from a finished one)."""
    assert stage in STAGES and stage not in (REFUSED, FAILED)
    upload = _get(session, upload_id)
    if upload.stage not in FINISHED:
        upload.stage = stage
        upload.document_id = document_id or upload.document_id
        upload.updated_at = utcnow()
        session.add(upload)
    return upload, [announce(upload)]


def refuse(session: Session, upload_id: int, error: DomainError) -> tuple[Upload, list[Event]]:
    """The upload ends with `error`: refused when the file or the meeting is at fault, failed
    when the server is."""
    upload = _get(session, upload_id)
    server = error.kind in (Kind.INTERNAL, Kind.STORAGE_FULL)
    upload.stage = FAILED if server else REFUSED
    upload.error = json.dumps({"kind": error.kind.value, **error.as_dict()}, ensure_ascii=False)
    upload.updated_at = utcnow()
    session.add(upload)
    return upload, [announce(upload)]


def beat(session: Session, upload_ids: list[int]) -> None:
    """The process reading these uploads is alive."""
    if upload_ids:
        session.exec(update(Upload).where(col(Upload.id).in_(upload_ids))
                     .values(updated_at=utcnow()))


def stale(upload: Upload, now: datetime) -> bool:
    updated = upload.updated_at if upload.updated_at.tzinfo else \
        upload.updated_at.replace(tzinfo=now.tzinfo)
    return upload.stage not in FINISHED and now - updated > STALE


def error_of(upload: Upload, now: datetime | None = None) -> DomainError | None:
    """How the upload ended, when it ended badly (a stale one was interrupted)."""
    if stale(upload, now or utcnow()):
        return interrupted()
    if not upload.error:
        return None
    body = json.loads(upload.error)
    return DomainError(Kind(body["kind"]), body["error"], body["message_vi"], body["message_en"],
                       details=body.get("details"))


def view(upload: Upload, now: datetime | None = None) -> dict[str, Any]:
    error = error_of(upload, now)
    shown = upload.stage if error is None or upload.stage in FINISHED else FAILED
    out: dict[str, Any] = {
        "id": upload.id, "meeting_id": upload.meeting_id, "item_id": upload.item_id,
        "document_id": upload.document_id, "filename": upload.filename,
        "title": upload.title, "size": upload.size, "stage": shown,
        "created_at": upload.created_at.isoformat(), "updated_at": upload.updated_at.isoformat(),
    }
    if error is not None:
        out["error"] = error.as_dict()
    return out


def announce(upload: Upload) -> Event:
    return Event(upload.meeting_id, EVENT, view(upload), audience=STAFF)


def listing(session: Session, actor: Actor, meeting_id: int) -> list[dict[str, Any]]:
    """The meeting's uploads of the last day, newest first, for those who prepare it."""
    read_preparation(session, actor, meeting_id)
    since = utcnow() - SHOWN_FOR
    rows = session.exec(select(Upload).where(Upload.meeting_id == meeting_id,
                                             col(Upload.created_at) >= since)
                        .order_by(col(Upload.id).desc()).limit(100))
    now = utcnow()
    return [view(u, now) for u in rows]


def visible(session: Session, actor: Actor, upload_id: int) -> Upload:
    """The upload, for those who prepare its meeting; to anyone else it does not exist."""
    upload = session.get(Upload, upload_id)
    try:
        if upload is None:
            raise not_found("tệp tải lên", "Upload")
        read_preparation(session, actor, upload.meeting_id)
    except DomainError:
        raise not_found("tệp tải lên", "Upload") from None
    return upload


def dismiss(session: Session, actor: Actor, upload_id: int) -> list[Event]:
    """A finished upload leaves the meeting's list (its document, if any, stays)."""
    upload = visible(session, actor, upload_id)
    authorize(session, actor, upload.meeting_id, Action.PREPARE)
    if upload.stage not in FINISHED and not stale(upload, utcnow()):
        raise conflict("upload_running",
                       "Tệp vẫn đang được xử lý; vui lòng chờ đến khi xong.",
                       "The file is still being processed; please wait until it is done.")
    session.exec(delete(Upload).where(col(Upload.id) == upload_id))
    return [Event(upload.meeting_id, EVENT, {"id": upload_id, "meeting_id": upload.meeting_id,
                                              "stage": "dismissed"}, audience=STAFF)]


def recover(session: Session, reader: str) -> tuple[list[int], list[Event]]:
    """When `reader` starts: the unfinished uploads it was reading before, and those whose
    process stopped beating, are recorded as failed (interrupted). Returns every upload id
    still being read elsewhere (their stored bytes are not ours to delete) and what to
    announce."""
    now = utcnow()
    alive, events = [], []
    for upload in session.exec(select(Upload).where(col(Upload.stage).not_in(FINISHED))):
        if upload.reader == reader or stale(upload, now):
            _, said = refuse(session, upload.id or 0, interrupted())
            events += said
        else:
            alive.append(upload.id or 0)
    return alive, events
