"""What a tablet may keep of a meeting's documents on the device (issue 13 §1, §4): whether
it may keep them at all (a meeting with confidential content: never, since each of its page
images carries the viewer's name and the time, and none may outlive the session), and until
when. The tablet enforces the expiry itself, offline too (static/js/offline/)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session

from meetings.clock import now_utc
from meetings.documents.library import policy
from meetings.models import Meeting, MeetingStatus

# How long after the meeting's end a tablet keeps its pages, when the server says nothing else
# (PHONGHOP_OFFLINE_CACHE_HOURS).
DEFAULT_HOURS = 24.0


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def keep_until(meeting: Meeting, hours: float, now: datetime | None = None) -> datetime:
    """The moment the device's copy expires: `hours` after the meeting's end (or its
    cancellation); a meeting not over yet counts from now or its start, whichever is later,
    so that each time the tablet opens it the copy lives on (the server tells it again)."""
    now = now or now_utc()
    if meeting.status == MeetingStatus.SEALED.value:
        return now  # its minutes are signed: the pages go at once
    end = meeting.ended_at or meeting.cancelled_at
    base = _utc(end) if end is not None else max(_utc(meeting.starts_at), now)
    return base + timedelta(hours=hours)


def offline_view(session: Session, meeting: Meeting, hours: float = DEFAULT_HOURS,
                 now: datetime | None = None) -> dict[str, Any]:
    """`{"allowed": bool, "expires_at": iso}`: what the tablet's prefetch follows."""
    confidential = policy(session, meeting.id or 0).confidential
    sealed = meeting.status == MeetingStatus.SEALED.value
    return {
        "allowed": not confidential and not sealed,
        "confidential": confidential,
        "expires_at": keep_until(meeting, hours, now).isoformat(timespec="seconds"),
    }
