"""The meeting as an iCalendar event (RFC 5545, iTIP RFC 5546), for the `.ics` file sent with
each invitation: METHOD:REQUEST for the invitation and every update (same UID, a higher
SEQUENCE), METHOD:CANCEL when the meeting is called off.

Times are written in Vietnam time with TZID=Asia/Ho_Chi_Minh and a VTIMEZONE built from
`meetings.clock` (no daylight saving), so a calendar shows 14:00 whatever the zone of the
device that reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from icalendar import Calendar, Event, Timezone, TimezoneStandard, vCalAddress, vText

from meetings import clock

PRODID = "-//phonghop//Phong hop khong giay//VI"

# The role of each meeting role in the calendar (RFC 5545, 3.2.16): guests are optional.
ATTENDEE_ROLE = {"chair": "CHAIR", "member": "REQ-PARTICIPANT", "secretary": "REQ-PARTICIPANT",
                 "guest": "OPT-PARTICIPANT"}
# A member's answer in the app, as the calendar's participation status.
PARTSTAT = {"": "NEEDS-ACTION", "attending": "ACCEPTED", "remote": "ACCEPTED",
            "absent": "DECLINED"}


@dataclass(frozen=True)
class Person:
    email: str
    name: str


@dataclass(frozen=True)
class CalendarEntry:
    uid: str
    sequence: int
    cancel: bool  # METHOD:CANCEL, STATUS:CANCELLED
    title: str
    place: str
    starts_at: datetime  # timezone-aware
    ends_at: datetime
    description: str
    url: str
    organizer: Person
    attendee: Person
    attendee_role: str  # the meeting role: chair, member, secretary, guest
    reply: str  # the attendee's answer in the app ("" when none yet)
    stamp: datetime  # when this version was written (DTSTAMP)


def _vietnam_zone() -> Timezone:
    offset = clock.VIETNAM.utcoffset(None)
    zone = Timezone()
    zone.add("tzid", clock.VIETNAM_TZID)
    standard = TimezoneStandard()
    standard.add("dtstart", datetime(1970, 1, 1))
    standard.add("tzoffsetfrom", offset)
    standard.add("tzoffsetto", offset)
    standard.add("tzname", "+07")
    zone.add_component(standard)
    return zone


def _local(moment: datetime) -> datetime:
    """Vietnam wall-clock time, written with TZID (the zone itself is in the VTIMEZONE)."""
    return clock.in_vietnam(moment).replace(tzinfo=None)


def _address(person: Person, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    if person.name:
        address.params["cn"] = vText(person.name)
    for key, value in params.items():
        address.params[key] = vText(value)
    return address


def calendar_file(entry: CalendarEntry) -> bytes:
    """The `.ics` file of one version of the meeting, for one attendee."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "CANCEL" if entry.cancel else "REQUEST")
    cal.add_component(_vietnam_zone())
    event = Event()
    event.add("uid", entry.uid)
    event.add("sequence", entry.sequence)
    event.add("dtstamp", entry.stamp.astimezone(UTC))
    event.add("dtstart", _local(entry.starts_at), parameters={"TZID": clock.VIETNAM_TZID})
    event.add("dtend", _local(entry.ends_at), parameters={"TZID": clock.VIETNAM_TZID})
    event.add("summary", entry.title)
    if entry.place:
        event.add("location", entry.place)
    event.add("description", entry.description)
    if entry.url:
        event.add("url", entry.url)
    event.add("status", "CANCELLED" if entry.cancel else "CONFIRMED")
    event.add("organizer", _address(entry.organizer))
    # Answers are given in the app, not by replying to the calendar: RSVP=FALSE.
    event.add("attendee", _address(
        entry.attendee, role=ATTENDEE_ROLE.get(entry.attendee_role, "REQ-PARTICIPANT"),
        partstat=PARTSTAT.get(entry.reply, "NEEDS-ACTION"), rsvp="FALSE", cutype="INDIVIDUAL"))
    cal.add_component(event)
    ics: bytes = cal.to_ical()
    return ics
