"""The minutes (biên bản) of a meeting as a PDF in the layout of Decree 30/2020/ND-CP, form 1.9.

This module owns the page layout and the order of the form: what the minutes say comes in as
`MinutesData`, already decided by the meeting record, and their sentences from `wording`. It
returns the PDF bytes and where the secretary and the chair sign, so that `signing` can put
visible signatures in exactly those boxes.

Order: header, title, time, place and attendance; NỘI DUNG (each item with its presenter,
documents, who spoke and what the secretary recorded of it, its votes and its conclusion; then
the written opinions closed since the previous meeting; the general conclusion last); the end
sentence with THƯ KÝ and CHỦ TỌA; "Nơi nhận"; speaking times, if any, in an annex on a page of
its own.

Layout: A4 portrait, margins 20/20/30/15 mm (top, bottom, left, right), Liberation Serif
(metric-compatible with Times New Roman) embedded, body 14 pt justified with a 1.27 cm first-line
indent, page numbers centred in the top margin from page 2 on. Text flows with PyMuPDF's Story
(HTML and CSS); the header and the signature blocks are placed at computed positions. A heading
never ends a page; the closing block moves to the next page only when it cannot fit on this one.
"""

# PyMuPDF 2.0 ships partial annotations; its unannotated calls are fine here.
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

import html
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import pymupdf

from meetings import clock, roster
from meetings.minutes import wording
from meetings.minutes.fonts import SerifStyle, font_dir

MM = 72 / 25.4
PAGE_WIDTH = 210 * MM
PAGE_HEIGHT = 297 * MM
MARGIN_TOP = 20 * MM
MARGIN_BOTTOM = 20 * MM
MARGIN_LEFT = 30 * MM
MARGIN_RIGHT = 15 * MM
SIGNATURE_BOX_WIDTH = 75 * MM
SIGNATURE_BOX_HEIGHT = 45 * MM

_LEFT = MARGIN_LEFT
_RIGHT = PAGE_WIDTH - MARGIN_RIGHT
_BOTTOM = PAGE_HEIGHT - MARGIN_BOTTOM
_CONTENT_WIDTH = _RIGHT - _LEFT
# Header columns: the national title at 13 pt is 96 mm wide, so the right column gets 100 mm.
_HEADER_LEFT_WIDTH = 65 * MM
_A4 = pymupdf.Rect(0, 0, PAGE_WIDTH, PAGE_HEIGHT)
_RECIPIENTS_GAP = 10.0
# A heading keeps at least this much of what follows it on its page (about four lines).
_KEEP_HEIGHT = 72.0
_BLANK = "........................"  # a name not known yet, to fill in by hand

_FONT_FACES = "".join(
    f"@font-face {{font-family: Serif; src: url({style.value}); "
    f"font-weight: {weight}; font-style: {slant};}}\n"
    for style, weight, slant in (
        (SerifStyle.REGULAR, "normal", "normal"),
        (SerifStyle.BOLD, "bold", "normal"),
        (SerifStyle.ITALIC, "normal", "italic"),
        (SerifStyle.BOLD_ITALIC, "bold", "italic"),
    )
)
_CSS = (
    _FONT_FACES
    + """
body {font-family: Serif; font-size: 14pt; line-height: 1.2; margin: 0; padding: 0;}
p {margin: 0 0 6pt 0; text-align: justify; text-indent: 1.27cm;}
p.line {margin: 0 0 2pt 0;}
p.center {text-align: center; text-indent: 0; margin: 0;}
p.title {text-align: center; text-indent: 0; margin: 0; font-weight: bold;}
p.heading {text-align: center; text-indent: 0; margin: 10pt 0 6pt 0; font-weight: bold;}
p.item {font-weight: bold; margin: 8pt 0 4pt 0; text-align: left;}
p.recipients-heading {text-align: left; text-indent: 0; margin: 0; font-size: 12pt;
  font-weight: bold; font-style: italic;}
p.recipient {text-align: left; text-indent: 0; margin: 0; font-size: 11pt; line-height: 1.1;}
p.page-number {text-align: center; text-indent: 0; margin: 0; font-size: 13pt;}
p.footer {text-align: left; text-indent: 0; margin: 0; font-size: 8pt; color: #555555;}
"""
)


