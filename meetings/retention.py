"""Retention periods (thời hạn lưu trữ, issue 15 §4): how long each body keeps each kind of
record of its sealed meetings, set by the administrator, and when a sealed meeting's period
ends (`meetings.disposal` disposes of it only then).

A period is "vĩnh viễn" (permanent) or a whole number of years, as the Law on Archives
(33/2024/QH15) and the lists of retention periods (bảng thời hạn lưu trữ) write it. The default
for every kind is permanent: the minutes and documents of a People's Committee's or Council's
sessions are kept permanently, and no record is ever disposed of unless an administrator has
set a number of years for its kind on purpose (docs/archive-retention.md says why).

A meeting's minutes and the documents presented at it form one file (hồ sơ) and are disposed
of together, so a meeting is kept as long as the longer of the two periods that apply to it
(its kind of session's minutes, and the documents); permanent if either is. The period is
counted in whole years from the meeting's date (in Vietnam).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlmodel import Session, select

from meetings import clock
from meetings.accounts import Actor
from meetings.admin import audit
from meetings.admin.users import require_admin
from meetings.errors import invalid, not_found
from meetings.models import Body, Meeting, MeetingKind, RetentionPeriod

MAX_YEARS = 100


class RecordKind(StrEnum):
    MINUTES_REGULAR = "minutes_regular"  # biên bản phiên họp thường kỳ
    MINUTES_SPECIAL = "minutes_special"  # biên bản phiên họp chuyên đề
    MINUTES_URGENT = "minutes_urgent"  # biên bản phiên họp đột xuất
    DOCUMENTS = "documents"  # tài liệu trình tại cuộc họp


LABELS: dict[RecordKind, tuple[str, str]] = {
    RecordKind.MINUTES_REGULAR: ("Biên bản phiên họp thường kỳ", "Minutes of regular sessions"),
    RecordKind.MINUTES_SPECIAL: ("Biên bản phiên họp chuyên đề", "Minutes of thematic sessions"),
    RecordKind.MINUTES_URGENT: ("Biên bản phiên họp đột xuất",
                                "Minutes of extraordinary sessions"),
    RecordKind.DOCUMENTS: ("Tài liệu trình tại cuộc họp", "Documents presented at meetings"),
}

# None: permanent. Every kind is permanent until the administrator says otherwise.
DEFAULTS: dict[RecordKind, int | None] = {kind: None for kind in RecordKind}

_MINUTES_OF: dict[str, RecordKind] = {
    MeetingKind.REGULAR.value: RecordKind.MINUTES_REGULAR,
    MeetingKind.SPECIAL.value: RecordKind.MINUTES_SPECIAL,
    MeetingKind.URGENT.value: RecordKind.MINUTES_URGENT,
}


def period_text(years: int | None, lang: str = "vi") -> str:
    """"Vĩnh viễn" or "10 năm" (the form of the metadata's "thời hạn lưu trữ")."""
    if years is None:
        return "Permanent" if lang == "en" else "Vĩnh viễn"
    return f"{years} {'year' if years == 1 else 'years'}" if lang == "en" else f"{years} năm"


def periods(session: Session, body_id: int) -> dict[RecordKind, int | None]:
    """The body's period for every kind of record (the default where none is set)."""
    rows = session.exec(select(RetentionPeriod).where(RetentionPeriod.body_id == body_id)).all()
    out = dict(DEFAULTS)
    for row in rows:
        if row.record_kind in RecordKind.__members__.values():
            out[RecordKind(row.record_kind)] = row.years
    return out


def periods_view(session: Session, body_id: int) -> list[dict[str, Any]]:
    current = periods(session, body_id)
    return [{"kind": kind.value, "label_vi": LABELS[kind][0], "label_en": LABELS[kind][1],
             "years": years, "permanent": years is None, "default": DEFAULTS[kind] is None,
             "text_vi": period_text(years, "vi"), "text_en": period_text(years, "en")}
            for kind, years in current.items()]


def _years(kind: str, value: Any) -> int | None:
    if value is None or value == "permanent":
        return None
    if (not isinstance(value, int) or isinstance(value, bool)
            or not 1 <= value <= MAX_YEARS):
        raise invalid("bad_retention",
                      f"Thời hạn lưu trữ là \"vĩnh viễn\" (null) hoặc số năm từ 1 đến "
                      f"{MAX_YEARS}.",
                      f"A retention period is permanent (null) or a number of years from 1 "
                      f"to {MAX_YEARS}.", field=f"retention.{kind}")
    return value


def set_periods(session: Session, actor: Actor | None, body_id: int, value: Any) -> list[str]:
    """Set some of the body's periods ({kind: years or null}); the kinds changed, audited
    as `body.retention` with the periods before and after. Administrators only."""
    actor_id = None
    if actor is not None:
        require_admin(actor)
        actor_id = actor.user_id
    body = session.get(Body, body_id)
    if body is None:
        raise not_found("cơ quan", "Body")
    if not isinstance(value, dict) or not value:
        raise invalid("bad_retention",
                      "Thời hạn lưu trữ cần là đối tượng JSON {loại hồ sơ: số năm hoặc null}.",
                      "The retention periods must be a JSON object {kind of record: years "
                      "or null}.", field="retention")
    unknown = [k for k in value if k not in RecordKind.__members__.values()]
    if unknown:
        raise invalid("bad_record_kind",
                      "Loại hồ sơ phải là: " + ", ".join(k.value for k in RecordKind) + ".",
                      "The kind of record must be one of: "
                      + ", ".join(k.value for k in RecordKind) + ".", field="retention")
    wanted = {RecordKind(k): _years(k, v) for k, v in value.items()}
    current = periods(session, body_id)
    changed = [k for k, years in wanted.items() if current[k] != years]
    for kind in changed:
        row = session.exec(select(RetentionPeriod).where(
            RetentionPeriod.body_id == body_id, RetentionPeriod.record_kind == kind.value)).first()
        if row is None:
            row = RetentionPeriod(body_id=body_id, record_kind=kind.value)
        row.years = wanted[kind]
        session.add(row)
    if changed:
        audit.record(session, actor_id, "body.retention", body.name,
                     before={k.value: current[k] for k in changed},
                     after={k.value: wanted[k] for k in changed})
    return [k.value for k in changed]


@dataclass(frozen=True)
class Retention:
    """The period a sealed meeting is kept: `years` None is permanent; `expires_on` the first
    day it may be disposed of."""

    years: int | None
    minutes_kind: RecordKind
    minutes_years: int | None
    documents_years: int | None
    meeting_day: date

    @property
    def permanent(self) -> bool:
        return self.years is None

    @property
    def expires_on(self) -> date | None:
        return None if self.years is None else add_years(self.meeting_day, self.years)

    def expired(self, now: datetime) -> bool:
        ends = self.expires_on
        return ends is not None and clock.in_vietnam(now).date() >= ends


def add_years(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def of_meeting(session: Session, meeting: Meeting) -> Retention:
    current = periods(session, meeting.body_id)
    minutes_kind = _MINUTES_OF.get(meeting.kind, RecordKind.MINUTES_REGULAR)
    minutes_years, documents_years = current[minutes_kind], current[RecordKind.DOCUMENTS]
    years = (None if minutes_years is None or documents_years is None
             else max(minutes_years, documents_years))
    return Retention(years, minutes_kind, minutes_years, documents_years,
                     clock.in_vietnam(meeting.starts_at).date())


def retention_view(retention: Retention, now: datetime) -> dict[str, Any]:
    ends = retention.expires_on
    return {
        "years": retention.years,
        "permanent": retention.permanent,
        "text_vi": period_text(retention.years, "vi"),
        "text_en": period_text(retention.years, "en"),
        "minutes_kind": retention.minutes_kind.value,
        "minutes_years": retention.minutes_years,
        "documents_years": retention.documents_years,
        "expires_on": ends.isoformat() if ends else None,
        "expired": retention.expired(now),
    }
