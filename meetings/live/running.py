"""Running a meeting: starting and ending it, what is presented, who is present, and the
snapshot a tablet loads when it connects."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from meetings import record
from meetings.access import Action, authorize
from meetings.accounts import Actor
from meetings.agenda import get_item, items_with_documents
from meetings.documents.library import record_presented
from meetings.errors import conflict, invalid
from meetings.events import Event
from meetings.invitations.replies import prefill_attendance
from meetings.live.screen import take_down_result
from meetings.live.speakers import close_the_floor
from meetings.models import (
    Meeting,
    MeetingStatus,
    Participant,
    User,
    Vote,
    VoteStatus,
    utcnow,
)
from meetings.preparation import get_document
from meetings.views import meeting_view, participant_view, presentation_view


def must_be_running(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.RUNNING.value:
        raise conflict(
            "meeting_not_running",
            "Cuộc họp không đang diễn ra.",
            "The meeting is not in progress.",
        )


def start_meeting(session: Session, actor: Actor, meeting_id: int) -> list[Event]:
    meeting, _ = authorize(session, actor, meeting_id, Action.RUN)
    if meeting.status != MeetingStatus.DRAFT.value:
        raise conflict(
            "already_started",
            "Cuộc họp đã bắt đầu hoặc đã kết thúc.",
            "The meeting has already started or ended.",
        )
    items = items_with_documents(session, meeting_id)
    if not items:
        raise conflict(
            "no_agenda",
            "Cuộc họp chưa có nội dung nào trong chương trình. Thêm nội dung trước khi bắt đầu.",
            "The agenda is empty. Add an item before starting.",
        )
    meeting.status = MeetingStatus.RUNNING.value
    meeting.started_at = utcnow()
    first_item, docs = items[0]
    meeting.current_item_id = first_item.id
    meeting.current_document_id = docs[0].id if docs else None
    meeting.current_page = 1
    session.add(meeting)
    record.append(session, meeting_id, "meeting.started", {"item_id": first_item.id},
                  actor.user_id)
    record_presented(session, meeting, actor.user_id)
    return [
        Event(meeting_id, "meeting.status", meeting_view(meeting)),
        Event(meeting_id, "presentation", presentation_view(meeting)),
        *prefill_attendance(session, meeting_id, actor.user_id),
    ]


def present(
    session: Session,
    actor: Actor,
    meeting_id: int,
    *,
    item_id: int | None = None,
    document_id: int | None = None,
    page: int | None = None,
) -> list[Event]:
    """Move the room to an item, a document and a page. Omitted parts are derived: a new item
    shows its first document, a new document opens at page 1."""
    meeting, _ = authorize(session, actor, meeting_id, Action.RUN)
    must_be_running(meeting)
    previous_item = meeting.current_item_id
    previous_document = meeting.current_document_id
    if item_id is not None and item_id != meeting.current_item_id:
        get_item(session, meeting_id, item_id)
        meeting.current_item_id = item_id
        if document_id is None:
            first = next(
                (ds[0] for i, ds in items_with_documents(session, meeting_id)
                 if i.id == item_id and ds),
                None,
            )
            meeting.current_document_id = first.id if first else None
            meeting.current_page = 1
    if document_id is not None:
        document = get_document(session, document_id)
        if document.meeting_id != meeting_id:
            raise invalid(
                "wrong_document",
                "Tài liệu không thuộc cuộc họp này.",
                "The document does not belong to this meeting.",
            )
        if document.withdrawn_at is not None:
            raise conflict(
                "document_withdrawn",
                "Tài liệu đã được rút khỏi cuộc họp; không trình chiếu được.",
                "The document was withdrawn from the meeting; it cannot be presented.",
            )
        if document.id != meeting.current_document_id:
            meeting.current_page = 1
        meeting.current_document_id = document.id
        meeting.current_item_id = document.item_id
    if page is not None:
        if meeting.current_document_id is None:
            raise invalid(
                "no_document",
                "Nội dung này chưa có tài liệu để trình chiếu.",
                "This item has no document to present.",
            )
        document = get_document(session, meeting.current_document_id)
        if not 1 <= page <= document.page_count:
            raise invalid(
                "bad_page",
                f"Trang phải từ 1 đến {document.page_count}.",
                f"The page must be between 1 and {document.page_count}.",
            )
        meeting.current_page = page
    session.add(meeting)
    if meeting.current_item_id != previous_item:
        record.append(
            session, meeting_id, "item.presented", {"item_id": meeting.current_item_id},
            actor.user_id,
        )
    if meeting.current_document_id != previous_document:
        record_presented(session, meeting, actor.user_id)
    # The page takes the room screen back from a vote's result. The presentation comes last:
    # the callers answer with it.
    return [*take_down_result(session, meeting),
            Event(meeting_id, "presentation", presentation_view(meeting))]


def end_meeting(session: Session, actor: Actor, meeting_id: int) -> list[Event]:
    meeting, _ = authorize(session, actor, meeting_id, Action.RUN)
    must_be_running(meeting)
    if open_vote_of(session, meeting_id) is not None:
        raise conflict(
            "vote_open",
            "Đang có biểu quyết chưa kết thúc. Vui lòng kết thúc biểu quyết trước.",
            "A vote is still open. Close it first.",
        )
    floor = close_the_floor(session, actor, meeting_id)
    meeting.status = MeetingStatus.ENDED.value
    meeting.ended_at = utcnow()
    session.add(meeting)
    record.append(session, meeting_id, "meeting.ended", {}, actor.user_id)
    return [*floor, Event(meeting_id, "meeting.status", meeting_view(meeting))]


def open_vote_of(session: Session, meeting_id: int) -> Vote | None:
    return session.exec(
        select(Vote).where(Vote.meeting_id == meeting_id, Vote.status == VoteStatus.OPEN.value)
    ).first()


def participants(
    session: Session, meeting_id: int, only_user: int | None = None
) -> list[dict[str, Any]]:
    query = (
        select(Participant, User)
        .join(User, User.id == Participant.user_id)  # type: ignore[arg-type]
        .where(Participant.meeting_id == meeting_id)
        .order_by(col(Participant.id))
    )
    if only_user is not None:
        query = query.where(Participant.user_id == only_user)
    rows = session.exec(query).all()
    return [participant_view(p, u) for p, u in rows]
