"""The speakers' list: requests to speak, the queue, the floor, the speaker's timer and the
time each person spoke.

Members and the chair request the floor and withdraw from their tablets; guests do not ask,
they are invited: the secretary or the chair puts them on the list. The staff (secretary,
chair) reorder the queue, give the floor and end the turn. A point of order always comes
before ordinary requests; within each kind the staff's order holds.

The timer is a start time and a limit, sent once when the floor is given: tablets and the
room screen count down on their own clocks, so there is no event per second. The time spoken
is measured on the server, stored with the turn and written into the meeting record.

What each speaker said (the statement) is the secretary's summary of a turn that has started,
typed during the meeting or after it until the minutes are signed; the minutes print it under
the turn's item ("Ý kiến phát biểu"). Only the staff hear of the turns and their statements
live: the room needs the queue, not the secretary's drafts.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case
from sqlmodel import Session, col, func, select

from meetings import record
from meetings.access import Action, authorize, ensure_not_sealed
from meetings.accounts import Actor
from meetings.errors import DomainError, conflict, forbidden, invalid, not_found
from meetings.events import STAFF, Event
from meetings.models import (
    Meeting,
    MeetingStatus,
    Participant,
    Role,
    SpeakerKind,
    SpeakerRequest,
    SpeakerSettings,
    SpeakerStatus,
    User,
    utcnow,
)
from meetings.roster import STAFF_ROLES, is_staff
from meetings.views import iso

DEFAULT_SECONDS = 180
MIN_SECONDS = 10
MAX_SECONDS = 3 * 3600
# Who may ask for the floor themself. Guests are invited by the staff instead.
REQUESTER_ROLES = (Role.CHAIR.value, Role.MEMBER.value)
# How much of the queue each change carries to every tablet; GET .../speakers has it all.
QUEUE_SHOWN = 20
_KIND_RANK = {SpeakerKind.POINT_OF_ORDER.value: 0, SpeakerKind.SPEECH.value: 1}
# A turn that has started: the only kind the minutes report, with or without a statement.
_STARTED = (SpeakerStatus.SPEAKING.value, SpeakerStatus.DONE.value)
# A summary, not a transcript: about a page of the minutes.
STATEMENT_LIMIT = 4000


def _lock_meeting(session: Session, meeting_id: int) -> None:
    # One writer at a time per meeting's list (PostgreSQL); SQLite has one writer anyway.
    session.exec(select(Meeting.id).where(Meeting.id == meeting_id).with_for_update()).first()


def _must_be_running(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.RUNNING.value:
        raise conflict(
            "meeting_not_running",
            "Cuộc họp không đang diễn ra; danh sách phát biểu chỉ dùng trong khi họp.",
            "The meeting is not in progress; the speakers' list works only during the meeting.",
        )


def _check_seconds(value: int | None, field: str) -> int | None:
    if value is None:
        return None
    if not MIN_SECONDS <= value <= MAX_SECONDS:
        raise invalid(
            "bad_seconds",
            f"Thời gian phát biểu phải từ {MIN_SECONDS} giây đến {MAX_SECONDS // 3600} giờ.",
            f"The speaking time must be between {MIN_SECONDS} seconds "
            f"and {MAX_SECONDS // 3600} hours.",
            field=field,
        )
    return value


def default_seconds(session: Session, meeting_id: int) -> int:
    row = session.get(SpeakerSettings, meeting_id)
    return row.default_seconds if row is not None else DEFAULT_SECONDS


def _get_request(session: Session, request_id: int) -> SpeakerRequest:
    row = session.get(SpeakerRequest, request_id)
    if row is None:
        raise not_found("lượt đăng ký phát biểu", "Request to speak")
    return row


def _waiting_query(meeting_id: int) -> Any:
    rank = case((col(SpeakerRequest.kind) == SpeakerKind.POINT_OF_ORDER.value, 0), else_=1)
    return (
        select(SpeakerRequest)
        .where(SpeakerRequest.meeting_id == meeting_id,
               SpeakerRequest.status == SpeakerStatus.WAITING.value)
        .order_by(rank, col(SpeakerRequest.position), col(SpeakerRequest.id))
    )


def _waiting(session: Session, meeting_id: int, limit: int | None = None) -> list[SpeakerRequest]:
    """The queue in order: points of order first, then the staff's order."""
    query = _waiting_query(meeting_id)
    if limit is not None:
        query = query.limit(limit)
    return list(session.exec(query).all())