@dataclass(frozen=True)
class MinutesPerson:
    name: str
    title: str


@dataclass(frozen=True)
class MinutesAttendee:
    name: str
    title: str
    role: str  # "chair", "secretary", "member" or "guest"
    present: bool  # the recorded attendance says present or remote (meetings.roster)
    note: str = ""  # the reason given for an absence
    attendance: str = ""  # the recorded state (meetings.roster.Attendance)
    proxy: str = ""  # who holds this absent member's proxy (bodies that allow proxies)


@dataclass(frozen=True)
class MinutesCandidate:
    """One option of an election and the marks it got."""

    name: str
    votes: int
    elected: bool


@dataclass(frozen=True)
class MinutesVote:
    """A closed or cancelled vote, with the numbers the record prints (see `wording`)."""

    question: str
    kind: str  # "named", "counts" or "secret"
    eligible: int  # the electorate, fixed when the vote opened
    passed: bool | None  # None: the vote was cancelled
    rule_text: str = ""  # in Vietnamese, e.g. "quá nửa tổng số thành viên"
    yes: int = 0
    no: int = 0
    abstain: int = 0
    absent: int = 0  # not present when it opened, and no ballot cast for them
    not_cast: int = 0  # present, but cast no ballot
    basis: int = 0  # what the threshold (and each percentage) is a share of
    basis_text: str = ""  # "tổng số thành viên Ủy ban nhân dân xã"
    tie_by_chair: bool = False  # a tie goes the chair's way
    cancel_reason: str = ""
    quorum_overridden: tuple[int, int] | None = None  # (present, required) when opened without
    candidates: tuple[MinutesCandidate, ...] = ()  # an election
    received: int = 0  # an election: ballots cast
    ballots: int = 0  # an election: valid ballots
    names: tuple[tuple[str, tuple[str, ...]], ...] = ()  # a named vote: (choice, who)


@dataclass(frozen=True)
class MinutesSpeech:
    """One line of an item's "Ý kiến phát biểu": a turn with what the secretary recorded, or
    (statement "") a person who spoke on the item with nothing recorded of any turn."""

    name: str
    statement: str = ""


@dataclass(frozen=True)
class MinutesItem:
    position: int | str  # the number people read: 2, or 2.1 for a sub-item
    title: str
    presenter: str
    documents: tuple[str, ...]
    conclusion: str
    votes: tuple[MinutesVote, ...]
    speakers: tuple[str, ...] = ()  # who took the floor on this item, in order
    # What they said, where the secretary recorded it: then these lines replace the names.
    speeches: tuple[MinutesSpeech, ...] = ()
    withdrawn: tuple[str, ...] = ()  # one sentence per person who withdrew from this item


@dataclass(frozen=True)
class MinutesSpeakingTime:
    name: str
    turns: int
    seconds: int


@dataclass(frozen=True)
class MinutesOpinion:
    """A written opinion form closed since the body's previous meeting."""

    question: str
    closed_at: datetime  # timezone-aware
    eligible: int
    yes: int
    no: int
    abstain: int
    passed: bool
    rule_text: str


@dataclass(frozen=True)
class MinutesData:
    parent_body: str  # "" -> only the body's name
    body: str
    body_code: str  # "UBND" -> "Số: 07/BB-UBND"
    number: int | None  # None -> left blank to fill in by hand
    place_name: str
    meeting_date: date
    title: str
    location: str
    started_at: datetime  # timezone-aware
    ended_at: datetime | None  # timezone-aware; None -> left blank
    chair: MinutesPerson
    secretary: MinutesPerson
    attendees: tuple[MinutesAttendee, ...]
    items: tuple[MinutesItem, ...]
    general_conclusion: str
    recipients: tuple[str, ...]  # "- Lưu: VT, hồ sơ." ends the list (once, by the layout)
    record_digest: str  # hex SHA-256 of the meeting record
    draft: bool  # True -> a "DỰ THẢO" watermark on every page
    speaking_times: tuple[MinutesSpeakingTime, ...] = ()
    written_opinions: tuple[MinutesOpinion, ...] = ()
    body_lines: tuple[str, ...] = ()  # the body's name in the header, line by line
    members: str = "thành viên"  # the voting members: "thành viên Ủy ban nhân dân xã"
    member_word: str = "thành viên"  # one of them: "thành viên", "đại biểu"


