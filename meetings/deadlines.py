"""The deadline the law sets for a meeting's agenda and documents, and the working days it
is counted in.

Luật Tổ chức chính quyền địa phương (Điều 114.4, VIETNAMESE.md): the agenda and documents of
a regular session (thường kỳ) reach the members at least 3 working days before it; of a
special (chuyên đề) or urgent (đột xuất) session, at least 1 day before. Working days skip
Saturdays, Sundays and the public holidays the deployment lists (`PHONGHOP_HOLIDAYS`: the
lunar holidays and the days off the Government announces each year cannot be computed).

The deadline is a day: documents that reach the members on it, at any hour, are on time;
from the next day (Vietnam time) they are late.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from meetings import clock
from meetings.models import MeetingKind

# How far ahead each kind of session must have its documents: (count, in working days?).
NOTICE: dict[str, tuple[int, bool]] = {
    MeetingKind.REGULAR.value: (3, True),
    MeetingKind.SPECIAL.value: (1, False),
    MeetingKind.URGENT.value: (1, False),
}

SATURDAY = 5


def parse_holidays(values: Iterable[str]) -> frozenset[date]:
    """ISO dates (2026-09-02); a bad one is refused, so a typo cannot pass unnoticed."""
    days = set()
    for value in values:
        try:
            days.add(date.fromisoformat(value.strip()))
        except ValueError:
            raise ValueError(f"not a date (YYYY-MM-DD): {value!r}") from None
    return frozenset(days)


def is_working_day(day: date, holidays: frozenset[date] = frozenset()) -> bool:
    return day.weekday() < SATURDAY and day not in holidays


def documents_due(meeting_day: date, kind: str,
                  holidays: frozenset[date] = frozenset()) -> date:
    """The last day the agenda and documents of a session on `meeting_day` may reach the
    members: 3 working days before a regular session, 1 day before a special or urgent one."""
    count, working = NOTICE[kind]
    day = meeting_day
    for _ in range(count):
        day -= timedelta(days=1)
        while working and not is_working_day(day, holidays):
            day -= timedelta(days=1)
    return day


def due_for(starts_at: datetime, kind: str, holidays: frozenset[date] = frozenset()) -> date:
    return documents_due(clock.in_vietnam(starts_at).date(), kind, holidays)


def is_late(moment: datetime, due: date | None) -> bool:
    """Whether something that reached the members at `moment` missed the deadline (no
    deadline: never late)."""
    return due is not None and clock.in_vietnam(moment).date() > due
