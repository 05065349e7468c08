"""The text notes of before annotations (the tablet's notes panel): `/api/documents/{id}/notes`
and `/api/notes/{id}` over annotations of kind `note` whose id is "note-<number>" (the notes
migration 0070 moved keep their number; a note written here gets a new one). A note is
readable and writable by its owner alone, as every annotation is (meetings.annotations.store);
the owner's devices hear `note.saved` / `note.deleted`, and those the note is shared with (by
the annotation routes) `annotation.saved` / `annotation.deleted`. A note added with the tablet's
idempotency key (its outbox, issue 13 §3) is added once: the key goes in the owner's ledger of
annotation changes (`AnnotationChange`), as an annotation change's does."""

from __future__ import annotations

import json
import secrets
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from meetings.access import Action, authorize, document_visible, ensure_not_sealed, require_agenda
from meetings.accounts import Actor
from meetings.annotations import store
from meetings.documents.library import current_version
from meetings.errors import invalid, not_found
from meetings.events import Event
from meetings.models import Annotation, AnnotationChange, utcnow
from meetings.preparation import get_document
from meetings.views import iso

MAX_NOTE = store.MAX_TEXT
NOTE_COLOR = "#f9a825"
# Where a text note sits on its page: it had no place, so the top right corner.
CORNER = (0.95, 0.05)
# New notes' numbers: drawn at random (no counter to share between writers), above the ids
# the old table reached, within the 9 digits of a path id (phonghop: DatabaseId).
FIRST, LAST = 100_000_000, 999_999_999


def number_of(annotation: Annotation) -> int | None:
    match = store.LEGACY_ID.fullmatch(annotation.id)
    return int(match.group(1)) if match and annotation.kind == "note" else None


def note_view(annotation: Annotation) -> dict[str, Any]:
    return {
        "id": number_of(annotation),
        "document_id": annotation.document_id,
        "page": annotation.page,
        "text": json.loads(annotation.data).get("text", ""),
        "updated_at": iso(annotation.updated_at),
    }


def my_notes(session: Session, actor: Actor, document_id: int) -> list[dict[str, Any]]:
    document = get_document(session, document_id)
    meeting, role = authorize(session, actor, document.meeting_id, Action.VIEW)
    require_agenda(actor, meeting, role)
    document_visible(session, actor, document)
    rows = session.exec(
        select(Annotation)
        .where(Annotation.document_id == document_id, Annotation.user_id == actor.user_id,
               Annotation.kind == "note", col(Annotation.id).startswith("note-"))
        .order_by(col(Annotation.page), col(Annotation.created_at), col(Annotation.id))
    )
    return [note_view(a) for a in rows if number_of(a) is not None]


def _own_note(session: Session, actor: Actor, note_id: int) -> Annotation:
    found = session.get(Annotation, f"note-{note_id}")
    # Someone else's note is "not found", never "forbidden": its existence is private too.
    if found is None or found.user_id != actor.user_id or found.kind != "note":
        raise not_found("ghi chú", "Note")
    return found


def _fresh_id(session: Session) -> str:
    while True:
        candidate = f"note-{secrets.randbelow(LAST - FIRST) + FIRST}"
        if session.get(Annotation, candidate) is None:
            return candidate