@dataclass(frozen=True)
class SignatureBox:
    """Where a signature goes: a 0-based page index and a rectangle in PyMuPDF coordinates
    (points, origin at the top-left corner of the page, y growing downwards)."""

    page: int
    rect: tuple[float, float, float, float]

    def pdf_rect(self, page_height: float = PAGE_HEIGHT) -> tuple[float, float, float, float]:
        """The same rectangle in PDF user space (origin bottom-left), as pyHanko wants it."""
        x0, y0, x1, y1 = self.rect
        return (x0, page_height - y1, x1, page_height - y0)


@dataclass(frozen=True)
class ComposedMinutes:
    pdf: bytes
    chair_box: SignatureBox
    secretary_box: SignatureBox
    page_count: int


# The footer of the last page carries the record's whole last digest: signed with the
# minutes, it is what the archive checks the record against (meetings.record.check).
RECORD_LABEL = "Mã kiểm tra nhật ký diễn biến cuộc họp: "


def printed_record_digest(pdf: bytes) -> str | None:
    """The record digest printed in the minutes' footer, or None when none is printed."""
    with pymupdf.open("pdf", pdf) as doc:
        text = " ".join(page.get_text() for page in doc)
    found = re.search(re.escape(RECORD_LABEL.strip()) + r"\s*([0-9a-f]{64})\b", text)
    return found.group(1) if found else None


def compose_minutes(data: MinutesData) -> ComposedMinutes:
    """Lay out the minutes and return the PDF with the two signature boxes."""
    for moment in (data.started_at, data.ended_at):
        if moment is not None and moment.utcoffset() is None:
            raise ValueError("started_at/ended_at must carry a time zone (naive datetime given)")

    buffer = io.BytesIO()
    layout = _Layout(pymupdf.DocumentWriter(buffer), pymupdf.Archive(str(font_dir())))
    layout.new_page()
    _header(layout, data)
    _title(layout, data)
    layout.flow(_opening_html(data))
    _flow_contents(layout, data)
    secretary_box, chair_box = _closing(layout, data)
    _flow_recipients(layout, data)
    _flow_annex(layout, data)
    layout.fixed(
        f'<p class="footer">{RECORD_LABEL}{_text(data.record_digest)}</p>',
        pymupdf.Rect(_LEFT, _BOTTOM + 5 * MM, _RIGHT, PAGE_HEIGHT - 5 * MM),
    )
    layout.close()

    doc = pymupdf.open("pdf", buffer.getvalue())
    try:
        for page_index, start, end in layout.lines:
            doc[page_index].draw_line(start, end, color=(0, 0, 0), width=0.6)
        if data.draft:
            _watermark(doc)
        doc.subset_fonts()
        doc.set_metadata(
            {
                "title": _clean(f"Biên bản: {data.title}"),
                "author": _clean(data.body),
                "subject": _clean(_number_line(data)),
                "creator": "phonghop",
                "producer": "phonghop (PyMuPDF)",
            }
        )
        pdf = doc.tobytes(garbage=4, deflate=True)
        page_count = doc.page_count
    finally:
        doc.close()
    return ComposedMinutes(
        pdf=pdf, chair_box=chair_box, secretary_box=secretary_box, page_count=page_count
    )


