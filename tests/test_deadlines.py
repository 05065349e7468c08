"""The deadline the law sets for a meeting's documents: 3 working days before a regular
session (Saturdays, Sundays and the deployment's holidays skipped), 1 day before a special
or urgent one; the deadline day itself is on time, the next day late (Vietnam time)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from meetings.clock import VIETNAM
from meetings.deadlines import documents_due, due_for, is_late, parse_holidays
from phonghop.settings import Settings

THURSDAY = date(2026, 12, 17)
MONDAY = date(2026, 12, 14)


def test_regular_session_counts_three_working_days_back() -> None:
    assert documents_due(THURSDAY, "regular") == date(2026, 12, 14)  # Wed, Tue, Mon
    # From a Monday the weekend is skipped: Friday, Thursday, Wednesday.
    assert documents_due(MONDAY, "regular") == date(2026, 12, 9)
    # From a Sunday too (the Sunday itself is the meeting's day, not counted).
    assert documents_due(date(2026, 12, 20), "regular") == date(2026, 12, 16)


def test_holidays_are_not_working_days() -> None:
    # A regular session on Monday 4 May 2026: 30 April and 1 May are holidays.
    holidays = parse_holidays(["2026-04-30", "2026-05-01"])
    assert documents_due(date(2026, 5, 4), "regular") == date(2026, 4, 29)
    assert documents_due(date(2026, 5, 4), "regular", holidays) == date(2026, 4, 27)
    # National Day: 1 and 2 September 2026 off, a session on Monday 7 September.
    national = parse_holidays(["2026-09-01", "2026-09-02"])
    assert documents_due(date(2026, 9, 7), "regular", national) == date(2026, 8, 31)


def test_special_and_urgent_sessions_need_one_day() -> None:
    for kind in ("special", "urgent"):
        assert documents_due(THURSDAY, kind) == date(2026, 12, 16)
        # One calendar day: a Sunday and a holiday count like any other day.
        assert documents_due(MONDAY, kind) == date(2026, 12, 13)
        assert documents_due(date(2026, 9, 3), kind,
                             parse_holidays(["2026-09-02"])) == date(2026, 9, 2)


def test_the_meeting_day_is_its_day_in_vietnam() -> None:
    # 00:30 on Thursday in Hà Nội is still Wednesday in UTC.
    starts = datetime(2026, 12, 17, 0, 30, tzinfo=VIETNAM)
    assert due_for(starts, "regular") == date(2026, 12, 14)


def test_late_from_the_day_after_the_deadline_in_vietnam_time() -> None:
    due = date(2026, 12, 14)
    assert not is_late(datetime(2026, 12, 14, 23, 59, tzinfo=VIETNAM), due)
    assert is_late(datetime(2026, 12, 15, 0, 0, tzinfo=VIETNAM), due)
    # 18:00 UTC on the 14th is 01:00 on the 15th in Vietnam: late.
    assert is_late(datetime.fromisoformat("2026-12-14T18:00:00+00:00"), due)
    assert not is_late(datetime(2030, 1, 1, tzinfo=VIETNAM), None)  # no deadline


def test_the_deployment_sets_its_holidays() -> None:
    settings = Settings.from_env({"PHONGHOP_HOLIDAYS": "2026-04-30, 2026-05-01"})
    assert settings.public_holidays == {date(2026, 4, 30), date(2026, 5, 1)}
    assert Settings.from_env({}).public_holidays == frozenset()
    with pytest.raises(ValueError, match="30/04/2026"):
        _ = Settings.from_env({"PHONGHOP_HOLIDAYS": "30/04/2026"}).public_holidays
