"""Attendance: states (present, remote, absent with a reason, excused), check-in on the tablet,
by the room screen's QR code or by the secretary, proxies, and the quorum.

Guests never count: only the chair and members make up the quorum and the electorate.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any

from sqlalchemy import case
from sqlmodel import Session, func, select

from meetings import record, roster
from meetings.access import Action, authorize
from meetings.accounts import Actor
from meetings.errors import forbidden, invalid
from meetings.events import STAFF, Event
from meetings.live.running import must_be_running
from meetings.models import Body, Meeting, Participant
from meetings.votes.majority import quorum_required

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
    members, present = session.exec(
        select(func.count(),
               func.coalesce(func.sum(case((roster.present_in_sql(), 1), else_=0)), 0))
        .where(Participant.meeting_id == meeting_id, roster.voter_in_sql())
    ).one()
    required = quorum_required(members, body.quorum_numerator, body.quorum_denominator)
    return {"members": members, "members_present": present, "required": required,
            "quorum": present >= required}


def _events(session: Session, meeting_id: int, p: Participant) -> list[Event]:
    """The room learns the state; the reason for an absence ("hospital: ...") goes only to
    the staff (secretary, chair) and to the person themself."""
    seen = {"user_id": p.user_id, "checked_in": roster.is_present(p.attendance),
            "attendance": p.attendance, "proxy_user_id": p.proxy_user_id,
            "quorum": quorum_view(session, meeting_id)}
    with_reason = seen | {"absence_reason": p.absence_reason}
    return [Event(meeting_id, "attendance", seen),
            Event(meeting_id, "attendance", with_reason, audience=STAFF),
            Event.for_user(meeting_id, p.user_id, "attendance", with_reason)]


def set_attendance(
    session: Session, actor: Actor, meeting_id: int, user_id: int, state: str,
    *, reason: str = "", proxy_user_id: int | None = None,
) -> list[Event]:
    """The secretary records someone's attendance; a member may mark themself present or
    remote (their tablet's check-in)."""
    action = Action.VIEW if user_id == actor.user_id and roster.is_present(state) \
        else Action.RUN
    meeting, _ = authorize(session, actor, meeting_id, action)
    must_be_running(meeting)
    if state not in roster.RECORDED_STATES:
        raise invalid("bad_attendance",
                      "Tình trạng tham dự phải là: có mặt, dự họp trực tuyến, vắng có lý do hoặc "
                      "vắng không có lý do.",
                      "The attendance must be: present, online, excused (absent with a reason) "
                      "or absent.")
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
        if not roster.is_away(state) or not roster.is_voter(holder.role) \
                or proxy_user_id == user_id:
            raise invalid(
                "bad_proxy",
                "Chỉ thành viên vắng mặt mới ủy quyền, và cho một thành viên khác của cuộc họp.",
                "Only an absent member gives a proxy, to another member of the meeting.",
            )
    if (p.attendance == state and p.proxy_user_id == proxy_user_id
            and (roster.is_present(state) or p.absence_reason == reason.strip()[:300])):
        return []
    roster.record_state(p, state, reason)
    p.proxy_user_id = proxy_user_id
    session.add(p)
    record.append(session, meeting_id, f"attendance.{state}",
                  {"user_id": user_id, "reason": p.absence_reason, "proxy": proxy_user_id},
                  actor.user_id)
    return _events(session, meeting_id, p)


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
            "Mã điểm danh không đúng hoặc đã hết hạn. Vui lòng quét lại mã trên màn hình phòng "
            "họp.",
            "The check-in code is wrong or has expired. Scan the code on the room screen again.",
        )
    return set_attendance(session, actor, meeting_id, actor.user_id, "present")
