"""The invitations' outbox: what the secretary sends, what a change of time or place or a
cancellation sends again, and what came of each letter.

Sending is in two steps so that no database transaction waits on a mail server: a write puts
a letter in the outbox (`delivery` "pending") with the SEQUENCE it carries; the mailer of the
web layer claims pending letters ("sending"), composes them in a read, talks SMTP with no
transaction open, then records each outcome ("sent", or "failed" with the reason). A letter
claimed by a process that died is claimed again once the claim is old (`STALE_CLAIM`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import Message
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from meetings import clock, record
from meetings.access import Action, authorize, read_preparation
from meetings.accounts import Actor
from meetings.errors import conflict, invalid
from meetings.events import STAFF, Event
from meetings.fields import email_field
from meetings.invitations.calendar import CalendarEntry, Person
from meetings.invitations.letters import CANCEL, INVITATION, UPDATE, Letter, compose
from meetings.models import (
    AgendaItem,
    Body,
    Invitation,
    Meeting,
    MeetingCalendar,
    MeetingStatus,
    Participant,
    User,
    utcnow,
)

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
STALE_CLAIM = timedelta(minutes=10)  # longer than any SMTP pass (timeouts are 30 s a step)
DEFAULT_LENGTH = timedelta(hours=2)  # the calendar's end when the agenda plans no minutes


def email_of(user: User) -> str | None:
    """The address an invitation goes to unless the secretary types another one: the user's
    own, as the administrator recorded it."""
    return user.email.strip() or None


def _event(meeting_id: int, reason: str, **data: Any) -> Event:
    return Event(meeting_id, "invitations.changed", {"reason": reason, **data}, audience=STAFF)


def calendar_of(session: Session, meeting_id: int) -> MeetingCalendar | None:
    return session.get(MeetingCalendar, meeting_id)


def invitation_row(session: Session, meeting_id: int, user: User) -> Invitation:
    """The participant's invitation row, made on first use; without an address of its own
    it takes the user's."""
    row = session.exec(select(Invitation).where(Invitation.meeting_id == meeting_id,
                                                Invitation.user_id == user.id)).first()
    if row is None:
        row = Invitation(meeting_id=meeting_id, user_id=user.id or 0)
    if not row.email and email_of(user):
        row.email = email_of(user) or ""
    session.add(row)
    session.flush()
    return row


