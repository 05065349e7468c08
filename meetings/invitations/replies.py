"""Members' answers to the invitation, given in the app: attending, absent with a reason
(xin vắng), or attending remotely. An answer may change until the meeting starts; when it
starts, the answers pre-fill the recorded attendance: absent becomes excused (vắng có lý do)
with the reason given, remote becomes remote, and attending stays unrecorded until the member
checks in (saying "I will come" is not being there).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from meetings import record, roster
from meetings.access import Action, authorize
from meetings.accounts import Actor
from meetings.errors import conflict, forbidden, invalid
from meetings.events import STAFF, Event
from meetings.invitations.outbox import invitation_row
from meetings.models import Invitation, Meeting, MeetingStatus, Participant, User, utcnow

ATTENDING, ABSENT, REMOTE = "attending", "absent", "remote"
REPLIES = (ATTENDING, ABSENT, REMOTE)
# What each answer records when the meeting starts (attending records nothing).
PREFILL = {ABSENT: roster.Attendance.EXCUSED.value, REMOTE: roster.Attendance.REMOTE.value}


def _open_for_replies(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CANCELLED.value:
        raise conflict("meeting_cancelled", "Cuộc họp đã bị hủy; không cần trả lời giấy mời.",
                       "The meeting was cancelled; no answer is needed.")
    if meeting.status != MeetingStatus.DRAFT.value:
        raise conflict(
            "meeting_started",
            "Cuộc họp đã bắt đầu; việc tham dự được ghi nhận bằng điểm danh.",
            "The meeting has started; attendance is now recorded by checking in.",
        )


def reply_view(meeting: Meeting, row: Invitation | None) -> dict[str, Any]:
    return {
        "meeting_id": meeting.id,
        "reply": row.reply if row else "",
        "reason": row.reply_reason if row else "",
        "replied_at": row.replied_at.isoformat() if row and row.replied_at else None,
        "can_reply": meeting.status == MeetingStatus.DRAFT.value,
    }


def my_reply(session: Session, actor: Actor, meeting_id: int) -> dict[str, Any]:
    meeting, _ = authorize(session, actor, meeting_id, Action.VIEW)
    row = session.exec(select(Invitation).where(Invitation.meeting_id == meeting_id,
                                                Invitation.user_id == actor.user_id)).first()
    return reply_view(meeting, row)


def reply(session: Session, actor: Actor, meeting_id: int, answer: str, reason: str = ""
          ) -> tuple[dict[str, Any], list[Event]]:
    meeting, role = authorize(session, actor, meeting_id, Action.VIEW)
    if role is None:
        raise forbidden("not_participant",
                        "Chỉ người có tên trong danh sách tham dự mới trả lời giấy mời.",
                        "Only the meeting's participants answer its invitation.")
    _open_for_replies(meeting)
    if answer not in REPLIES:
        raise invalid("bad_reply",
                      "Vui lòng chọn: tham dự, xin vắng (có lý do) hoặc dự trực tuyến.",
                      "Choose: attending, absent (with a reason) or attending remotely.")
    reason = (reason or "").strip()
    if answer == ABSENT and not reason:
        raise invalid("reason_required", "Vui lòng nêu lý do xin vắng.",
                      "Please give the reason for your absence.", field="reason")
    if len(reason) > 300:
        raise invalid("too_long", "Lý do dài quá 300 ký tự.",
                      "The reason is longer than 300 characters.", field="reason")
    user = session.get(User, actor.user_id)
    assert user is not None
    row = invitation_row(session, meeting_id, user)
    row.reply = answer
    row.reply_reason = reason if answer == ABSENT else ""
    row.replied_at = utcnow()
    session.add(row)
    record.append(session, meeting_id, "invitation.reply",
                  {"user_id": actor.user_id, "reply": answer, "reason": row.reply_reason},
                  actor.user_id)
    return reply_view(meeting, row), [Event(meeting_id, "invitations.changed",
                                            {"reason": "reply", "user_id": actor.user_id},
                                            audience=STAFF)]


def prefill_attendance(session: Session, meeting_id: int, actor_id: int) -> list[Event]:
    """At the start: the answers become recorded attendance, for those not yet recorded.
    Tablets reload the people (`agenda.changed`)."""
    rows = session.exec(
        select(Participant, Invitation)
        .join(Invitation, (col(Invitation.meeting_id) == col(Participant.meeting_id))
              & (col(Invitation.user_id) == col(Participant.user_id)))
        .where(Participant.meeting_id == meeting_id,
               col(Invitation.reply).in_(list(PREFILL)))
        .order_by(col(Participant.id))).all()
    applied = []
    for participant, invitation in rows:
        if participant.attendance:
            continue
        state = PREFILL[invitation.reply]
        roster.record_state(participant, state, invitation.reply_reason)
        session.add(participant)
        applied.append({"user_id": participant.user_id, "state": state,
                        "reason": participant.absence_reason})
    if not applied:
        return []
    record.append(session, meeting_id, "attendance.from_replies", {"people": applied}, actor_id)
    return [Event(meeting_id, "agenda.changed", {"reason": "attendance"})]