def _waiting_count(session: Session, meeting_id: int) -> int:
    return int(session.exec(
        select(func.count()).where(
            SpeakerRequest.meeting_id == meeting_id,
            SpeakerRequest.status == SpeakerStatus.WAITING.value,
        )
    ).one())


def _speaking(session: Session, meeting_id: int) -> SpeakerRequest | None:
    return session.exec(
        select(SpeakerRequest).where(
            SpeakerRequest.meeting_id == meeting_id,
            SpeakerRequest.status == SpeakerStatus.SPEAKING.value,
        )
    ).first()


def _names(session: Session, user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    rows = session.exec(select(User.id, User.full_name).where(col(User.id).in_(user_ids))).all()
    return {uid: name for uid, name in rows if uid is not None}


def _request_view(row: SpeakerRequest, name: str, default: int) -> dict[str, Any]:
    return {
        "id": row.id,
        "user_id": row.user_id,
        "full_name": name,
        "kind": row.kind,
        "status": row.status,
        "item_id": row.item_id,
        "limit_seconds": row.limit_seconds or default,
        "requested_at": iso(row.requested_at),
        "started_at": iso(row.started_at),
        "ended_at": iso(row.ended_at),
        "spoken_seconds": row.spoken_seconds,
    }


def speakers_view(session: Session, meeting_id: int, *, whole: bool = False) -> dict[str, Any]:
    """The head of the queue in order (`waiting` says how many wait in all), who has the
    floor (with the timer's start and limit), and the meeting's default speaking time. The
    same for everyone in the meeting. Only the head travels with each change: a congress's
    queue of hundreds, sent whole to every tablet on every request, would grow as N²."""
    limit = None if whole else QUEUE_SHOWN
    waiting = _waiting(session, meeting_id, limit)
    current = _speaking(session, meeting_id)
    rows = waiting + ([current] if current else [])
    names = _names(session, {r.user_id for r in rows})
    default = default_seconds(session, meeting_id)
    return {
        "default_seconds": default,
        "waiting": len(waiting) if limit is None else _waiting_count(session, meeting_id),
        "queue": [_request_view(r, names.get(r.user_id, ""), default) for r in waiting],
        "current": _request_view(current, names.get(current.user_id, ""), default)
        if current else None,
        "server_time": iso(utcnow()),
    }


def my_waiting(session: Session, meeting_id: int, user_id: int) -> list[dict[str, Any]]:
    rows = session.exec(
        select(SpeakerRequest).where(
            SpeakerRequest.meeting_id == meeting_id,
            SpeakerRequest.user_id == user_id,
            SpeakerRequest.status == SpeakerStatus.WAITING.value,
        ).order_by(col(SpeakerRequest.id))
    ).all()
    return [{"id": r.id, "kind": r.kind} for r in rows]


def speakers_for(session: Session, meeting_id: int, user_id: int, *, staff: bool = False
                 ) -> dict[str, Any]:
    """The list as one person's tablet loads it: the shared view and their own requests; the
    staff's also has the current item's turns with their statements."""
    out = speakers_view(session, meeting_id) | {"mine": my_waiting(session, meeting_id, user_id)}
    return out | staff_turns(session, meeting_id) if staff else out


def _mine(session: Session, meeting_id: int, user_id: int) -> Event:
    # Only the head of the queue travels to everyone; each person hears of their own requests.
    return Event.for_user(meeting_id, user_id, "speakers.mine",
                          {"mine": my_waiting(session, meeting_id, user_id)})


def _changed(session: Session, meeting_id: int) -> Event:
    return Event(meeting_id, "speakers.changed", speakers_view(session, meeting_id))


def _turn_view(row: SpeakerRequest, name: str) -> dict[str, Any]:
    return {
        "id": row.id,
        "user_id": row.user_id,
        "full_name": name,
        "kind": row.kind,
        "status": row.status,
        "item_id": row.item_id,
        "started_at": iso(row.started_at),
        "ended_at": iso(row.ended_at),
        "spoken_seconds": row.spoken_seconds,
        "statement": row.statement,
    }


def _started_turns(session: Session, meeting_id: int, item_id: int | None = None,
                   ) -> list[tuple[SpeakerRequest, str]]:
    """The turns taken on the meeting's items (on one item, when given), in the order they
    started, with the speaker's name. A turn asked for before any item was current belongs to
    no item and has no place in the minutes."""
    query = (
        select(SpeakerRequest, User.full_name)
        .join(User, col(User.id) == col(SpeakerRequest.user_id))
        .where(SpeakerRequest.meeting_id == meeting_id,
               col(SpeakerRequest.status).in_(_STARTED),
               col(SpeakerRequest.item_id).is_not(None))
        .order_by(col(SpeakerRequest.started_at), col(SpeakerRequest.id))
    )
    if item_id is not None:
        query = query.where(SpeakerRequest.item_id == item_id)
    return [(row, name) for row, name in session.exec(query).all()]


def turns_by_item(session: Session, meeting_id: int) -> dict[int, list[dict[str, Any]]]:
    """Every started turn of the meeting with its statement, per agenda item: what the minutes
    draft page edits."""
    out: dict[int, list[dict[str, Any]]] = {}
    for row, name in _started_turns(session, meeting_id):
        out.setdefault(row.item_id or 0, []).append(_turn_view(row, name))
    return out


def staff_turns(session: Session, meeting_id: int) -> dict[str, Any]:
    """The staff's part of the list: the turns taken on the item now current, with what the
    secretary recorded of each (the console's statement boxes)."""
    meeting = session.get(Meeting, meeting_id)
    item_id = meeting.current_item_id if meeting is not None else None
    turns = [] if item_id is None else [
        _turn_view(row, name) for row, name in _started_turns(session, meeting_id, item_id)]
    return {"turns_item_id": item_id, "turns": turns}


def _turns_changed(session: Session, meeting_id: int) -> Event:
    # The staff's copy of `speakers.changed`: the list as everyone's, plus the turns. Clients
    # take only the turns from it: the two channels are not ordered with each other, and an
    # older queue from one must not replace a newer one from the other.
    return Event(meeting_id, "speakers.changed",
                 speakers_view(session, meeting_id) | staff_turns(session, meeting_id),
                 audience=STAFF)


def request_to_speak(
    session: Session,
    actor: Actor,
    meeting_id: int,
    *,
    kind: str = SpeakerKind.SPEECH.value,
    user_id: int | None = None,
    key: str | None = None,
) -> tuple[SpeakerRequest, list[Event]]:
    """Put someone on the list. A member or the chair asks for themself; the staff may put
    anyone in the meeting on it, guests included (a guest speaks when invited).

    `key` is the asker's idempotency key: a request with a key this person already used in this
    meeting is answered with the request it made then (as it is now: perhaps done already) and
    changes nothing, so a tablet's outbox may send it again until it hears back. A request that
    arrives late goes on the list under the item current when it arrives."""
    if key is not None and not (1 <= len(key) <= 64 and key.isascii() and key.isprintable()):
        raise invalid(
            "bad_key",
            "Khóa của lượt đăng ký phải là chuỗi ký tự ASCII, từ 1 đến 64 ký tự.",
            "The request's key must be 1 to 64 printable ASCII characters.",
            field="key",
        )
    if kind not in _KIND_RANK:
        raise invalid(
            "bad_kind",
            "Loại đăng ký phải là phát biểu hoặc kiến nghị về thủ tục.",
            "The kind must be a speech or a point of order.",
        )
    target = actor.user_id if user_id is None else user_id
    meeting, role = authorize(session, actor, meeting_id, Action.VIEW)
    if target != actor.user_id:
        if role not in STAFF_ROLES:
            raise forbidden(
                "forbidden",
                "Chỉ thư ký hoặc chủ tọa được đăng ký phát biểu cho người khác.",
                "Only the secretary or the chair may put someone else on the list.",
            )
        target_role = session.exec(
            select(Participant.role).where(
                Participant.meeting_id == meeting_id, Participant.user_id == target
            )
        ).first()
        if target_role is None:
            raise invalid(
                "not_participant",
                "Người này không có tên trong danh sách tham dự cuộc họp.",
                "This person is not on the meeting's list of participants.",
            )
    elif role not in REQUESTER_ROLES:
        raise forbidden(
            "cannot_request_floor",
            "Khách mời và thư ký không tự đăng ký phát biểu; chủ tọa hoặc thư ký sẽ mời khi cần.",
            "Guests and the secretary do not ask for the floor themselves; the chair or the "
            "secretary puts them on the list when invited.",
        )
    _lock_meeting(session, meeting_id)
    if key is not None:
        sent = session.exec(
            select(SpeakerRequest).where(
                SpeakerRequest.meeting_id == meeting_id,
                SpeakerRequest.added_by == actor.user_id,
                SpeakerRequest.request_key == key,
            )
        ).first()
        if sent is not None:
            return sent, []
    _must_be_running(meeting)
    already = session.exec(
        select(SpeakerRequest).where(
            SpeakerRequest.meeting_id == meeting_id,
            SpeakerRequest.user_id == target,
            SpeakerRequest.kind == kind,
            SpeakerRequest.status == SpeakerStatus.WAITING.value,
        )
    ).first()
    if already is not None:
        raise conflict(
            "already_waiting",
            "Đã có tên trong danh sách chờ phát biểu. Vui lòng chờ đến lượt hoặc rút đăng ký.",
            "Already waiting on the speakers' list. Wait for the turn or withdraw.",
        )
    last = session.exec(
        select(func.max(SpeakerRequest.position)).where(
            SpeakerRequest.meeting_id == meeting_id,
            SpeakerRequest.status == SpeakerStatus.WAITING.value,
        )
    ).one() or 0
    row = SpeakerRequest(
        meeting_id=meeting_id,
        user_id=target,
        item_id=meeting.current_item_id,
        kind=kind,
        position=last + 1,
        requested_at=utcnow(),
        added_by=actor.user_id,
        request_key=key,
    )
    session.add(row)
    session.flush()
    record.append(session, meeting_id, "speaker.requested",
                  {"request_id": row.id, "user_id": target, "kind": kind}, actor.user_id)
    return row, [_changed(session, meeting_id), _mine(session, meeting_id, target)]


def _own_or_staff(session: Session, actor: Actor, request_id: int, status: SpeakerStatus,
                  not_allowed: DomainError, wrong_status: DomainError) -> SpeakerRequest:
    """A request its owner or the staff act on, in a running meeting, locked, in `status`."""
    row = _get_request(session, request_id)
    meeting, role = authorize(session, actor, row.meeting_id, Action.VIEW)
    if row.user_id != actor.user_id and role not in STAFF_ROLES:
        raise not_allowed
    _must_be_running(meeting)
    _lock_meeting(session, row.meeting_id)
    session.refresh(row)
    if row.status != status.value:
        raise wrong_status
    return row


def withdraw(session: Session, actor: Actor, request_id: int) -> list[Event]:
    """Take a waiting request off the list: its owner, or the staff."""
    row = _own_or_staff(
        session, actor, request_id, SpeakerStatus.WAITING,
        forbidden("forbidden",
                  "Chỉ người đăng ký, thư ký hoặc chủ tọa được rút đăng ký phát biểu này.",
                  "Only the person who asked, the secretary or the chair may withdraw this "
                  "request."),
        conflict("not_waiting",
                 "Lượt đăng ký này không còn trong danh sách chờ (đã phát biểu hoặc đã rút).",
                 "This request is no longer waiting (already spoken or withdrawn)."),
    )
    row.status = SpeakerStatus.WITHDRAWN.value
    row.ended_at = utcnow()
    session.add(row)
    record.append(session, row.meeting_id, "speaker.withdrawn",
                  {"request_id": row.id, "user_id": row.user_id}, actor.user_id)
    return [_changed(session, row.meeting_id), _mine(session, row.meeting_id, row.user_id)]


def _run(session: Session, actor: Actor, meeting_id: int) -> Meeting:
    meeting, _ = authorize(session, actor, meeting_id, Action.RUN)
    _must_be_running(meeting)
    _lock_meeting(session, meeting_id)
    return meeting


def reorder(session: Session, actor: Actor, meeting_id: int, order: list[int]) -> list[Event]:
    """Set the queue's order: `order` lists every waiting request's id, first speaker first.
    Points of order still come before ordinary requests."""
    _run(session, actor, meeting_id)
    waiting = {r.id or 0: r for r in _waiting(session, meeting_id)}
    if set(order) != set(waiting) or len(set(order)) != len(order):
        raise conflict(
            "queue_changed",
            "Danh sách chờ đã thay đổi trong lúc sắp xếp. Vui lòng tải lại và sắp xếp lại.",
            "The queue changed while you were reordering it. Reload and reorder.",
        )
    for position, request_id in enumerate(order, start=1):
        row = waiting[request_id]
        row.position = position
        session.add(row)
    record.append(session, meeting_id, "speakers.reordered", {"order": order}, actor.user_id)
    return [_changed(session, meeting_id)]


def _seconds_between(start: datetime, end: datetime) -> int:
    return max(0, round((end - start).total_seconds()))


def _end_turn(session: Session, actor: Actor, row: SpeakerRequest) -> Event:
    assert row.started_at is not None
    now = utcnow()
    row.status = SpeakerStatus.DONE.value
    row.ended_at = now
    row.spoken_seconds = _seconds_between(row.started_at, now)
    session.add(row)
    record.append(session, row.meeting_id, "speaker.ended",
                  {"request_id": row.id, "user_id": row.user_id,
                   "seconds": row.spoken_seconds}, actor.user_id)
    return Event(row.meeting_id, "speaker.ended",
                 {"id": row.id, "user_id": row.user_id, "spoken_seconds": row.spoken_seconds,
                  "ended_at": iso(row.ended_at)})


def close_the_floor(session: Session, actor: Actor, meeting_id: int) -> list[Event]:
    """The meeting ends: whoever still has the floor ends their turn (recorded, with the time
    spoken), so no screen or tablet shows a speaker of a meeting that is over."""
    row = _speaking(session, meeting_id)
    if row is None:
        return []
    return [_end_turn(session, actor, row), _changed(session, meeting_id),
            _turns_changed(session, meeting_id)]


def give_floor(
    session: Session, actor: Actor, request_id: int, *, limit_seconds: int | None = None
) -> tuple[SpeakerRequest, list[Event]]:
    """Give the floor to a waiting request. Whoever is speaking now ends their turn first."""
    row = _get_request(session, request_id)
    _run(session, actor, row.meeting_id)
    session.refresh(row)
    if row.status != SpeakerStatus.WAITING.value:
        raise conflict(
            "not_waiting",
            "Lượt đăng ký này không còn trong danh sách chờ (đã phát biểu hoặc đã rút).",
            "This request is no longer waiting (already spoken or withdrawn).",
        )
    if limit_seconds is not None:
        row.limit_seconds = _check_seconds(limit_seconds, "limit_seconds")
    events: list[Event] = []
    current = _speaking(session, row.meeting_id)
    if current is not None:
        events.append(_end_turn(session, actor, current))
    row.status = SpeakerStatus.SPEAKING.value
    row.started_at = utcnow()
    session.add(row)
    limit = row.limit_seconds or default_seconds(session, row.meeting_id)
    record.append(session, row.meeting_id, "speaker.started",
                  {"request_id": row.id, "user_id": row.user_id, "limit_seconds": limit},
                  actor.user_id)
    name = _names(session, {row.user_id}).get(row.user_id, "")
    events.append(Event(row.meeting_id, "speaker.started",
                        _request_view(row, name, limit) | {"server_time": iso(utcnow())}))
    events.append(_changed(session, row.meeting_id))
    events.append(_mine(session, row.meeting_id, row.user_id))
    events.append(_turns_changed(session, row.meeting_id))
    return row, events


def end_turn(session: Session, actor: Actor, request_id: int) -> tuple[SpeakerRequest, list[Event]]:
    """End the current turn: the staff, or the speaker themself."""
    row = _own_or_staff(
        session, actor, request_id, SpeakerStatus.SPEAKING,
        forbidden("forbidden",
                  "Chỉ thư ký, chủ tọa hoặc chính người đang phát biểu được kết thúc lượt "
                  "phát biểu.",
                  "Only the secretary, the chair or the speaker may end the turn."),
        conflict("not_speaking", "Người này không đang phát biểu.",
                 "This person does not have the floor."),
    )
    ended = _end_turn(session, actor, row)
    return row, [ended, _changed(session, row.meeting_id),
                 _turns_changed(session, row.meeting_id)]


def _clean_statement(text: str) -> str:
    """Typed text as the minutes will hold it: precomposed letters, line breaks kept, control
    characters dropped, no blank edges."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(" " if c == "\t" else c for c in text
                   if c in "\n\t" or unicodedata.category(c) != "Cc")
    text = "\n".join(line.strip() for line in text.strip().split("\n"))
    if len(text) > STATEMENT_LIMIT:
        raise invalid(
            "statement_too_long",
            f"Tóm tắt ý kiến phát biểu dài {len(text)} ký tự, quá giới hạn {STATEMENT_LIMIT} "
            "ký tự. Vui lòng rút gọn.",
            f"The summary of what was said is {len(text)} characters long, more than the "
            f"{STATEMENT_LIMIT} allowed. Please shorten it.",
            field="statement",
        )
    return text


def set_statement(
    session: Session, actor: Actor, request_id: int, text: str
) -> tuple[SpeakerRequest, list[Event]]:
    """Record what a speaker said on a turn that has started, in the secretary's words, for the
    minutes; empty text clears it. While the meeting runs or after it, until the minutes are
    signed. The text is kept as typed, in the body's language: never translated."""
    row = _get_request(session, request_id)
    meeting, _ = authorize(session, actor, row.meeting_id, Action.MINUTES)
    statement = _clean_statement(text)
    _lock_meeting(session, row.meeting_id)
    session.refresh(meeting)
    session.refresh(row)
    # Checked under the lock: the minutes may have been signed meanwhile.
    ensure_not_sealed(meeting)
    if row.status not in _STARTED:
        raise conflict(
            "turn_not_started",
            "Lượt này chưa được phát biểu (đang chờ hoặc đã rút đăng ký); chỉ ghi ý kiến của "
            "lượt đang hoặc đã phát biểu.",
            "This turn has not been taken (it is waiting or was withdrawn); only a turn that "
            "is under way or over has a statement to record.",
        )
    if row.item_id is None:
        raise conflict(
            "turn_without_item",
            "Lượt phát biểu này không thuộc nội dung nào của chương trình họp, nên biên bản "
            "không có chỗ ghi ý kiến này.",
            "This turn belongs to no agenda item, so the minutes have no place for its "
            "statement.",
        )
    if statement == row.statement:
        return row, []
    row.statement = statement
    session.add(row)
    record.append(session, row.meeting_id, "speaker.statement",
                  {"request_id": row.id, "user_id": row.user_id, "item_id": row.item_id,
                   "statement": statement}, actor.user_id)
    return row, [_turns_changed(session, row.meeting_id)]


def set_limit(
    session: Session, actor: Actor, request_id: int, limit_seconds: int
) -> tuple[SpeakerRequest, list[Event]]:
    """Override one speaker's time, before or during the turn."""
    row = _get_request(session, request_id)
    _run(session, actor, row.meeting_id)
    session.refresh(row)
    if row.status not in (SpeakerStatus.WAITING.value, SpeakerStatus.SPEAKING.value):
        raise conflict(
            "turn_over",
            "Lượt phát biểu này đã kết thúc; không đổi được thời gian.",
            "This turn is over; its time cannot change.",
        )
    row.limit_seconds = _check_seconds(limit_seconds, "limit_seconds")
    session.add(row)
    record.append(session, row.meeting_id, "speaker.limit",
                  {"request_id": row.id, "limit_seconds": row.limit_seconds}, actor.user_id)
    events = [_changed(session, row.meeting_id)]
    if row.status == SpeakerStatus.SPEAKING.value:
        name = _names(session, {row.user_id}).get(row.user_id, "")
        events.insert(0, Event(row.meeting_id, "speaker.started",
                               _request_view(row, name, row.limit_seconds or 0)
                               | {"server_time": iso(utcnow())}))
    return row, events


def set_default_seconds(
    session: Session, actor: Actor, meeting_id: int, seconds: int
) -> list[Event]:
    """The meeting's default speaking time: the secretary while preparing, or the staff
    while the meeting runs."""
    meeting, role = authorize(session, actor, meeting_id, Action.VIEW)
    allowed = role in STAFF_ROLES and meeting.status in (
        MeetingStatus.DRAFT.value, MeetingStatus.RUNNING.value)
    if not allowed:
        if role not in STAFF_ROLES:
            raise forbidden(
                "forbidden",
                "Chỉ thư ký hoặc chủ tọa được đặt thời gian phát biểu.",
                "Only the secretary or the chair may set the speaking time.",
            )
        raise conflict(
            "meeting_closed",
            "Cuộc họp đã kết thúc; không đổi được thời gian phát biểu.",
            "The meeting has ended; the speaking time can no longer change.",
        )
    checked = _check_seconds(seconds, "default_seconds")
    assert checked is not None
    row = session.get(SpeakerSettings, meeting_id) or SpeakerSettings(meeting_id=meeting_id)
    row.default_seconds = checked
    session.add(row)
    session.flush()
    record.append(session, meeting_id, "speakers.default",
                  {"default_seconds": checked}, actor.user_id)
    return [_changed(session, meeting_id)]


def list_for(session: Session, actor: Actor, meeting_id: int) -> dict[str, Any]:
    _, role = authorize(session, actor, meeting_id, Action.VIEW)
    out = speakers_view(session, meeting_id, whole=True) | {
        "mine": my_waiting(session, meeting_id, actor.user_id),
        "times": speaking_times(session, meeting_id)}
    return out | staff_turns(session, meeting_id) if is_staff(role) else out


@dataclass(frozen=True)
class SpeakingTime:
    user_id: int
    full_name: str
    turns: int
    seconds: int


def speaking_times(session: Session, meeting_id: int) -> list[dict[str, Any]]:
    return [
        {"user_id": t.user_id, "full_name": t.full_name, "turns": t.turns, "seconds": t.seconds}
        for t in speaking_time_totals(session, meeting_id)
    ]


def speaking_time_totals(session: Session, meeting_id: int) -> list[SpeakingTime]:
    """Time spoken per person, in order of first turn. A turn still open when the meeting
    ended counts up to the meeting's end."""
    meeting = session.get(Meeting, meeting_id)
    rows = session.exec(
        select(SpeakerRequest)
        .where(SpeakerRequest.meeting_id == meeting_id, col(SpeakerRequest.started_at).is_not(None))
        .order_by(col(SpeakerRequest.started_at), col(SpeakerRequest.id))
    ).all()
    totals: dict[int, list[int]] = {}
    for row in rows:
        assert row.started_at is not None
        if row.spoken_seconds is not None:
            seconds = row.spoken_seconds
        elif meeting is not None and meeting.ended_at is not None:
            seconds = _seconds_between(row.started_at, meeting.ended_at)
        else:
            seconds = _seconds_between(row.started_at, utcnow())
        entry = totals.setdefault(row.user_id, [0, 0])
        entry[0] += 1
        entry[1] += seconds
    names = _names(session, set(totals))
    return [SpeakingTime(uid, names.get(uid, ""), turns, seconds)
            for uid, (turns, seconds) in totals.items()]


def speakers_by_item(session: Session, meeting_id: int) -> dict[int, list[str]]:
    """Who took the floor on each agenda item (the item current when they asked), each once,
    in the order they first spoke: the minutes' "Ý kiến phát biểu"."""
    out: dict[int, list[str]] = {}
    for row, name in _started_turns(session, meeting_id):
        names = out.setdefault(row.item_id or 0, [])
        if name not in names:
            names.append(name)
    return out


def speeches_by_item(session: Session, meeting_id: int) -> dict[int, list[tuple[str, str]]]:
    """The minutes' "Ý kiến phát biểu" of each item where the secretary recorded what was
    said: one (name, statement) per turn with a statement, in the order the turns started; a
    person none of whose turns on the item has one keeps a line with their name alone (an
    empty statement), where they first spoke. Items without any statement are left out: they
    keep the list of names."""
    turns: dict[int, list[tuple[int, str, str]]] = {}
    for row, name in _started_turns(session, meeting_id):
        turns.setdefault(row.item_id or 0, []).append((row.user_id, name, row.statement))
    out: dict[int, list[tuple[str, str]]] = {}
    for item_id, rows in turns.items():
        said = {user_id for user_id, _, statement in rows if statement}
        if not said:
            continue
        lines: list[tuple[str, str]] = []
        named: set[int] = set()
        for user_id, name, statement in rows:
            if statement:
                lines.append((name, statement))
            elif user_id not in said and user_id not in named:
                lines.append((name, ""))
                named.add(user_id)
        out[item_id] = lines
    return out
