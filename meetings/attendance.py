"""Attendance: states (present, remote, absent with a reason, excused), check-in on the tablet,
by the room screen's QR code or by the secretary, proxies, and the quorum.

Guests never count: only the chair and members make up the quorum and the electorate.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any

from sqlalchemy import and_, case, or_
from sqlmodel import Session, col, func, select

from meetings import record
from meetings.access import Action, authorize
from meetings.accounts import Actor
from meetings.errors import forbidden, invalid
from meetings.events import Event
from meetings.majority import quorum_required
from meetings.models import Body, Meeting, Participant, utcnow
from meetings.running import must_be_running

VOTER_ROLES = ("chair", "member")
STATES = ("present", "remote", "absent", "excused")
QR_SECONDS = 120  # a check-in code shown on the room screen is valid this long


def _participant(session: Session, meeting_id: int, user_id: int) -> Participant:
    p = session.exec(
        select(Participant).where(Participant.meeting_id == meeting_id,
                                  Participant.user_id == user_id)
    ).first()
    if p is None:
        raise invalid(
            "not_participant",
            "Người này không có tên trong danh sách tham dự cuộc họp.",
            "This person is not on the meeting's list of participants.",
        )
    return p


def quorum_view(session: Session, meeting_id: int) -> dict[str, Any]:
    """Voting members present (or remote) against the body's quorum; guests never count."""
    meeting = session.get(Meeting, meeting_id)
    assert meeting is not None
    body = session.get(Body, meeting.body_id)
    assert body is not None
    # Counted in SQL: every tablet's snapshot asks, so loading 1,000 rows each time would
    # make a room's connects quadratic (measured: bench/fanout.py at N=1000).
    is_present = or_(col(Participant.attendance).in_(("present", "remote")),
                     and_(col(Participant.attendance) == "",
                          col(Participant.checked_in_at).is_not(None)))
    members, present = session.exec(
        select(func.count(), func.coalesce(func.sum(case((is_present, 1), else_=0)), 0))
        .where(Participant.meeting_id == meeting_id, col(Participant.role).in_(VOTER_ROLES))
    ).one()
    required = quorum_required(members, body.quorum_numerator, body.quorum_denominator)
    return {"members": members, "members_present": present, "required": required,
            "quorum": present >= required}


def _event(session: Session, meeting_id: int, p: Participant) -> Event:
    return Event(meeting_id, "attendance", {
        "user_id": p.user_id, "checked_in": p.checked_in_at is not None,
        "attendance": p.attendance, "absence_reason": p.absence_reason,
        "proxy_user_id": p.proxy_user_id, "quorum": quorum_view(session, meeting_id),
    })


def set_attendance(
    session: Session, actor: Actor, meeting_id: int, user_id: int, state: str,
    *, reason: str = "", proxy_user_id: int | None = None,
) -> list[Event]:
    """The secretary records someone's attendance; a member may mark themself present or
    remote (their tablet's check-in)."""
    action = Action.VIEW if user_id == actor.user_id and state in ("present", "remote") \
        else Action.RUN
    meeting, _ = authorize(session, actor, meeting_id, action)
    must_be_running(meeting)
    if state not in STATES:
        raise invalid("bad_attendance",
                      "Trạng thái phải là present, remote, absent hoặc excused.",
                      "The state must be present, remote, absent or excused.")
    p = _participant(session, meeting_id, user_id)
    if proxy_user_id is not None:
        body = session.get(Body, meeting.body_id)
        assert body is not None
        if not body.proxies_allowed:
            raise forbidden(
                "proxies_not_allowed",
                "Cơ quan này không cho phép ủy quyền biểu quyết.",
                "This body does not allow proxies.",
            )
        holder = _participant(session, meeting_id, proxy_user_id)
        if state not in ("absent", "excused") or holder.role not in VOTER_ROLES \
                or proxy_user_id == user_id:
            raise invalid(
                "bad_proxy",
                "Chỉ thành viên vắng mặt mới ủy quyền, và cho một thành viên khác của cuộc họp.",
                "Only an absent member gives a proxy, to another member of the meeting.",
            )
    if (p.attendance == state and p.proxy_user_id == proxy_user_id
            and (state in ("present", "remote") or p.absence_reason == reason.strip()[:300])):
        return []
    p.attendance = state
    p.absence_reason = reason.strip()[:300] if state in ("absent", "excused") else ""
    p.proxy_user_id = proxy_user_id
    if state in ("present", "remote") and p.checked_in_at is None:
        p.checked_in_at = utcnow()
    session.add(p)
    record.append(session, meeting_id, f"attendance.{state}",
                  {"user_id": user_id, "reason": p.absence_reason, "proxy": proxy_user_id},
                  actor.user_id)
    return [_event(session, meeting_id, p)]


# --- check-in by QR code: a short-lived token signed with the server's key ---------------


def qr_token(key: bytes, meeting_id: int, now: float | None = None) -> str:
    slot = int((now if now is not None else time.time()) // QR_SECONDS)
    mac = hmac.new(key, f"checkin:{meeting_id}:{slot}".encode(), hashlib.sha256).hexdigest()
    return f"{slot}.{mac[:32]}"


def qr_valid(key: bytes, meeting_id: int, token: str, now: float | None = None) -> bool:
    """Valid in its own slot and the next (so a code shown just before a change still works)."""
    t = now if now is not None else time.time()
    return any(hmac.compare_digest(token, qr_token(key, meeting_id, t - d * QR_SECONDS))
               for d in (0, 1))


def check_in_by_code(
    session: Session, actor: Actor, meeting_id: int, token: str, key: bytes
) -> list[Event]:
    if not qr_valid(key, meeting_id, token):
        raise invalid(
            "bad_checkin_code",
            "Mã điểm danh không đúng hoặc đã hết hạn. Hãy quét lại mã trên màn hình phòng họp.",
            "The check-in code is wrong or has expired. Scan the code on the room screen again.",
        )
    return set_attendance(session, actor, meeting_id, actor.user_id, "present")
