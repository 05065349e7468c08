"""Who is in a meeting and who counts: the one definition of the voter roles, the staff roles,
the attendance states and what "present" means, used by the quorum, the electorate of a vote,
the minutes, the archive and the web app alike.

A participant is present when their recorded attendance says so (present in the room or
remote); checking in records it. Recording someone absent or excused makes them absent, even if
they checked in earlier: the recorded attendance is the one truth, `checked_in_at` only keeps
when they first arrived.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement
from sqlmodel import col

from meetings.models import Participant, Role, utcnow


class Attendance(StrEnum):
    UNKNOWN = ""  # not recorded yet (before the meeting, or not arrived)
    PRESENT = "present"  # in the room
    REMOTE = "remote"  # attending online
    ABSENT = "absent"  # vắng không có lý do (a note may still say what is known)
    EXCUSED = "excused"  # vắng có lý do (the reason given)


# Chair and members vote and make up the quorum; the secretary and guests do not.
VOTER_ROLES: tuple[str, ...] = (Role.CHAIR.value, Role.MEMBER.value)
# Those who run the meeting: they see the staff channel and the live tallies.
STAFF_ROLES: tuple[str, ...] = (Role.SECRETARY.value, Role.CHAIR.value)
RECORDED_STATES: tuple[str, ...] = (Attendance.PRESENT.value, Attendance.REMOTE.value,
                                    Attendance.ABSENT.value, Attendance.EXCUSED.value)
PRESENT_STATES: tuple[str, ...] = (Attendance.PRESENT.value, Attendance.REMOTE.value)
AWAY_STATES: tuple[str, ...] = (Attendance.ABSENT.value, Attendance.EXCUSED.value)


def is_voter(role: str | None) -> bool:
    return role in VOTER_ROLES


def is_staff(role: str | None) -> bool:
    return role in STAFF_ROLES


def is_present(attendance: str) -> bool:
    return attendance in PRESENT_STATES


def is_away(attendance: str) -> bool:
    return attendance in AWAY_STATES


def present_in_sql() -> ColumnElement[bool]:
    """`is_present` as a SQL condition on Participant, for counts done by the database."""
    return col(Participant.attendance).in_(PRESENT_STATES)


def voter_in_sql() -> ColumnElement[bool]:
    return col(Participant.role).in_(VOTER_ROLES)


def record_state(p: Participant, state: str, reason: str = "",
                 now: datetime | None = None) -> None:
    """Write a recorded attendance on the participant's row: a reason only for someone away,
    and the time they first arrived when they are present."""
    p.attendance = state
    p.absence_reason = reason.strip()[:300] if is_away(state) else ""
    if is_present(state) and p.checked_in_at is None:
        p.checked_in_at = now or utcnow()