class _Layout:
    """One pass over the pages: Stories placed one after the other, new pages as they fill."""

    def __init__(self, writer: pymupdf.DocumentWriter, archive: pymupdf.Archive) -> None:
        self._writer = writer
        self._archive = archive
        self._device: object | None = None
        self.page_index = -1
        self.y = MARGIN_TOP
        # Rules under the body name, the motto and the title, drawn once the pages exist.
        self.lines: list[tuple[int, pymupdf.Point, pymupdf.Point]] = []

    def _story(self, markup: str) -> pymupdf.Story:
        return pymupdf.Story(f"<body>{markup}</body>", user_css=_CSS, archive=self._archive)

    def new_page(self) -> None:
        if self._device is not None:
            self._writer.end_page()
        self._device = self._writer.begin_page(_A4)
        self.page_index += 1
        self.y = MARGIN_TOP
        if self.page_index > 0:
            # Decree 30: page numbers centred in the top margin, from the second page on.
            self.fixed(
                f'<p class="page-number">{self.page_index + 1}</p>',
                pymupdf.Rect(_LEFT, 9 * MM, _RIGHT, MARGIN_TOP - 1 * MM),
            )

    def measure(self, markup: str, width: float) -> float:
        _more, filled = self._story(markup).place(pymupdf.Rect(0, 0, width, PAGE_HEIGHT))
        return float(pymupdf.Rect(filled).height)

    def fixed(self, markup: str, rect: pymupdf.Rect) -> pymupdf.Rect:
        """Draw markup inside rect on the current page; return the rectangle it filled."""
        story = self._story(markup)
        more, filled = story.place(rect)
        if more:
            raise ValueError(f"text does not fit its box on the page: {markup[:80]!r}")
        story.draw(self._device)
        return pymupdf.Rect(filled)

    def flow(self, markup: str, *, gap: float = 0) -> None:
        """Place markup from the current position on, continuing on new pages as needed."""
        story = self._story(markup)
        self.y += gap
        while True:
            more, filled = story.place(pymupdf.Rect(_LEFT, self.y, _RIGHT, _BOTTOM))
            if more and pymupdf.Rect(filled).height <= 0:
                # Nothing fitted in what is left of the page. Drawing now would swallow the
                # content (MuPDF 1.28), so rewind and start over on a fresh page.
                if self.y <= MARGIN_TOP:
                    raise ValueError(f"content taller than a page: {markup[:80]!r}")
                story.reset()
                self.new_page()
                continue
            story.draw(self._device)
            if not more:
                self.y = float(pymupdf.Rect(filled).y1)
                return
            self.new_page()

    def flow_kept(self, first: str, rest: str = "", *, gap: float = 0,
                  keep: float = _KEEP_HEIGHT) -> None:
        """Flow `first` + `rest`, starting on a new page when what is left of this one cannot
        hold the start of `first` (at most `keep` of it: a heading and a few lines), so that
        a heading never ends a page."""
        need = gap + min(self.measure(first, _CONTENT_WIDTH), keep)
        if self.y + need > _BOTTOM and self.y > MARGIN_TOP:
            self.new_page()
            gap = 0
        self.flow(first + rest, gap=gap)

    def rule(self, y: float, center_x: float, length: float) -> None:
        half = length / 2
        self.lines.append(
            (self.page_index, pymupdf.Point(center_x - half, y), pymupdf.Point(center_x + half, y))
        )

    def close(self) -> None:
        self._writer.end_page()
        self._writer.close()


def _header(layout: _Layout, data: MinutesData) -> None:
    """Body names (left) and the national title and motto (right), then number and date."""
    bold = pymupdf.Font(fontfile=str(font_dir() / SerifStyle.BOLD.value))
    left = pymupdf.Rect(_LEFT, MARGIN_TOP, _LEFT + _HEADER_LEFT_WIDTH, MARGIN_TOP + 200)
    right = pymupdf.Rect(left.x1, MARGIN_TOP, _RIGHT, MARGIN_TOP + 200)
    left_center = (left.x0 + left.x1) / 2
    right_center = (right.x0 + right.x1) / 2

    lines = [_clean(line).upper() for line in data.body_lines or (data.body,) if _clean(line)]
    parent = _clean(data.parent_body).upper()
    markup = f'<p class="center" style="font-size: 13pt">{_text(parent)}</p>' if parent else ""
    markup += "".join(f'<p class="center" style="font-size: 13pt"><b>{_text(line)}</b></p>'
                      for line in lines)
    left_filled = layout.fixed(markup, left)
    body_width = min(max(bold.text_length(line, fontsize=13) for line in lines), left.width)
    layout.rule(left_filled.y1 + 3, left_center, body_width * 0.4)

    motto = "Độc lập - Tự do - Hạnh phúc"
    right_filled = layout.fixed(
        '<p class="center" style="font-size: 13pt"><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b></p>'
        f'<p class="center" style="font-size: 14pt"><b>{motto}</b></p>',
        right,
    )
    layout.rule(right_filled.y1 + 2, right_center, bold.text_length(motto, fontsize=14))

    row = max(left_filled.y1, right_filled.y1) + 8
    number_filled = layout.fixed(
        f'<p class="center" style="font-size: 13pt">{_text(_number_line(data))}</p>',
        pymupdf.Rect(left.x0, row, left.x1, row + 100),
    )
    date_filled = layout.fixed(
        f'<p class="center"><i>{_text(_place_and_date(data))}</i></p>',
        pymupdf.Rect(right.x0, row, right.x1, row + 100),
    )
    layout.y = max(number_filled.y1, date_filled.y1) + 22


