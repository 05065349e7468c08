"""What the domain says happened, for the web layer to publish.

Domain services return `Event` values; they never publish. The audience names who may see an
event: everyone in the meeting, its staff (secretary and chair), one person in the meeting,
or one person's inbox (what reaches them outside the meeting: their meetings list).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MEETING = "meeting"
STAFF = "staff"
USER = "user"  # one person in one meeting
INBOX = "inbox"  # one person, whatever page they have open (their meetings list)


@dataclass(frozen=True)
class Event:
    meeting_id: int
    type: str
    data: dict[str, Any] = field(default_factory=dict)
    audience: str = MEETING
    user_id: int | None = None

    @staticmethod
    def for_user(meeting_id: int, user_id: int, type: str, data: dict[str, Any]) -> Event:
        return Event(meeting_id, type, data, audience=USER, user_id=user_id)

    @staticmethod
    def to_inbox(meeting_id: int, user_id: int, type: str, data: dict[str, Any]) -> Event:
        return Event(meeting_id, type, data, audience=INBOX, user_id=user_id)


# Every event type the domain emits; docs/api.md must describe each (a test checks).
EVENT_TYPES = (
    "meeting.status",
    "agenda.changed",
    "presentation",
    "attendance",
    "vote.opened",
    "vote.progress",
    "vote.tally",
    "vote.closed",
    "ballot.accepted",
    "note.saved",
    "note.deleted",
    "annotation.saved",
    "annotation.deleted",
    # The presenter's marks (phonghop.presenter): published by the web layer as they come.
    "pointer",
    "presenter.ink",
    "presenter.clear",
    "minutes.sealed",
    "speakers.changed",
    "speaker.started",
    "speaker.ended",
    "speakers.mine",
    "document.progress",
    "upload.status",
    "document.version",
    "documents.policy",
    "screen.changed",
    "invitations.changed",
    "agenda.amended",
    "documents.published",
)
