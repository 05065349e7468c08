"""Time as the meeting room reads it: Vietnam time (UTC+07:00, no daylight saving), and the
forms people read it in.

Vietnamese is the form of the legal record ("14 giờ 05 phút, ngày 30/11/2026"); English is for
an English screen ("14:05, 30/11/2026"). A signature's appearance and every machine-readable
record keep ISO 8601 with the zone ("2026-11-30T14:05:00+07:00"), as Nghị định 30 (Phụ lục I)
prescribes for signing times.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

VIETNAM = timezone(timedelta(hours=7), "+07:00")
# Its name in the IANA database, for calendar files (TZID) that other software reads.
VIETNAM_TZID = "Asia/Ho_Chi_Minh"


def now_utc() -> datetime:
    return datetime.now(UTC)


def in_vietnam(moment: datetime) -> datetime:
    if moment.tzinfo is None:  # SQLite gives naive datetimes back; they were stored in UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(VIETNAM)


def today_in_vietnam() -> date:
    return datetime.now(VIETNAM).date()


def date_text(day: date | datetime) -> str:
    """30/11/2026 (the same in both languages)."""
    if isinstance(day, datetime):
        day = in_vietnam(day).date()
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def time_text(moment: datetime, lang: str = "vi") -> str:
    """"14 giờ 05 phút" in Vietnamese, "14:05" in English."""
    local = in_vietnam(moment)
    if lang == "en":
        return f"{local:%H:%M}"
    return f"{local:%H} giờ {local:%M} phút"


def moment_text(moment: datetime, lang: str = "vi") -> str:
    """"14 giờ 05 phút, ngày 30/11/2026"; in English "14:05, 30/11/2026"."""
    if lang == "en":
        return f"{time_text(moment, 'en')}, {date_text(moment)}"
    return f"{time_text(moment)}, ngày {date_text(moment)}"


def short_text(moment: datetime) -> str:
    """"14:05 30/11/2026": for stamps where space is short (a watermark line)."""
    local = in_vietnam(moment)
    return f"{local:%H:%M} {date_text(local)}"


def iso_vietnam(moment: datetime) -> str:
    """ISO 8601 with the Vietnam zone, to the second: 2026-11-30T14:05:00+07:00."""
    return in_vietnam(moment).isoformat(timespec="seconds")


def date_line(place: str, day: date) -> str:
    """The place-and-date line of an administrative document (Nghị định 30): a leading zero
    for days under 10 and for January and February: "Tường Tiến, ngày 05 tháng 02 năm 2026"."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def year_start(year: int) -> datetime:
    """The first moment of a year in Vietnam, in UTC (minutes are numbered per year)."""
    return datetime(year, 1, 1, tzinfo=VIETNAM).astimezone(UTC)
