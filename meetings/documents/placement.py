"""Where a meeting's documents sit and whether they still count: their order within an
item, moving one to another item, and removing one. Before the meeting starts a removed
document is gone; once it has started, it is withdrawn: members no longer see it, and the
record, the minutes and the archive keep it. After the start every change is announced live
(meetings.agenda.changed) and kept in the record.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, func, select

from meetings import record
from meetings.access import Action, authorize
from meetings.accounts import Actor
from meetings.agenda import changed, ensure_editable, get_item, items_with_documents
from meetings.documents.library import purge
from meetings.errors import conflict, invalid, not_found
from meetings.events import Event
from meetings.fields import text_field
from meetings.models import Document, Meeting, MeetingStatus, utcnow
from meetings.views import presentation_view


def _arranging(session: Session, actor: Actor, document_id: int) -> tuple[Document, Meeting]:
    document = session.get(Document, document_id)
    if document is None:
        raise not_found("tài liệu", "Document")
    meeting, _ = authorize(session, actor, document.meeting_id, Action.PREPARE)
    ensure_editable(meeting)
    return document, meeting


def withdrawn_documents(session: Session, meeting_id: int) -> list[Document]:
    return list(session.exec(
        select(Document).where(Document.meeting_id == meeting_id,
                               col(Document.withdrawn_at).is_not(None))
        .order_by(col(Document.withdrawn_at))))


def next_position(session: Session, item_id: int) -> int:
    last = session.exec(
        select(func.max(Document.position)).where(Document.item_id == item_id)).one()
    return (last or 0) + 1


def _about(document: Document) -> dict[str, Any]:
    return {"document_id": document.id, "title": document.title, "item_id": document.item_id}


def remove_document(session: Session, actor: Actor, document_id: int
                    ) -> tuple[str, list[Event]]:
    """"removed" before the meeting starts (the document is gone), else "withdrawn"."""
    document, meeting = _arranging(session, actor, document_id)
    if document.withdrawn_at is not None:
        raise conflict("document_withdrawn", "Tài liệu này đã được rút khỏi cuộc họp.",
                       "This document has already been withdrawn from the meeting.")
    about = _about(document)
    if meeting.status == MeetingStatus.DRAFT.value:
        purge(session, document)
        record.append(session, meeting.id or 0, "document.removed", about, actor.user_id)
        return "removed", changed(meeting, "documents")
    document.withdrawn_at = utcnow()
    session.add(document)
    events = changed(meeting, "documents", "document.withdrawn", title=document.title)
    if meeting.current_document_id == document.id:
        # The room no longer shows it: the item's next document, or none.
        following = next((ds for i, ds in items_with_documents(session, meeting.id or 0)
                          if i.id == document.item_id), [])
        meeting.current_document_id = following[0].id if following else None
        meeting.current_page = 1
        session.add(meeting)
        events.append(Event(meeting.id or 0, "presentation", presentation_view(meeting)))
    record.append(session, meeting.id or 0, "document.withdrawn", about, actor.user_id)
    return "withdrawn", events


def move_document(session: Session, actor: Actor, document_id: int, *,
                  item_id: int | None = None, title: str | None = None
                  ) -> tuple[Document, list[Event]]:
    """Move a document to the end of another item of the meeting, and/or rename it."""
    document, meeting = _arranging(session, actor, document_id)
    change: str | None = None
    if title is not None and title.strip() != document.title:
        document.title = text_field(title, "title", 300)
        record.append(session, meeting.id or 0, "document.renamed", _about(document),
                      actor.user_id)
        change = "document.renamed"
    if item_id is not None and item_id != document.item_id:
        get_item(session, meeting.id or 0, item_id)
        if meeting.current_document_id == document.id:
            raise conflict(
                "document_presented",
                "Tài liệu đang được trình chiếu; vui lòng chuyển sang tài liệu khác trước khi "
                "chuyển tài liệu này sang nội dung khác.",
                "The document is on the room's screen; present another one before moving it "
                "to another item.",
            )
        moved_from = document.item_id
        document.item_id = item_id
        document.position = next_position(session, item_id)
        record.append(session, meeting.id or 0, "document.moved",
                      _about(document) | {"from_item_id": moved_from}, actor.user_id)
        change = "document.moved"
    session.add(document)
    session.flush()
    if change is None:
        return document, []
    return document, changed(meeting, "documents", change, title=document.title)


def reorder_documents(session: Session, actor: Actor, meeting_id: int, item_id: int,
                      order: list[int]) -> list[Event]:
    """Set the order of an item's documents: each of them (withdrawn ones aside) once."""
    meeting, _ = authorize(session, actor, meeting_id, Action.PREPARE)
    ensure_editable(meeting)
    get_item(session, meeting_id, item_id)
    documents = list(session.exec(
        select(Document).where(Document.item_id == item_id)
        .order_by(col(Document.position), col(Document.id))))
    shown = {d.id: d for d in documents if d.withdrawn_at is None}
    if len(order) != len(set(order)):
        raise invalid("bad_order", "Mỗi tài liệu chỉ được nêu một lần.", "Name each document once.")
    if set(order) != set(shown):
        raise conflict(
            "stale_documents",
            "Danh sách tài liệu của nội dung này vừa thay đổi. Vui lòng tải lại trang rồi sắp "
            "xếp lại.",
            "This item's documents have just changed. Reload the page, then reorder again.",
        )
    if [d.id for d in documents if d.withdrawn_at is None] == order:
        return []
    rest = [d for d in documents if d.withdrawn_at is not None]
    for position, document in enumerate([*(shown[i] for i in order), *rest], start=1):
        document.position = position
        session.add(document)
    record.append(session, meeting_id, "documents.reordered",
                  {"item_id": item_id, "order": order}, actor.user_id)
    return changed(meeting, "documents", "documents.reordered")