def _title(layout: _Layout, data: MinutesData) -> None:
    bold = pymupdf.Font(fontfile=str(font_dir() / SerifStyle.BOLD.value))
    title = _clean(data.title)
    layout.flow(f'<p class="title">BIÊN BẢN</p><p class="title">{_text(title)}</p>')
    title_width = min(bold.text_length(title, fontsize=14), _CONTENT_WIDTH)
    layout.rule(layout.y + 3, (_LEFT + _RIGHT) / 2, max(title_width / 3, 30 * MM))
    layout.y += 12


def _opening_html(data: MinutesData) -> str:
    """Time, place, and who attended: the chair and the secretary, the count of the voting
    members present and away, their names, the guests."""
    parts: list[str] = []
    add = parts.append
    add(f"<p><b>Thời gian bắt đầu:</b> {_text(clock.moment_text(data.started_at))}.</p>")
    add(f"<p><b>Địa điểm:</b> {_text(_clean(data.location))}.</p>")
    add('<p class="line"><b>Thành phần tham dự:</b></p>')
    add(f'<p class="line">- Chủ tọa: {_text(_person(data.chair.name, data.chair.title))}.</p>')
    add(f'<p class="line">- Thư ký: {_text(_person(data.secretary.name, data.secretary.title))}'
        ".</p>")
    voters = [a for a in data.attendees if roster.is_voter(a.role)]
    if voters:
        add(f'<p class="line">- {_text(wording.attendance_summary(voters, data.members))}</p>')
        here = [a for a in voters if wording.attended(a)]
        if here:
            add(f'<p class="line">- {_text(data.member_word.capitalize())} có mặt:</p>')
            parts.extend(_people_lines(wording.attendee_line(a) for a in here))
    guests = [a for a in data.attendees if a.role == "guest" and a.present]
    if guests:
        add('<p class="line">- Khách mời:</p>')
        parts.extend(_people_lines(wording.attendee_line(a) for a in guests))
    return "".join(parts)


def _flow_contents(layout: _Layout, data: MinutesData) -> None:
    """NỘI DUNG: each item with its presenter, documents, who spoke, its votes and its
    conclusion; then the written opinions closed since the previous meeting; then the general
    conclusion, last."""
    first = True
    for item in data.items:
        heading = _heading("NỘI DUNG") if first else ""
        first = False
        title = f'<p class="item">{item.position}. {_text(_clean(item.title))}</p>'
        lines = _item_html(item, data)
        layout.flow_kept(heading + title + "".join(lines[:1]), "".join(lines[1:]))
    if first:
        layout.flow_kept(_heading("NỘI DUNG"),
                         "<p>Cuộc họp không có nội dung trong chương trình.</p>")
    if data.written_opinions:
        entries = [
            "<p>" + _text(wording.opinion_paragraph(
                n, o, data.member_word, clock.moment_text(o.closed_at))) + "</p>"
            for n, o in enumerate(data.written_opinions, start=1)
        ]
        layout.flow_kept(
            '<p class="item">Kết quả lấy ý kiến bằng văn bản</p>' + entries[0],
            "".join(entries[1:]))
    conclusion = [f"<p>{_text(p)}</p>" for p in _paragraphs(data.general_conclusion)]
    if conclusion:
        layout.flow_kept(_heading("KẾT LUẬN CHUNG") + conclusion[0], "".join(conclusion[1:]))


def _heading(text: str) -> str:
    return f'<p class="heading">{_text(text)}</p>'


