"""The sentences of the minutes, in the body's language (Vietnamese), as the record writes them:
the attendance, a vote and an election, a written opinion form, the "Nơi nhận" list.

Plain strings only; `layout` sets them on the page. The wording follows Mẫu 1.9 of Nghị định
30/2020 and the terms of the laws the body works under (see shared/VIETNAMESE.md): counts
under ten take a leading zero ("04/06"), percentages a decimal comma ("66,67%").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from meetings import roster
from meetings.text import fold

if TYPE_CHECKING:
    from meetings.minutes.layout import MinutesAttendee, MinutesOpinion, MinutesVote

FILING = "Lưu: VT, hồ sơ."  # ends "Nơi nhận", once
KIND_TEXT = {"named": "biểu quyết công khai, ghi tên", "counts": "biểu quyết công khai",
             "secret": "bỏ phiếu kín"}
CHOICE_TEXT = {"yes": "Tán thành", "no": "Không tán thành", "abstain": "Không biểu quyết"}
TIE_BY_CHAIR = ("Trường hợp số phiếu tán thành và không tán thành bằng nhau thì quyết định "
                "theo ý kiến mà chủ tọa đã biểu quyết.")


def clean(text: str) -> str:
    """NFC (precomposed Vietnamese letters) on one line."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def count(n: int) -> str:
    """A count as administrative documents write it: 04, 12, and 0 for none."""
    return f"{n:02d}" if 0 < n < 10 else str(n)


def percent(part: int, whole: int) -> str:
    """66,67% (two decimals, a decimal comma, none when whole)."""
    if whole <= 0:
        return "0%"
    value = f"{100 * part / whole:.2f}".replace(".", ",")
    return (value[:-3] if value.endswith(",00") else value) + "%"


def _sentence(text: str) -> str:
    """User text as the end of a sentence: one full stop, never two."""
    text = clean(text).rstrip(" .;:")
    return text + "."


# --- attendance ------------------------------------------------------------------------------


def recorded_state(role: str, attendance: str) -> str:
    """The attendance the record shows (a `meetings.roster.Attendance` value): what the
    secretary recorded; with nothing recorded, the chair and the secretary, who ran the
    meeting, were present, a voting member was absent without a reason given, and a guest
    simply did not come ("")."""
    if attendance in roster.RECORDED_STATES:
        return attendance
    if roster.is_staff(role):
        return roster.Attendance.PRESENT.value
    if roster.is_voter(role):
        return roster.Attendance.ABSENT.value
    return roster.Attendance.UNKNOWN.value


def attended(a: MinutesAttendee) -> bool:
    """Whether the minutes list someone as there (`recorded_state`)."""
    return a.present or roster.is_present(recorded_state(a.role, a.attendance))


def _absentee(a: MinutesAttendee) -> str:
    """"Vũ Thị Lan (Đi công tác; ủy quyền cho Phạm Văn Hải)": an excused member's reason, an
    absent member's note, and who held the proxy."""
    note = clean(a.note)
    if note and a.attendance != roster.Attendance.EXCUSED.value:
        note = f"ghi chú: {note}"
    notes = [note] if note else []
    if a.proxy.strip():
        notes.append(f"ủy quyền cho {clean(a.proxy)}")
    return clean(a.name) + (f" ({'; '.join(notes)})" if notes else "")


def attendance_summary(attendees: Sequence[MinutesAttendee], members: str) -> str:
    """"Có mặt: 04/06 thành viên Ủy ban nhân dân xã; vắng: 02 (01 có lý do: Vũ Thị Lan (Đi
    công tác); 01 không có lý do: Đỗ Quang Vinh)." over the voting members (the chair with
    them); `members` names them."""
    voters = [a for a in attendees if roster.is_voter(a.role)]
    here = [a for a in voters if attended(a)]
    remote = [a for a in here if a.attendance == roster.Attendance.REMOTE.value]
    away = [a for a in voters if not attended(a)]
    excused = [a for a in away if a.attendance == roster.Attendance.EXCUSED.value]
    unexcused = [a for a in away if a.attendance != roster.Attendance.EXCUSED.value]
    text = f"Có mặt: {count(len(here))}/{count(len(voters))} {members}"
    if remote:
        text += f" (trong đó {count(len(remote))} dự họp trực tuyến)"
    if away:
        parts = []
        if excused:
            parts.append(f"{count(len(excused))} có lý do: "
                         + ", ".join(_absentee(a) for a in excused))
        if unexcused:
            parts.append(f"{count(len(unexcused))} không có lý do: "
                         + ", ".join(_absentee(a) for a in unexcused))
        text += f"; vắng: {count(len(away))} ({'; '.join(parts)})"
    return text + "."


def attendee_line(a: MinutesAttendee) -> str:
    """One person present: "Lê Thị Hồng Nhung, Phó Chủ tịch UBND xã (dự họp trực tuyến)"."""
    text = clean(a.name)
    if clean(a.title):
        text += f", {clean(a.title)}"
    notes = []
    if a.role == "chair":
        notes.append("chủ tọa")
    if a.attendance == roster.Attendance.REMOTE.value:
        notes.append("dự họp trực tuyến")
    return text + (f" ({', '.join(notes)})" if notes else "")


# --- votes -----------------------------------------------------------------------------------