def _before_start(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.DRAFT.value:
        raise conflict(
            "meeting_started",
            "Cuộc họp đã bắt đầu hoặc đã kết thúc; giấy mời chỉ gửi trước khi họp.",
            "The meeting has started or ended; invitations are sent before it.",
        )


def _people(session: Session, meeting_id: int) -> list[tuple[Participant, User]]:
    return list(session.exec(
        select(Participant, User).join(User, col(User.id) == col(Participant.user_id))
        .where(Participant.meeting_id == meeting_id).order_by(col(Participant.id))
    ).all())


def row_view(p: Participant, u: User, row: Invitation | None) -> dict[str, Any]:
    kind, _, detail = (row.error if row else "").partition(": ")
    return {
        "user_id": u.id, "username": u.username, "full_name": u.full_name, "role": p.role,
        "email": (row.email if row else "") or email_of(u) or "",
        "delivery": row.delivery if row else "",
        "letter": row.letter if row else "",
        "sequence": row.sequence if row else None,
        "error": kind or None, "error_detail": detail or None,
        "sent_at": row.sent_at.isoformat() if row and row.sent_at else None,
        "reply": row.reply if row else "",
        "reply_reason": row.reply_reason if row else "",
        "replied_at": row.replied_at.isoformat() if row and row.replied_at else None,
    }


def invitations_view(session: Session, actor: Actor, meeting_id: int) -> dict[str, Any]:
    """The secretary's panel: each participant's address, letter and answer (also once the
    meeting is cancelled, to follow the cancellation notices)."""
    meeting = read_preparation(session, actor, meeting_id)
    rows = {r.user_id: r for r in session.exec(
        select(Invitation).where(Invitation.meeting_id == meeting_id)).all()}
    cal = calendar_of(session, meeting_id)
    people = [row_view(p, u, rows.get(u.id or 0)) for p, u in _people(session, meeting_id)]
    replies = {"attending": 0, "absent": 0, "remote": 0, "": 0}
    for person in people:
        replies[person["reply"]] = replies.get(person["reply"], 0) + 1
    return {
        "meeting_id": meeting_id,
        "status": meeting.status,
        "sent_at": cal.sent_at.isoformat() if cal and cal.sent_at else None,
        "sequence": cal.sequence if cal else None,
        "uid": cal.uid if cal else None,
        "people": people,
        "replies": replies,
    }


def set_email(session: Session, actor: Actor, meeting_id: int, user_id: int, email: str
              ) -> tuple[dict[str, Any], list[Event]]:
    meeting, _ = authorize(session, actor, meeting_id, Action.PREPARE)
    _before_start(meeting)
    email = email_field(email)
    found = session.exec(
        select(Participant, User).join(User, col(User.id) == col(Participant.user_id))
        .where(Participant.meeting_id == meeting_id, Participant.user_id == user_id)).first()
    if found is None:
        raise invalid("not_participant",
                      "Người này không có tên trong danh sách tham dự cuộc họp.",
                      "This person is not on the meeting's list of participants.")
    p, u = found
    row = invitation_row(session, meeting_id, u)
    if row.email != email:
        row.email = email
        # A new address: the last outcome was about the old one.
        if row.delivery == FAILED:
            row.error = ""
        session.add(row)
        record.append(session, meeting_id, "invitation.address", {"user_id": user_id},
                      actor.user_id)
    return row_view(p, u, row), [_event(meeting_id, "address", user_id=user_id)]


def _queue(row: Invitation, letter: str, sequence: int) -> None:
    row.delivery, row.letter, row.sequence = PENDING, letter, sequence
    row.error, row.claimed_at = "", None


def send_invitations(session: Session, actor: Actor, meeting_id: int,
                     user_ids: list[int] | None = None) -> tuple[dict[str, Any], list[Event]]:
    """Put the invitation in the outbox: for everyone who has an address and has not yet
    received the meeting as it is now, or for the people named (a resend)."""
    meeting, _ = authorize(session, actor, meeting_id, Action.PREPARE)
    _before_start(meeting)
    cal = calendar_of(session, meeting_id)
    if cal is None:
        cal = MeetingCalendar(meeting_id=meeting_id, uid=f"{secrets.token_hex(16)}@phonghop")
    if cal.sent_at is None:
        cal.sent_at, cal.sent_by = utcnow(), actor.user_id
    session.add(cal)
    people = _people(session, meeting_id)
    if user_ids is not None:
        known = {u.id for _, u in people}
        if not set(user_ids) <= known:
            raise invalid("not_participant",
                          "Người này không có tên trong danh sách tham dự cuộc họp.",
                          "This person is not on the meeting's list of participants.")
        people = [(p, u) for p, u in people if u.id in set(user_ids)]
    queued: list[int] = []
    no_address: list[str] = []
    for _, user in people:
        row = invitation_row(session, meeting_id, user)
        if not row.email:
            no_address.append(user.full_name)
            continue
        current = (row.delivery in (SENT, PENDING, SENDING) and row.sequence == cal.sequence
                   and row.letter != CANCEL)
        if user_ids is None and current:
            continue
        outdated = row.sent_at is not None and row.sequence < cal.sequence
        _queue(row, UPDATE if outdated else INVITATION, cal.sequence)
        session.add(row)
        queued.append(user.id or 0)
    if not queued:
        return {"queued": 0, "without_address": no_address}, []
    record.append(session, meeting_id, "invitations.sent",
                  {"user_ids": queued, "sequence": cal.sequence}, actor.user_id)
    return ({"queued": len(queued), "without_address": no_address},
            [_event(meeting_id, "queued")])


def _same_instant(a: datetime, b: datetime) -> bool:
    return clock.in_vietnam(a) == clock.in_vietnam(b)


def _resend_all(session: Session, meeting_id: int, letter: str) -> list[int]:
    """A new version for everyone the meeting was sent to (not those already told it is off
    for them): SEQUENCE + 1."""
    cal = calendar_of(session, meeting_id)
    if cal is None or cal.sent_at is None:
        return []
    cal.sequence += 1
    session.add(cal)
    queued = []
    for row in session.exec(select(Invitation).where(Invitation.meeting_id == meeting_id,
                                                     col(Invitation.delivery) != "")).all():
        if row.email and row.letter != CANCEL:
            _queue(row, letter, cal.sequence)
            session.add(row)
            queued.append(row.user_id)
    return queued


def meeting_changed(session: Session, meeting: Meeting, before: tuple[datetime, str],
                    actor: Actor) -> list[Event]:
    """After the secretary edits the meeting: when the invitation has gone out and the time
    or the place changed, everyone it went to gets the update."""
    starts_at, place = before
    if _same_instant(starts_at, meeting.starts_at) and place == meeting.place:
        return []
    assert meeting.id is not None
    queued = _resend_all(session, meeting.id, UPDATE)
    if not queued:
        return []
    record.append(session, meeting.id, "invitations.updated", {"user_ids": queued},
                  actor.user_id)
    return [_event(meeting.id, "queued")]


def withdraw(session: Session, meeting: Meeting, actor: Actor) -> list[Event]:
    """The meeting is cancelled: everyone the invitation went to gets METHOD:CANCEL."""
    assert meeting.id is not None
    queued = _resend_all(session, meeting.id, CANCEL)
    if not queued:
        return []
    record.append(session, meeting.id, "invitations.cancelled", {"user_ids": queued},
                  actor.user_id)
    return [_event(meeting.id, "queued")]


def uninvite(session: Session, meeting_id: int, user_id: int, actor: Actor) -> list[Event]:
    """Someone taken off the meeting who had the invitation gets METHOD:CANCEL."""
    cal = calendar_of(session, meeting_id)
    row = session.exec(select(Invitation).where(Invitation.meeting_id == meeting_id,
                                                Invitation.user_id == user_id)).first()
    if cal is None or row is None or not row.email or row.delivery in ("", FAILED) \
            or row.letter == CANCEL:
        return []
    cal.sequence += 1
    session.add(cal)
    _queue(row, CANCEL, cal.sequence)
    session.add(row)
    record.append(session, meeting_id, "invitations.cancelled", {"user_ids": [user_id]},
                  actor.user_id)
    return [_event(meeting_id, "queued")]


# --- the mailer's side: claim, compose, record ---------------------------------------------


@dataclass(frozen=True)
class Outgoing:
    invitation_id: int
    sequence: int
    recipient: str
    message: Message


@dataclass(frozen=True)
class Outcome:
    invitation_id: int
    sequence: int
    error: str | None  # "kind: detail" (connect, tls, login, recipient, server, config)


def claim(session: Session, limit: int = 50) -> list[int]:
    """Take up to `limit` letters from the outbox. Each claim is a conditional update, so two
    mailers (two processes) never take the same letter."""
    now = utcnow()
    candidates = session.exec(
        select(Invitation.id, Invitation.delivery).where(
            (col(Invitation.delivery) == PENDING)
            | ((col(Invitation.delivery) == SENDING)
               & (col(Invitation.claimed_at) < now - STALE_CLAIM)))
        .order_by(col(Invitation.id)).limit(limit)).all()
    taken = []
    for invitation_id, state in candidates:
        done = session.execute(
            update(Invitation)
            .where(col(Invitation.id) == invitation_id, col(Invitation.delivery) == state)
            .values(delivery=SENDING, claimed_at=now, attempts=Invitation.attempts + 1))
        if done.rowcount == 1:  # type: ignore[attr-defined]
            taken.append(invitation_id)
    return [i for i in taken if i is not None]


def _ends_at(session: Session, meeting: Meeting) -> datetime:
    planned = session.exec(select(func.coalesce(func.sum(AgendaItem.planned_minutes), 0))
                           .where(AgendaItem.meeting_id == meeting.id)).one()
    length = timedelta(minutes=int(planned)) if planned else DEFAULT_LENGTH
    return clock.in_vietnam(meeting.starts_at) + length


def compose_claimed(session: Session, invitation_ids: list[int], *, sender: str,
                    base_url: str) -> list[Outgoing]:
    """The messages of the claimed letters, from the meeting as it is now."""
    out: list[Outgoing] = []
    meetings: dict[int, tuple[Meeting, Body, tuple[str, ...], datetime]] = {}
    for row in session.exec(select(Invitation).where(col(Invitation.id).in_(invitation_ids))
                            .order_by(col(Invitation.id))).all():
        if row.meeting_id not in meetings:
            meeting = session.get(Meeting, row.meeting_id)
            assert meeting is not None
            body = session.get(Body, meeting.body_id)
            assert body is not None
            agenda = tuple(session.exec(
                select(AgendaItem.title).where(AgendaItem.meeting_id == meeting.id)
                .order_by(col(AgendaItem.position))).all())
            meetings[row.meeting_id] = (meeting, body, agenda, _ends_at(session, meeting))
        meeting, body, agenda, ends_at = meetings[row.meeting_id]
        found = session.exec(
            select(Participant, User).join(User, col(User.id) == col(Participant.user_id))
            .where(Participant.meeting_id == row.meeting_id,
                   Participant.user_id == row.user_id)).first()
        user = found[1] if found else session.get(User, row.user_id)
        assert user is not None and row.id is not None
        cal = calendar_of(session, row.meeting_id)
        assert cal is not None
        entry = CalendarEntry(
            uid=cal.uid, sequence=row.sequence, cancel=row.letter == CANCEL,
            title=meeting.title, place=meeting.place, starts_at=meeting.starts_at,
            ends_at=ends_at, url=f"{base_url.rstrip('/')}/m/{meeting.id}",
            description="\n".join(f"{n}. {t}" for n, t in enumerate(agenda, start=1)),
            organizer=Person(sender, body.name), attendee=Person(row.email, user.full_name),
            attendee_role=found[0].role if found else "member", reply=row.reply,
            stamp=utcnow())
        message = compose(Letter(
            kind=row.letter or INVITATION, body_name=body.name, sender=sender,
            recipient=row.email, recipient_name=user.full_name, agenda=agenda,
            cancel_reason=meeting.cancel_reason, entry=entry))
        out.append(Outgoing(row.id, row.sequence, row.email, message))
    return out


def record_outcomes(session: Session, outcomes: list[Outcome]) -> list[Event]:
    """What the mail server said, per letter. A letter that was queued again while it was
    being sent (the time changed meanwhile) stays queued: the newer version still goes."""
    now = utcnow()
    by_meeting: dict[int, dict[str, list[int]]] = {}
    for o in outcomes:
        row = session.get(Invitation, o.invitation_id)
        if row is None or row.delivery != SENDING or row.sequence != o.sequence:
            continue
        if o.error is None:
            row.delivery, row.sent_at, row.error = SENT, now, ""
        else:
            row.delivery, row.error = FAILED, o.error[:500]
        row.claimed_at = None
        session.add(row)
        by_meeting.setdefault(row.meeting_id, {"sent": [], "failed": []})[
            "sent" if o.error is None else "failed"].append(row.user_id)
    events = []
    for meeting_id, result in by_meeting.items():
        record.append(session, meeting_id, "invitations.delivered", result, None)
        events.append(_event(meeting_id, "delivered", **result))
    return events