def _item_html(item: MinutesItem, data: MinutesData) -> list[str]:
    parts: list[str] = []
    add = parts.append
    if item.presenter.strip():
        add(f"<p><i>Người trình bày:</i> {_text(_clean(item.presenter))}.</p>")
    if item.documents:
        documents = "; ".join(_clean(d) for d in item.documents)
        add(f"<p><i>Tài liệu:</i> {_text(documents)}.</p>")
    if item.speeches:
        add("<p><i>Ý kiến phát biểu:</i></p>")
        for speech in item.speeches:
            parts.extend(_speech_html(speech))
    elif item.speakers:
        speakers = ", ".join(_clean(n) for n in item.speakers)
        add(f"<p><i>Ý kiến phát biểu:</i> {_text(speakers)}.</p>")
    parts.extend(f"<p>{_text(_clean(line))}</p>" for line in item.withdrawn)
    for vote in item.votes:
        question, *rest = wording.vote_paragraphs(vote, data.member_word)
        label = wording.VOTE_LABEL
        add(f"<p><i>{label}</i> {_text(question.removeprefix(label).strip())}</p>")
        parts.extend(f"<p>{_text(p)}</p>" for p in rest)
    paragraphs = _paragraphs(item.conclusion)
    if paragraphs:
        add(f"<p><i>Kết luận:</i> {_text(paragraphs[0])}</p>")
        parts.extend(f"<p>{_text(p)}</p>" for p in paragraphs[1:])
    return parts


def _speech_html(speech: MinutesSpeech) -> list[str]:
    """"- Name: what was said." as typed (never translated); a statement of several
    paragraphs keeps them, and ends with a full stop when it ends without punctuation."""
    name = _clean(speech.name) or _BLANK
    paragraphs = _paragraphs(speech.statement)
    if not paragraphs:
        return [f"<p>- {_text(name)}.</p>"]
    if paragraphs[-1][-1].isalnum():
        paragraphs[-1] += "."
    first, *rest = paragraphs
    return [f"<p>- {_text(name)}: {_text(first)}</p>", *(f"<p>{_text(p)}</p>" for p in rest)]


def _flow_annex(layout: _Layout, data: MinutesData) -> None:
    """The time each person spoke, if kept, in an annex after the minutes."""
    if not data.speaking_times:
        return
    layout.new_page()
    attached = (f"(Kèm theo Biên bản số {_number_text(data)} "
                f"ngày {clock.date_text(data.meeting_date)})")
    entries = _people_lines(
        f"{_clean(s.name) or _BLANK}: {s.turns} lượt, {_duration(s.seconds)}"
        for s in data.speaking_times
    )
    total = sum(s.seconds for s in data.speaking_times)
    entries.append(f'<p class="line">Tổng thời gian phát biểu: {_duration(total)}.</p>')
    layout.flow(
        '<p class="title">PHỤ LỤC</p><p class="title">THỜI GIAN PHÁT BIỂU</p>'
        f'<p class="center"><i>{_text(attached)}</i></p><p class="line">&#160;</p>'
        + "".join(entries))


def _duration(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} phút {rest:02d} giây" if minutes else f"{rest} giây"


def _closing(layout: _Layout, data: MinutesData) -> tuple[SignatureBox, SignatureBox]:
    """The end-time sentence, then THƯ KÝ on the left and CHỦ TỌA on the right, each with its
    box and its name. They stay on this page when they fit on it; otherwise they move to the
    next one together: a signature never leaves its title or its name, and never stands on a
    page without the sentence that ends the minutes."""
    end_sentence = f"<p>{_text(_end_sentence(data))}</p>"
    column = _CONTENT_WIDTH / 2
    heading_h = layout.measure('<p class="title">THƯ KÝ</p>', column)
    names = (_clean(data.secretary.name) or _BLANK, _clean(data.chair.name) or _BLANK)
    names_h = max(layout.measure(f'<p class="title">{_text(n)}</p>', column) for n in names)
    gap_before = 16.0
    needed = gap_before + heading_h + 4 + SIGNATURE_BOX_HEIGHT + 4 + names_h
    if layout.y + layout.measure(end_sentence, _CONTENT_WIDTH) + needed > _BOTTOM:
        layout.new_page()
    layout.flow(end_sentence)
    top = layout.y + gap_before
    boxes: list[SignatureBox] = []
    for index, (heading, name) in enumerate(zip(("THƯ KÝ", "CHỦ TỌA"), names, strict=True)):
        x0 = _LEFT + index * column
        layout.fixed(f'<p class="title">{heading}</p>', pymupdf.Rect(x0, top, x0 + column, _BOTTOM))
        center = x0 + column / 2
        box_top = top + heading_h + 4
        rect = (
            center - SIGNATURE_BOX_WIDTH / 2,
            box_top,
            center + SIGNATURE_BOX_WIDTH / 2,
            box_top + SIGNATURE_BOX_HEIGHT,
        )
        boxes.append(SignatureBox(page=layout.page_index, rect=rect))
        layout.fixed(
            f'<p class="title">{_text(name)}</p>',
            pymupdf.Rect(x0, rect[3] + 4, x0 + column, _BOTTOM),
        )
    layout.y = top + needed - gap_before
    return boxes[0], boxes[1]


