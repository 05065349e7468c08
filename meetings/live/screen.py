"""The room screen's own state: how long a closed vote's result stays up on the projector
(a setting of the meeting, chosen by the secretary or the chair), and which result is up now.

The state lives here, not in the screen's browser, so that a reloaded or reconnected screen
shows what the room saw before (it comes with the snapshot). A result goes up when its vote
closes and comes down when its time has passed, when the staff dismiss it, when a page or an
item is presented, or when another vote opens. The time is not counted by the server: the
view carries `shown_at`, `seconds` and the server's clock, and the screen counts down on its
own, as it does for the speaker's timer, so there is no timer task and no event at expiry.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from meetings import record
from meetings.access import Action, authorize
from meetings.accounts import Actor
from meetings.errors import invalid
from meetings.events import Event
from meetings.models import Meeting, MeetingStatus, RoomScreen, Vote, utcnow
from meetings.views import iso

DEFAULT_SECONDS = 30
MIN_SECONDS = 5
MAX_SECONDS = 3600


def _row(session: Session, meeting_id: int, *, lock: bool = False) -> RoomScreen:
    """The meeting's row, or a new one with the default time. `lock`: before changing it, so
    that two writers on PostgreSQL (a vote closing, a setting saved) cannot both insert it."""
    if lock:
        session.exec(select(Meeting.id).where(Meeting.id == meeting_id).with_for_update()).first()
    row = session.get(RoomScreen, meeting_id)
    return row if row is not None else RoomScreen(meeting_id=meeting_id,
                                                  result_seconds=DEFAULT_SECONDS)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def result_until(row: RoomScreen) -> datetime | None:
    """When the result up now comes down by itself; None: when someone dismisses it."""
    if row.result_shown_at is None or row.result_seconds is None:
        return None
    return _aware(row.result_shown_at) + timedelta(seconds=row.result_seconds)


def _result_up(row: RoomScreen, meeting: Meeting, now: datetime) -> bool:
    if row.result_vote_id is None or row.result_shown_at is None:
        return False
    if meeting.status != MeetingStatus.RUNNING.value:
        return False  # an ended meeting's screen shows nothing of it
    until = result_until(row)
    return until is None or now < until


def screen_view(session: Session, meeting: Meeting) -> dict[str, Any]:
    """The screen's state as every client holds it: the chosen time, and the result up now
    (`until` null: until dismissed)."""
    row = _row(session, meeting.id or 0)
    now = utcnow()
    result = None
    if _result_up(row, meeting, now):
        result = {"vote_id": row.result_vote_id, "shown_at": iso(row.result_shown_at),
                  "until": iso(result_until(row))}
    return {"result_seconds": row.result_seconds, "result": result, "server_time": iso(now)}


def _changed(session: Session, meeting: Meeting) -> Event:
    return Event(meeting.id or 0, "screen.changed", screen_view(session, meeting))


def show_result(session: Session, meeting: Meeting, vote: Vote) -> Event:
    """A vote has closed: its result goes up, for the meeting's chosen time."""
    row = _row(session, meeting.id or 0, lock=True)
    row.result_vote_id = vote.id
    row.result_shown_at = vote.closed_at or utcnow()
    session.add(row)
    session.flush()
    return _changed(session, meeting)


def take_down_result(session: Session, meeting: Meeting) -> list[Event]:
    """Something else takes the screen (a page presented, a new vote): the result comes down.
    Nothing to say when none is up."""
    row = session.get(RoomScreen, meeting.id)
    if row is None or row.result_vote_id is None:
        return []
    up = _result_up(row, meeting, utcnow())
    row.result_vote_id = None
    row.result_shown_at = None
    session.add(row)
    session.flush()
    # One that had already timed out is gone from every screen: no need to tell them.
    return [_changed(session, meeting)] if up else []


def set_result_seconds(
    session: Session, actor: Actor, meeting_id: int, seconds: int | None
) -> list[Event]:
    """The secretary or the chair chooses how long a result stays up (None: until dismissed).
    A result up now keeps the time it went up at and follows the new choice."""
    meeting, _ = authorize(session, actor, meeting_id, Action.RUN)
    if seconds is not None and not MIN_SECONDS <= seconds <= MAX_SECONDS:
        raise invalid(
            "bad_seconds",
            f"Thời gian hiển thị kết quả phải từ {MIN_SECONDS} giây đến "
            f"{MAX_SECONDS // 60} phút, hoặc để đến khi có lệnh ẩn.",
            f"The result must stay up between {MIN_SECONDS} seconds and "
            f"{MAX_SECONDS // 60} minutes, or until dismissed.",
            field="result_seconds",
        )
    row = _row(session, meeting_id, lock=True)
    row.result_seconds = seconds
    session.add(row)
    session.flush()
    return [_changed(session, meeting)]


def dismiss_result(session: Session, actor: Actor, meeting_id: int) -> list[Event]:
    """The secretary or the chair takes the result down: the page or the speaker returns.
    Recorded, so the record says how long the room saw each result. Dismissing when nothing
    is up (the time ran out, another click got there first, the meeting ended) changes
    nothing."""
    meeting, _ = authorize(session, actor, meeting_id, Action.RUN)
    row = session.get(RoomScreen, meeting_id)
    if row is None or not _result_up(row, meeting, utcnow()):
        return []
    vote_id = row.result_vote_id
    events = take_down_result(session, meeting)
    record.append(session, meeting_id, "screen.result_dismissed", {"vote_id": vote_id},
                  actor.user_id)
    return events


def screen_for(session: Session, actor: Actor, meeting_id: int) -> dict[str, Any]:
    meeting, _ = authorize(session, actor, meeting_id, Action.VIEW)
    return screen_view(session, meeting)