VOTE_LABEL = "Nội dung biểu quyết:"


def vote_paragraphs(vote: MinutesVote, member_word: str) -> list[str]:
    """A vote in the minutes: what was put (the first paragraph starts with `VOTE_LABEL`),
    the form before the result, the condition."""
    out = [f"{VOTE_LABEL} {_sentence(vote.question)}"]
    form = f"Hình thức: {KIND_TEXT.get(vote.kind, KIND_TEXT['counts'])}."
    if vote.quorum_overridden is not None:
        present, required = vote.quorum_overridden
        form += (f" Biểu quyết được mở khi chưa đủ số {member_word} tham dự theo quy định "
                 f"(có mặt {count(present)}, cần {count(required)}), theo quyết định của "
                 "chủ tọa.")
    if vote.passed is None:
        reason = clean(vote.cancel_reason).rstrip(" .;:")
        out.append(form + " Biểu quyết đã bị hủy" + (f" (lý do: {reason})" if reason else "")
                   + "; không có kết quả.")
        return out
    condition = f"(điều kiện thông qua: {clean(vote.rule_text)})"
    if vote.candidates:
        out.append(form + " " + _election(vote))
        won = [clean(c.name) for c in vote.candidates if c.elected]
        out.append((f"Người trúng cử: {', '.join(won)} " if won
                    else "Không có người trúng cử ") + condition + ".")
    else:
        out.append(form + " " + _tally(vote, member_word)
                   + (f" {TIE_BY_CHAIR}" if vote.tie_by_chair else "")
                   + (" Nội dung được thông qua " if vote.passed
                      else " Nội dung không được thông qua ") + condition + ".")
    out.extend(f"{label}: {', '.join(clean(n) for n in names)}." for label, names in vote.names)
    return out


def _tally(vote: MinutesVote, member_word: str) -> str:
    text = (f"Kết quả biểu quyết: {count(vote.yes)}/{count(vote.eligible)} {member_word} tán "
            f"thành, chiếm {percent(vote.yes, vote.basis)} {clean(vote.basis_text)}; "
            f"{count(vote.no)} không tán thành; {count(vote.abstain)} không biểu quyết; "
            f"{count(vote.absent)} vắng mặt")
    if vote.not_cast:
        text += f"; {count(vote.not_cast)} có mặt nhưng không tham gia biểu quyết"
    return text + "."


def _election(vote: MinutesVote) -> str:
    return (f"Số phiếu phát ra {count(vote.eligible)}, số phiếu thu vào {count(vote.received)}, "
            f"số phiếu hợp lệ {count(vote.ballots)}, số phiếu không hợp lệ "
            f"{count(vote.received - vote.ballots)}. Kết quả: "
            + "; ".join(f"{clean(c.name)}: {count(c.votes)} phiếu, chiếm "
                        f"{percent(c.votes, vote.basis)} {clean(vote.basis_text)}"
                        + (" (trúng cử)" if c.elected else "") for c in vote.candidates) + ".")


def opinion_paragraph(n: int, o: MinutesOpinion, member_word: str, closed_at: str) -> str:
    """A written opinion form closed since the previous meeting (phiếu lấy ý kiến): Đồng ý /
    Không đồng ý / Ý kiến khác, as the form asks."""
    answered = o.yes + o.no + o.abstain
    result = "được thông qua" if o.passed else "không được thông qua"
    return (f"{n}. {_sentence(o.question)} Phiếu lấy ý kiến kết thúc lúc {closed_at}; "
            f"{count(answered)}/{count(o.eligible)} {member_word} trả lời: {count(o.yes)} đồng "
            f"ý, {count(o.no)} không đồng ý, {count(o.abstain)} ý kiến khác; "
            f"{count(o.eligible - answered)} không trả lời. Nội dung {result} (điều kiện thông "
            f"qua: {clean(o.rule_text)}).")


# --- "Nơi nhận" ------------------------------------------------------------------------------


_FILING = re.compile(r"luu\s*:?[\s,.;]*((vt|hs|ho so|van thu|vp)[\s,.;]*)*")


def withdrawal(name: str, reason: str) -> str:
    """A member excluded from an item (a conflict of interest), as the minutes say it."""
    why = f" (lý do: {clean(reason)})" if clean(reason) else ""
    return (f"Đồng chí {clean(name)} không tham gia thảo luận và biểu quyết nội dung "
            f"này{why}.")


def _is_filing(entry: str) -> bool:
    """"Lưu: VT, hồ sơ.", "- Luu VT", "LƯU: VT, HS": the filing line, however typed (not
    "Lưu trữ lịch sử tỉnh", a recipient)."""
    return _FILING.fullmatch(fold(entry).lstrip("-+•* ")) is not None


def recipients(lines: Iterable[str]) -> tuple[str, ...]:
    """The recipients as one list: each entry once, without bullets or end punctuation,
    and without any "Lưu" line (the minutes add `FILING` themselves, once)."""
    out: list[str] = []
    seen: set[str] = set()
    for line in lines:
        entry = clean(line).lstrip("-+•* ").rstrip(" ;.,").strip()
        if not entry or _is_filing(entry) or fold(entry) in seen:
            continue
        seen.add(fold(entry))
        out.append(entry)
    return tuple(out)
