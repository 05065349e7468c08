"""Sending the agenda and documents to the members: the meeting's deadline (from its kind, its
date and the working days: meetings.deadlines), publishing (members are told on their
tablets and on their meetings list, and only from then on see a draft meeting's agenda and
documents: meetings.access.sees_agenda), and the late marker on documents that reached the
members after the deadline ("Bổ sung sau thời hạn").
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from meetings import deadlines, record
from meetings.access import Action, authorize
from meetings.accounts import Actor
from meetings.documents.library import current_version
from meetings.errors import conflict
from meetings.events import Event
from meetings.models import Document, Meeting, MeetingStatus, Participant, utcnow


def set_deadline(session: Session, meeting: Meeting, holidays: frozenset[date]) -> None:
    """The deadline from the meeting's kind and date; documents already sent are marked
    late, or no longer late, against it."""
    meeting.documents_due_on = deadlines.due_for(meeting.starts_at, meeting.kind, holidays)
    session.add(meeting)
    mark_late(session, meeting)


def mark_late(session: Session, meeting: Meeting) -> None:
    """A document is late when its current version was uploaded after the deadline."""
    for document in session.exec(select(Document).where(Document.meeting_id == meeting.id)):
        late = deadlines.is_late(current_version(session, document.id or 0).created_at,
                                 meeting.documents_due_on)
        if late != document.late:
            document.late = late
            session.add(document)


def publish(session: Session, actor: Actor, meeting_id: int) -> tuple[Meeting, list[Event]]:
    """The secretary sends the agenda and documents to the members: from now on they see
    them (documents added later reach them at once), and every participant is told."""
    # Lock the meeting: two publications at once must not both pass the check below.
    session.exec(select(Meeting.id).where(Meeting.id == meeting_id).with_for_update()).first()
    meeting, _ = authorize(session, actor, meeting_id, Action.PREPARE)
    if meeting.status != MeetingStatus.DRAFT.value:
        raise conflict(
            "already_started",
            "Cuộc họp đã bắt đầu hoặc đã kết thúc; mọi người tham dự đã thấy chương trình và "
            "tài liệu.",
            "The meeting has started or ended; every participant already sees its agenda and "
            "documents.",
        )
    if meeting.published_at is not None:
        raise conflict(
            "already_published",
            "Tài liệu họp đã được phát hành. Tài liệu bổ sung đến thành viên ngay khi tải lên.",
            "The documents are already published. Documents added now reach the members at "
            "once.",
        )
    now = utcnow()
    meeting.published_at = now
    session.add(meeting)
    documents = list(session.exec(
        select(Document).where(Document.meeting_id == meeting_id,
                               col(Document.withdrawn_at).is_(None))))
    after_deadline = deadlines.is_late(now, meeting.documents_due_on)
    record.append(session, meeting_id, "documents.published",
                  {"documents": len(documents), "late": sum(d.late for d in documents),
                   "after_deadline": after_deadline}, actor.user_id)
    news = {"meeting_id": meeting_id, "title": meeting.title, "published_at": now.isoformat(),
            "documents": len(documents), "after_deadline": after_deadline}
    people = session.exec(
        select(Participant.user_id).where(Participant.meeting_id == meeting_id,
                                          Participant.user_id != actor.user_id))
    return meeting, [
        Event(meeting_id, "documents.published", news),
        Event(meeting_id, "agenda.changed", {"reason": "published"}),
        *(Event.to_inbox(meeting_id, user_id, "documents.published", news)
          for user_id in people),
    ]