def _flow_recipients(layout: _Layout, data: MinutesData) -> None:
    """"Nơi nhận" under the signatures, ending with the filing line once; its heading never
    ends a page alone."""
    entries = [f'<p class="recipient">- {_text(r)};</p>'
               for r in wording.recipients(data.recipients)]
    entries.append(f'<p class="recipient">- {_text(wording.FILING)}</p>')
    # A short list stays whole; a long one may run on to the next page.
    layout.flow_kept('<p class="recipients-heading">Nơi nhận:</p>' + "".join(entries),
                     gap=_RECIPIENTS_GAP, keep=(_BOTTOM - MARGIN_TOP) / 3)


def _watermark(doc: pymupdf.Document) -> None:
    font = pymupdf.Font(fontfile=str(font_dir() / SerifStyle.BOLD.value))
    text, size = "DỰ THẢO", 110.0
    width = font.text_length(text, fontsize=size)
    center = pymupdf.Point(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
    for page_index in range(doc.page_count):
        page = doc[page_index]
        writer = pymupdf.TextWriter(page.rect, opacity=0.14, color=(0.8, 0.1, 0.1))
        writer.append(pymupdf.Point(center.x - width / 2, center.y + size * 0.33), text, font, size)
        writer.write_text(page, morph=(center, pymupdf.Matrix(50)), overlay=False)


def _people_lines(people: Iterable[str]) -> list[str]:
    entries = list(people)
    return [
        f'<p class="line">+ {_text(entry)}{"." if i == len(entries) - 1 else ";"}</p>'
        for i, entry in enumerate(entries)
    ]


def _person(name: str, title: str, note: str = "") -> str:
    text = _clean(name) or _BLANK
    if title.strip():
        text += f", {_clean(title)}"
    if note.strip():
        text += f" ({_clean(note)})"
    return text


def _number_text(data: MinutesData) -> str:
    """07/BB-UBND; a blank to fill in by hand when there is no number yet."""
    number = f"{data.number:02d}" if data.number is not None else "\u00a0" * 10
    code = _clean(data.body_code)
    return f"{number}/BB-{code}" if code else f"{number}/BB"


def _number_line(data: MinutesData) -> str:
    return f"Số: {_number_text(data)}"


def _place_and_date(data: MinutesData) -> str:
    return clock.date_line(_clean(data.place_name), data.meeting_date)


def _end_sentence(data: MinutesData) -> str:
    if data.ended_at is None:
        return "Cuộc họp kết thúc vào lúc ..... giờ ..... phút, ngày ...../...../........../."
    end = clock.in_vietnam(data.ended_at)
    if end.date() == clock.in_vietnam(data.started_at).date():
        return f"Cuộc họp kết thúc vào lúc {clock.time_text(end)} cùng ngày./."
    return f"Cuộc họp kết thúc vào lúc {clock.moment_text(end)}./."


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in _clean_keep_lines(text).splitlines() if line.strip()]


_clean = wording.clean


def _clean_keep_lines(text: str) -> str:
    return unicodedata.normalize("NFC", text).replace("\r\n", "\n")


def _text(text: str) -> str:
    return html.escape(text, quote=False)