def save_note(
    session: Session,
    actor: Actor,
    document_id: int,
    *,
    page: int,
    text: str,
    note_id: int | None = None,
) -> tuple[dict[str, Any], list[Event]]:
    document = get_document(session, document_id)
    meeting, role = authorize(session, actor, document.meeting_id, Action.NOTE)
    require_agenda(actor, meeting, role)
    document_visible(session, actor, document)
    ensure_not_sealed(meeting)
    if not 1 <= page <= document.page_count:
        raise invalid(
            "bad_page",
            f"Trang phải từ 1 đến {document.page_count}.",
            f"The page must be between 1 and {document.page_count}.",
        )
    if not text.strip() or len(text) > MAX_NOTE:
        raise invalid(
            "bad_note",
            f"Ghi chú không được để trống và dài tối đa {MAX_NOTE} ký tự.",
            f"A note must not be empty and holds at most {MAX_NOTE} characters.",
        )
    # The panel shows the current version's pages: a note is put on it.
    version = current_version(session, document_id).number
    if note_id is None:
        x, y = CORNER
        note = Annotation(
            id=_fresh_id(session), user_id=actor.user_id, meeting_id=document.meeting_id,
            document_id=document_id, version=version, page=page, kind="note",
            color=NOTE_COLOR, data=json.dumps({"x": x, "y": y, "text": text}, ensure_ascii=False),
            origin_version=version, origin_page=page)
    else:
        note = _own_note(session, actor, note_id)
        if note.document_id != document_id:
            raise not_found("ghi chú", "Note")
        data = json.loads(note.data)
        data["text"] = text
        note.data = json.dumps(data, ensure_ascii=False)
        note.version, note.page, note.placement = version, page, "placed"
        note.rev += 1
        note.updated_at = utcnow()
    session.add(note)
    session.flush()
    sharing = store.sharing_of(session, [note.id]).get(note.id, store.PRIVATE)
    shared = store.saved_events(session, note, sharing, "", owner=False)
    view = note_view(note)
    return view, [Event.for_user(document.meeting_id, actor.user_id, "note.saved", view),
                  *shared]


def _keyed(session: Session, actor: Actor, key: str) -> dict[str, Any] | None:
    """The note this owner added under `key` before, as it is now; None if the key is new."""
    seen = session.exec(select(AnnotationChange).where(
        AnnotationChange.user_id == actor.user_id, AnnotationChange.key == key)).first()
    if seen is None:
        return None
    found = session.get(Annotation, seen.annotation_id)
    # Added and deleted since (on another device): the key is spent, nothing is added again.
    if found is None or found.user_id != actor.user_id or number_of(found) is None:
        raise not_found("ghi chú", "Note")
    return note_view(found)


def add_note(
    session: Session,
    actor: Actor,
    document_id: int,
    *,
    page: int,
    text: str,
    key: str | None = None,
) -> tuple[tuple[dict[str, Any], bool], list[Event]]:
    """A new note, and whether it is new: a `key` this owner sent before is answered with the
    note it added then (as it is now) and changes nothing, so an outbox may send it again until
    it hears back."""
    if key is None:
        view, events = save_note(session, actor, document_id, page=page, text=text)
        return (view, True), events
    if not (1 <= len(key) <= 64 and key.isascii() and key.isprintable()):
        raise invalid(
            "bad_key",
            "Khóa của ghi chú phải là chuỗi ký tự ASCII, từ 1 đến 64 ký tự.",
            "The note's key must be 1 to 64 printable ASCII characters.",
            field="key",
        )
    # Whoever may not read the document learns nothing of the key, not even that it is spent.
    document = get_document(session, document_id)
    meeting, role = authorize(session, actor, document.meeting_id, Action.VIEW)
    require_agenda(actor, meeting, role)
    document_visible(session, actor, document)
    before = _keyed(session, actor, key)
    if before is not None:
        return (before, False), []
    try:
        # A savepoint: the same key sent twice at once meets the unique (user, key) of the one
        # that got there first, and is answered with its note.
        with session.begin_nested():
            view, events = save_note(session, actor, document_id, page=page, text=text)
            session.add(AnnotationChange(user_id=actor.user_id, key=key,
                                         annotation_id=f"note-{view['id']}"))
            session.flush()
    except IntegrityError:
        again = _keyed(session, actor, key)
        if again is None:
            raise
        return (again, False), []
    return (view, True), events


def delete_note(session: Session, actor: Actor, note_id: int) -> list[Event]:
    note = _own_note(session, actor, note_id)
    # The annotation's own rules (the owner may still write: not sealed, not cancelled).
    events = store.delete_annotation(session, actor, note, "")
    # The owner's devices were told annotation.deleted by the store; the notes panel hears
    # note.deleted. Only the recipients keep the annotation form.
    return [Event.for_user(note.meeting_id, actor.user_id, "note.deleted",
                           {"id": note_id, "document_id": note.document_id}),
            *[e for e in events if e.user_id != actor.user_id]]
