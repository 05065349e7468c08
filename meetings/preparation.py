"""Preparing a meeting: the meeting itself, its participants, its agenda and its documents."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, func, select

from meetings import record
from meetings.access import Action, authorize, may_prepare_for_body
from meetings.accounts import Actor
from meetings.blobs import BlobStore
from meetings.documents import safe_filename, store_version
from meetings.errors import conflict, invalid, not_found
from meetings.events import Event
from meetings.ingest import Ingested
from meetings.models import (
    AgendaItem,
    Body,
    Document,
    Meeting,
    MeetingStatus,
    Participant,
    Role,
    User,
)
from meetings.text import fold
from meetings.views import document_view


def _text(value: str, field: str, limit: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise invalid(
            "missing_field",
            f"Thiếu thông tin bắt buộc: {field}.",
            f"A required field is missing: {field}.",
            field=field,
        )
    if len(value) > limit:
        raise invalid(
            "too_long",
            f"Trường {field} dài quá {limit} ký tự.",
            f"The field {field} is longer than {limit} characters.",
            field=field,
        )
    return value


def _editable(meeting: Meeting) -> None:
    if meeting.status in (MeetingStatus.ENDED.value, MeetingStatus.SEALED.value):
        raise conflict(
            "meeting_closed",
            "Cuộc họp đã kết thúc; không thể thay đổi nội dung chuẩn bị.",
            "The meeting has ended; its preparation can no longer change.",
        )


def create_meeting(
    session: Session,
    actor: Actor,
    *,
    body_id: int,
    title: str,
    starts_at: datetime,
    place: str = "",
) -> Meeting:
    if session.get(Body, body_id) is None:
        raise not_found("cơ quan", "Body")
    may_prepare_for_body(session, actor, body_id)
    if starts_at.tzinfo is None:
        raise invalid(
            "naive_time",
            "Thời gian bắt đầu cần có múi giờ (ví dụ 2026-11-26T14:00+07:00).",
            "The start time needs a time zone (e.g. 2026-11-26T14:00+07:00).",
        )
    title = _text(title, "title", 300)
    meeting = Meeting(
        body_id=body_id,
        title=title,
        search_text=fold(title),
        starts_at=starts_at,
        place=_text(place, "place", 300, required=False),
        created_by=actor.user_id,
    )
    session.add(meeting)
    session.flush()
    assert meeting.id is not None
    session.add(
        Participant(meeting_id=meeting.id, user_id=actor.user_id, role=Role.SECRETARY.value)
    )
    record.append(session, meeting.id, "meeting.created", {"title": title}, actor.user_id)
    return meeting


def update_meeting(
    session: Session,
    actor: Actor,
    meeting_id: int,
    *,
    title: str | None = None,
    place: str | None = None,
    starts_at: datetime | None = None,
) -> Meeting:
    meeting, _ = authorize(session, actor, meeting_id, Action.PREPARE)
    if meeting.status != MeetingStatus.DRAFT.value:
        raise conflict(
            "meeting_started",
            "Cuộc họp đã bắt đầu; không sửa được tên, giờ và địa điểm.",
            "The meeting has started; its title, time and place are fixed.",
        )
    if title is not None:
        meeting.title = _text(title, "title", 300)
        meeting.search_text = fold(meeting.title)
    if place is not None:
        meeting.place = _text(place, "place", 300, required=False)
    if starts_at is not None:
        meeting.starts_at = starts_at
    session.add(meeting)
    return meeting


def add_participant(
    session: Session, actor: Actor, meeting_id: int, *, user_id: int, role: str
) -> tuple[Participant, list[Event]]:
    meeting, _ = authorize(session, actor, meeting_id, Action.PREPARE)
    _editable(meeting)
    if role not in {r.value for r in Role}:
        raise invalid(
            "bad_role",
            "Vai trò phải là secretary, chair, member hoặc guest.",
            "The role must be secretary, chair, member or guest.",
        )
    if session.get(User, user_id) is None:
        raise not_found("người dùng", "User")
    existing = session.exec(
        select(Participant).where(
            Participant.meeting_id == meeting_id, Participant.user_id == user_id
        )
    ).first()
    if role == Role.CHAIR.value:
        chair = session.exec(
            select(Participant).where(
                Participant.meeting_id == meeting_id,
                Participant.role == Role.CHAIR.value,
                Participant.user_id != user_id,
            )
        ).first()
        if chair is not None:
            raise conflict(
                "chair_taken",
                "Cuộc họp đã có chủ tọa. Đổi vai trò người kia trước.",
                "The meeting already has a chair. Change that person's role first.",
            )
    if existing is not None:
        existing.role = role
        participant = existing
    else:
        participant = Participant(meeting_id=meeting_id, user_id=user_id, role=role)
    session.add(participant)
    session.flush()
    record.append(
        session, meeting_id, "participant.set", {"user_id": user_id, "role": role}, actor.user_id
    )
    return participant, [Event(meeting_id, "agenda.changed", {"reason": "participants"})]


def remove_participant(
    session: Session, actor: Actor, meeting_id: int, user_id: int
) -> list[Event]:
    meeting, _ = authorize(session, actor, meeting_id, Action.PREPARE)
    _editable(meeting)
    if user_id == actor.user_id:
        raise conflict(
            "cannot_remove_self",
            "Bạn không thể tự xóa mình khỏi cuộc họp đang chuẩn bị.",
            "You cannot remove yourself from a meeting you prepare.",
        )
    participant = session.exec(
        select(Participant).where(
            Participant.meeting_id == meeting_id, Participant.user_id == user_id
        )
    ).first()
    if participant is None:
        raise not_found("người tham dự", "Participant")
    session.delete(participant)
    record.append(session, meeting_id, "participant.removed", {"user_id": user_id}, actor.user_id)
    return [Event(meeting_id, "agenda.changed", {"reason": "participants"})]


def add_item(
    session: Session,
    actor: Actor,
    meeting_id: int,
    *,
    title: str,
    presenter: str = "",
    planned_minutes: int = 0,
) -> tuple[AgendaItem, list[Event]]:
    meeting, _ = authorize(session, actor, meeting_id, Action.PREPARE)
    _editable(meeting)
    if not 0 <= planned_minutes <= 24 * 60:
        raise invalid(
            "bad_minutes",
            "Thời lượng dự kiến phải từ 0 đến 1440 phút.",
            "Planned minutes must be between 0 and 1440.",
        )
    last = session.exec(
        select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting_id)
    ).one()
    item = AgendaItem(
        meeting_id=meeting_id,
        position=(last or 0) + 1,
        title=_text(title, "title", 500),
        presenter=_text(presenter, "presenter", 200, required=False),
        planned_minutes=planned_minutes,
    )
    session.add(item)
    session.flush()
    record.append(session, meeting_id, "item.added", {"item_id": item.id, "title": item.title},
                  actor.user_id)
    return item, [Event(meeting_id, "agenda.changed", {"reason": "items"})]


def get_item(session: Session, meeting_id: int, item_id: int) -> AgendaItem:
    item = session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting_id:
        raise not_found("nội dung họp", "Agenda item")
    return item


def may_upload(session: Session, actor: Actor, meeting_id: int, item_id: int) -> None:
    meeting, _ = authorize(session, actor, meeting_id, Action.PREPARE)
    _editable(meeting)
    get_item(session, meeting_id, item_id)


def accept_document(
    session: Session,
    blobs: BlobStore,
    actor: Actor,
    meeting_id: int,
    item_id: int,
    *,
    filename: str,
    ingested: Ingested,
    title: str = "",
) -> tuple[Document, list[Event]]:
    """Attach an ingested upload (checked and cleaned by `meetings.ingest`) to an agenda item.

    Returns no event: the web layer announces the document when its first page is ready
    (`document_added`)."""
    meeting, _ = authorize(session, actor, meeting_id, Action.PREPARE)
    _editable(meeting)
    get_item(session, meeting_id, item_id)
    filename = safe_filename(filename)
    doc_title = (title or "").strip() or ingested.title or filename.rsplit(".", 1)[0]
    document = Document(
        meeting_id=meeting_id,
        item_id=item_id,
        title=doc_title[:300],
        filename=filename,
        sha256="",
        size=0,
        page_count=0,
        uploaded_by=actor.user_id,
    )
    session.add(document)
    session.flush()
    version = store_version(session, blobs, document, ingested, number=1, filename=filename,
                            user_id=actor.user_id)
    record.append(
        session,
        meeting_id,
        "document.added",
        {"document_id": document.id, "sha256": version.sha256,
         "original_sha256": version.original_sha256, "pages": version.page_count},
        actor.user_id,
    )
    return document, []


def document_added(document: Document) -> Event:
    return Event(document.meeting_id, "agenda.changed",
                 {"reason": "documents", "document": document_view(document)})


def items_with_documents(
    session: Session, meeting_id: int
) -> list[tuple[AgendaItem, list[Document]]]:
    items = list(
        session.exec(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id)
            .order_by(col(AgendaItem.position))
        )
    )
    docs = list(
        session.exec(
            select(Document).where(Document.meeting_id == meeting_id).order_by(col(Document.id))
        )
    )
    by_item: dict[int, list[Document]] = {}
    for d in docs:
        by_item.setdefault(d.item_id, []).append(d)
    return [(i, by_item.get(i.id or 0, [])) for i in items]


def get_document(session: Session, document_id: int) -> Document:
    document = session.get(Document, document_id)
    if document is None:
        raise not_found("tài liệu", "Document")
    return document
