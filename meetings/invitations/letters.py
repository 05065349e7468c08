"""The invitation letter: an e-mail in Vietnamese with the same text in English below it, and
the meeting's `.ics` calendar file attached. Three kinds: the invitation (giấy mời họp), an
update after a change of time or place, and the notice that the meeting is cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from email import encoders
from email.header import Header
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, make_msgid

from meetings import clock
from meetings.invitations.calendar import CalendarEntry, calendar_file

INVITATION, UPDATE, CANCEL = "invitation", "update", "cancel"
LETTERS = (INVITATION, UPDATE, CANCEL)

SUBJECT = {
    INVITATION: ("Giấy mời họp", "Meeting invitation"),
    UPDATE: ("Thông báo thay đổi thời gian, địa điểm họp", "Meeting changed"),
    CANCEL: ("Thông báo hủy cuộc họp", "Meeting cancelled"),
}


@dataclass(frozen=True)
class Letter:
    kind: str  # invitation, update, cancel
    body_name: str  # the body that invites: "UBND xã Tường Tiến"
    sender: str  # the From address (also the calendar's ORGANIZER)
    recipient: str
    recipient_name: str
    agenda: tuple[str, ...]
    cancel_reason: str
    entry: CalendarEntry


def _when(letter: Letter, lang: str) -> str:
    return clock.moment_text(letter.entry.starts_at, lang)


def _vietnamese(letter: Letter) -> list[str]:
    e = letter.entry
    lines = [f"Kính gửi: Đồng chí {letter.recipient_name}.", ""]
    if letter.kind == CANCEL:
        lines += [f"{letter.body_name} trân trọng thông báo hủy cuộc họp \"{e.title}\" "
                  f"dự kiến tổ chức vào {_when(letter, 'vi')}"
                  + (f" tại {e.place}" if e.place else "") + "."]
        if letter.cancel_reason:
            lines.append(f"Lý do: {letter.cancel_reason}.")
        return lines
    if letter.kind == UPDATE:
        lines.append(f"{letter.body_name} trân trọng thông báo cuộc họp \"{e.title}\" "
                     "thay đổi thời gian, địa điểm như sau:")
    else:
        lines.append(f"{letter.body_name} trân trọng kính mời Đồng chí dự cuộc họp "
                     f"\"{e.title}\".")
    lines += [f"Thời gian: {_when(letter, 'vi')}."]
    if e.place:
        lines.append(f"Địa điểm: {e.place}.")
    if letter.agenda:
        lines.append("Nội dung:")
        lines += [f"{n}. {title}" for n, title in enumerate(letter.agenda, start=1)]
    lines += ["", "Tài liệu họp và việc xác nhận tham dự (tham dự, xin vắng có lý do hoặc "
              f"dự trực tuyến) thực hiện trên phần mềm phòng họp: {e.url}"]
    return lines


def _english(letter: Letter) -> list[str]:
    e = letter.entry
    lines = [f"Dear {letter.recipient_name},", ""]
    if letter.kind == CANCEL:
        lines.append(f"{letter.body_name} announces that the meeting \"{e.title}\" planned for "
                     f"{_when(letter, 'en')} (Vietnam time)"
                     + (f" at {e.place}" if e.place else "") + " is cancelled.")
        if letter.cancel_reason:
            lines.append(f"Reason: {letter.cancel_reason}.")
        return lines
    if letter.kind == UPDATE:
        lines.append(f"The time or place of the meeting \"{e.title}\" has changed:")
    else:
        lines.append(f"{letter.body_name} invites you to the meeting \"{e.title}\".")
    lines.append(f"Time: {_when(letter, 'en')} (Vietnam time).")
    if e.place:
        lines.append(f"Place: {e.place}.")
    if letter.agenda:
        lines.append("Agenda:")
        lines += [f"{n}. {title}" for n, title in enumerate(letter.agenda, start=1)]
    lines += ["", "The documents are in the meeting room app, where you can also answer "
              f"(attending, absent with a reason, or attending remotely): {e.url}"]
    return lines


def text_of(letter: Letter) -> str:
    """The letter's text: Vietnamese first, then English."""
    return "\n".join([*_vietnamese(letter), "", "-" * 40, "", *_english(letter), ""])


def compose(letter: Letter) -> Message:
    """The e-mail: text/plain (UTF-8) and the calendar file, `text/calendar; method=...`.

    Built with the classic MIME classes: in Python 3.11 the default policy folds long
    Vietnamese headers between encoded words and the space there is lost on reading
    ("thườngkỳ"); `Header` folds inside the encoded words."""
    vi, en = SUBJECT[letter.kind]
    message = MIMEMultipart("mixed")
    # The classic policy (compat32) takes a Header as a header's value; typeshed says str.
    message["Subject"] = Header(f"{vi}: {letter.entry.title} / {en}",  # type: ignore[assignment]
                                "utf-8")
    message["From"] = formataddr((letter.body_name, letter.sender), charset="utf-8")
    message["To"] = formataddr((letter.recipient_name, letter.recipient), charset="utf-8")
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=letter.sender.rsplit("@", 1)[-1] or None)
    message["Content-Language"] = "vi, en"
    message.attach(MIMEText(text_of(letter), "plain", "utf-8"))
    method = "CANCEL" if letter.kind == CANCEL else "REQUEST"
    ics = MIMEBase("text", "calendar", method=method, charset="utf-8")
    ics.set_payload(calendar_file(letter.entry))
    encoders.encode_base64(ics)
    ics.add_header("Content-Disposition", "attachment", filename="cuoc-hop.ics")
    message.attach(ics)
    return message
