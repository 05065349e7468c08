"""Private notes on document pages. A note is readable and writable by its owner alone:
every query here filters on the owner, so no other person's note can leak through a route."""

from __future__ import annotations

from sqlmodel import Session, col, select

from meetings.access import Action, authorize
from meetings.accounts import Actor
from meetings.errors import invalid, not_found
from meetings.events import Event
from meetings.models import MeetingStatus, Note, utcnow
from meetings.preparation import get_document
from meetings.views import note_view

MAX_NOTE = 20_000


def my_notes(session: Session, actor: Actor, document_id: int) -> list[Note]:
    document = get_document(session, document_id)
    authorize(session, actor, document.meeting_id, Action.VIEW)
    return list(
        session.exec(
            select(Note)
            .where(Note.document_id == document_id, Note.user_id == actor.user_id)
            .order_by(col(Note.page), col(Note.id))
        )
    )


def save_note(
    session: Session,
    actor: Actor,
    document_id: int,
    *,
    page: int,
    text: str,
    note_id: int | None = None,
) -> tuple[Note, list[Event]]:
    document = get_document(session, document_id)
    meeting, _ = authorize(session, actor, document.meeting_id, Action.NOTE)
    if meeting.status == MeetingStatus.SEALED.value:
        raise invalid(
            "meeting_sealed",
            "Cuộc họp đã được niêm phong; không thêm hoặc sửa ghi chú được nữa.",
            "The meeting is sealed; notes can no longer be added or changed.",
        )
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
    if note_id is None:
        note = Note(user_id=actor.user_id, document_id=document_id, page=page, text=text)
    else:
        found = session.get(Note, note_id)
        # Someone else's note is "not found", never "forbidden": its existence is private too.
        if found is None or found.user_id != actor.user_id or found.document_id != document_id:
            raise not_found("ghi chú", "Note")
        note = found
        note.text, note.page, note.updated_at = text, page, utcnow()
    session.add(note)
    session.flush()
    return note, [Event.for_user(document.meeting_id, actor.user_id, "note.saved", note_view(note))]


def delete_note(session: Session, actor: Actor, note_id: int) -> list[Event]:
    note = session.get(Note, note_id)
    if note is None or note.user_id != actor.user_id:
        raise not_found("ghi chú", "Note")
    document = get_document(session, note.document_id)
    meeting, _ = authorize(session, actor, document.meeting_id, Action.NOTE)
    if meeting.status == MeetingStatus.SEALED.value:
        raise invalid(
            "meeting_sealed",
            "Cuộc họp đã được niêm phong; không xóa ghi chú được nữa.",
            "The meeting is sealed; notes can no longer be deleted.",
        )
    session.delete(note)
    return [Event.for_user(document.meeting_id, actor.user_id, "note.deleted",
                           {"id": note_id, "document_id": note.document_id})]
