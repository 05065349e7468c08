"""What the domain says happened, for the web layer to publish.

Domain services return `Event` values; they never publish. The audience names who may see an
event: everyone in the meeting, its staff (secretary and chair), or one person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MEETING = "meeting"
STAFF = "staff"


@dataclass(frozen=True)
class Event:
    meeting_id: int
    type: str
    data: dict[str, Any] = field(default_factory=dict)
    audience: str = MEETING
    user_id: int | None = None

    @staticmethod
    def for_user(meeting_id: int, user_id: int, type: str, data: dict[str, Any]) -> Event:
        return Event(meeting_id, type, data, audience="user", user_id=user_id)


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
    "minutes.sealed",
    "speakers.changed",
    "speaker.started",
    "speaker.ended",
    "speakers.mine",
    "document.progress",
    "document.version",
    "documents.policy",
)
