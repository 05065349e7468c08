"""Cancelling a meeting: a draft meeting called off by its secretary, with a reason. It is
kept, marked cancelled and read-only (`meetings.access` refuses every change), and everyone the
invitation went to is sent the calendar's cancellation (METHOD:CANCEL)."""

from __future__ import annotations

from sqlmodel import Session

from meetings import record
from meetings.access import Action, authorize
from meetings.accounts import Actor
from meetings.errors import conflict, invalid
from meetings.events import Event
from meetings.invitations import withdraw
from meetings.models import Meeting, MeetingStatus, utcnow
from meetings.views import meeting_view


def cancel_meeting(session: Session, actor: Actor, meeting_id: int, reason: str
                   ) -> tuple[Meeting, list[Event]]:
    meeting, _ = authorize(session, actor, meeting_id, Action.PREPARE)
    if meeting.status != MeetingStatus.DRAFT.value:
        raise conflict(
            "meeting_started",
            "Chỉ hủy được cuộc họp chưa bắt đầu. Cuộc họp đã bắt đầu thì kết thúc cuộc họp.",
            "Only a meeting that has not started can be cancelled; a started one is ended.",
        )
    reason = (reason or "").strip()
    if not reason:
        raise invalid("reason_required", "Vui lòng nêu lý do hủy cuộc họp.",
                      "Please give the reason for cancelling the meeting.", field="reason")
    if len(reason) > 300:
        raise invalid("too_long", "Lý do dài quá 300 ký tự.",
                      "The reason is longer than 300 characters.", field="reason")
    meeting.status = MeetingStatus.CANCELLED.value
    meeting.cancelled_at = utcnow()
    meeting.cancel_reason = reason
    session.add(meeting)
    record.append(session, meeting_id, "meeting.cancelled", {"reason": reason}, actor.user_id)
    return meeting, [Event(meeting_id, "meeting.status", meeting_view(meeting)),
                     *withdraw(session, meeting, actor)]
