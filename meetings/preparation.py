"""Preparing a meeting: the meeting itself (its kind and deadline, a copy for the next of a
series), its participants, and the documents uploaded to its agenda. The agenda's items are
meetings.agenda's; where documents sit, meetings.documents.placement's; publishing them to
the members, meetings.publication's."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, col, select

from meetings import deadlines, invitations, record
from meetings.access import Action, authorize, ensure_not_sealed, may_prepare_for_body
from meetings.accounts import Actor
from meetings.admin import audit
from meetings.agenda import changed, ensure_editable, get_item, number_of, ordered_items
from meetings.documents.blobs import BlobStore
from meetings.documents.ingest import Ingested
from meetings.documents.library import safe_filename, store_version
from meetings.documents.placement import next_position
from meetings.errors import conflict, invalid, not_found
from meetings.events import Event
from meetings.fields import text_field
from meetings.models import (
    AgendaItem,
    Body,
    Document,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Participant,
    Role,
    User,
    utcnow,
)
from meetings.publication import set_deadline
from meetings.text import fold
from meetings.views import document_view


def _kind(kind: str) -> str:
    if kind not in {k.value for k in MeetingKind}:
        raise invalid(
            "bad_kind",
            "Loại phiên họp phải là regular (thường kỳ), special (chuyên đề) hoặc urgent "
            "(đột xuất).",
            "The kind of session must be regular, special or urgent.",
        )
    return kind


def _aware(starts_at: datetime) -> datetime:
    if starts_at.tzinfo is None:
        raise invalid(
            "naive_time",
            "Thời gian bắt đầu cần có múi giờ (ví dụ 2026-11-26T14:00+07:00).",
            "The start time needs a time zone (e.g. 2026-11-26T14:00+07:00).",
        )
    return starts_at


def create_meeting(
    session: Session,
    actor: Actor,
    *,
    body_id: int,
    title: str,
    starts_at: datetime,
    place: str = "",
    kind: str = MeetingKind.REGULAR.value,
    holidays: frozenset[date] = frozenset(),
) -> Meeting:
    """A draft meeting; its creator is its secretary. `holidays` are the deployment's public
    holidays, skipped when its deadline is counted in working days."""
    body = session.get(Body, body_id)
    if body is None:
        raise not_found("cơ quan", "Body")
    may_prepare_for_body(session, actor, body_id)
    title = text_field(title, "title", 300)
    meeting = Meeting(
        body_id=body_id,
        title=title,
        search_text=fold(title),
        starts_at=_aware(starts_at),
        place=text_field(place, "place", 300, required=False),
        kind=_kind(kind),
        created_by=actor.user_id,
    )
    meeting.documents_due_on = deadlines.due_for(meeting.starts_at, meeting.kind, holidays)
    session.add(meeting)
    session.flush()
    assert meeting.id is not None
    # The creator is the secretary, unless an administrator makes it for a body that has a
    # default secretary; the body's default chair is its chair.
    secretary = actor.user_id
    if actor.is_admin and body.default_secretary_id is not None:
        secretary = body.default_secretary_id
    session.add(Participant(meeting_id=meeting.id, user_id=secretary, role=Role.SECRETARY.value))
    if body.default_chair_id is not None and body.default_chair_id != secretary:
        session.add(Participant(meeting_id=meeting.id, user_id=body.default_chair_id,
                                role=Role.CHAIR.value))
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
    kind: str | None = None,
    holidays: frozenset[date] = frozenset(),
) -> Meeting:
    """Before the start: the title, place, time and kind; a new time or kind moves the
    deadline, and the late markers of the documents already sent with it."""
    meeting, _ = authorize(session, actor, meeting_id, Action.PREPARE)
    ensure_not_sealed(meeting)
    if meeting.status != MeetingStatus.DRAFT.value:
        raise conflict(
            "meeting_started",
            "Cuộc họp đã bắt đầu; không sửa được tên, giờ, địa điểm và loại phiên họp.",
            "The meeting has started; its title, time, place and kind are fixed.",
        )
    before = (meeting.starts_at, meeting.place)
    changes: dict[str, object] = {}
    if title is not None:
        meeting.title = changes["title"] = text_field(title, "title", 300)
        meeting.search_text = fold(meeting.title)
    if place is not None:
        meeting.place = changes["place"] = text_field(place, "place", 300, required=False)
    if starts_at is not None:
        meeting.starts_at = _aware(starts_at)
        changes["starts_at"] = meeting.starts_at.isoformat()
    if kind is not None:
        meeting.kind = changes["kind"] = _kind(kind)
    if starts_at is not None or kind is not None:
        set_deadline(session, meeting, holidays)
        changes["documents_due_on"] = meeting.documents_due_on
    session.add(meeting)
    if changes:
        record.append(session, meeting_id, "meeting.updated", changes, actor.user_id)
    # Once the invitation is out, a new time or place goes to everyone it reached.
    invitations.meeting_changed(session, meeting, before, actor)
    return meeting


def add_participant(
    session: Session, actor: Actor, meeting_id: int, *, user_id: int, role: str
) -> tuple[Participant, list[Event]]:
    meeting, _ = authorize(session, actor, meeting_id, Action.PREPARE)
    ensure_editable(meeting)
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
        if existing.role != role:
            audit.record(session, actor.user_id, "meeting.role", meeting.title[:200],
                         meeting_id=meeting_id, user_id=user_id, before=existing.role,
                         after=role)
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
    ensure_editable(meeting)
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
    return [Event(meeting_id, "agenda.changed", {"reason": "participants"}),
            *invitations.uninvite(session, meeting_id, user_id, actor)]


def may_upload(session: Session, actor: Actor, meeting_id: int, item_id: int) -> None:
    meeting, _ = authorize(session, actor, meeting_id, Action.PREPARE)
    ensure_editable(meeting)
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
    """Attach an ingested upload (checked and cleaned by `meetings.documents.ingest`) at the
    end of an agenda item's documents; late when it comes after the deadline.

    The events announce it: the web layer publishes them once its first page is ready."""
    meeting, _ = authorize(session, actor, meeting_id, Action.PREPARE)
    ensure_editable(meeting)
    item = get_item(session, meeting_id, item_id)
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
        position=next_position(session, item_id),
        late=deadlines.is_late(utcnow(), meeting.documents_due_on),
    )
    session.add(document)
    session.flush()
    version = store_version(session, blobs, document, ingested, number=1, filename=filename,
                            user_id=actor.user_id)
    record.append(
        session,
        meeting_id,
        "document.added",
        {"document_id": document.id, "item_id": item_id, "sha256": version.sha256,
         "original_sha256": version.original_sha256, "pages": version.page_count,
         "late": document.late},
        actor.user_id,
    )
    reload, *amended = changed(meeting, "documents", "document.added", title=document.title,
                               number=number_of(session, item))
    # Tablets add it at once from the event, without waiting for their reload.
    announce = Event(meeting_id, "agenda.changed",
                     {"reason": "documents", "document": document_view(document)},
                     audience=reload.audience)
    return document, [announce, *amended]


def copy_meeting(
    session: Session,
    actor: Actor,
    meeting_id: int,
    *,
    starts_at: datetime,
    title: str | None = None,
    place: str | None = None,
    holidays: frozenset[date] = frozenset(),
) -> Meeting:
    """The next meeting of a series: a new draft of the same body and kind, with the same
    participants in the same roles and the agenda's skeleton (titles, sub-items, presenters,
    planned durations), at a new time. Documents, votes, attendance and conclusions stay
    with the meeting they belong to, which the copy never changes (a sealed one neither)."""
    source, _ = authorize(session, actor, meeting_id, Action.PREPARE)
    copy = create_meeting(
        session, actor, body_id=source.body_id,
        title=source.title if title is None else title,
        starts_at=starts_at, place=source.place if place is None else place,
        kind=source.kind, holidays=holidays,
    )
    assert copy.id is not None
    people = list(session.exec(
        select(Participant).where(Participant.meeting_id == meeting_id,
                                  Participant.user_id != actor.user_id)
        .order_by(col(Participant.id))))
    for person in people:
        session.add(Participant(meeting_id=copy.id, user_id=person.user_id, role=person.role))
    twins: dict[int, int] = {}
    items = ordered_items(session, meeting_id)
    for item in items:  # in order: an item comes before its sub-items
        twin = AgendaItem(meeting_id=copy.id, position=item.position, title=item.title,
                          presenter=item.presenter, planned_minutes=item.planned_minutes,
                          parent_id=twins[item.parent_id] if item.parent_id else None)
        session.add(twin)
        session.flush()
        twins[item.id or 0] = twin.id or 0
    record.append(session, copy.id, "meeting.copied",
                  {"from_meeting_id": meeting_id, "participants": len(people),
                   "items": len(items)}, actor.user_id)
    return copy


def get_document(session: Session, document_id: int) -> Document:
    document = session.get(Document, document_id)
    if document is None:
        raise not_found("tài liệu", "Document")
    return document
