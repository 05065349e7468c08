"""The minutes (biên bản) of a meeting as a PDF in the layout of Decree 30/2020/ND-CP, form 1.9.

This module owns the page layout only: what the minutes say comes in as `MinutesData`, already
decided by the meeting record. It returns the PDF bytes and where the secretary and the chair
sign, so that `signing` can put visible signatures in exactly those boxes.

Layout: A4 portrait, margins 20/20/30/15 mm (top, bottom, left, right), Liberation Serif
(metric-compatible with Times New Roman) embedded, body 14 pt justified with a 1.27 cm first-line
indent, page numbers centred in the top margin from page 2 on. Text flows with PyMuPDF's Story
(HTML and CSS); the header, the signature blocks and "Nơi nhận" are placed at computed positions.
"""

# PyMuPDF 2.0 ships partial annotations; its unannotated calls are fine here.
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

import html
import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import pymupdf

from meetings.fonts import SerifStyle, font_dir

MM = 72 / 25.4
PAGE_WIDTH = 210 * MM
PAGE_HEIGHT = 297 * MM
MARGIN_TOP = 20 * MM
MARGIN_BOTTOM = 20 * MM
MARGIN_LEFT = 30 * MM
MARGIN_RIGHT = 15 * MM
SIGNATURE_BOX_WIDTH = 75 * MM
SIGNATURE_BOX_HEIGHT = 45 * MM
VIETNAM_TZ = timezone(timedelta(hours=7), "+07:00")

_LEFT = MARGIN_LEFT
_RIGHT = PAGE_WIDTH - MARGIN_RIGHT
_BOTTOM = PAGE_HEIGHT - MARGIN_BOTTOM
_CONTENT_WIDTH = _RIGHT - _LEFT
# Header columns: the national title at 13 pt is 96 mm wide, so the right column gets 100 mm.
_HEADER_LEFT_WIDTH = 65 * MM
_A4 = pymupdf.Rect(0, 0, PAGE_WIDTH, PAGE_HEIGHT)
_RECIPIENTS_GAP = 14.0
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
    present: bool
    note: str = ""  # e.g. the reason for an absence


@dataclass(frozen=True)
class MinutesVote:
    question: str
    yes: int
    no: int
    abstain: int
    not_voted: int
    eligible: int
    passed: bool | None  # None: the vote was cancelled
    rule_text: str  # in Vietnamese, e.g. "quá 1/2 tổng số thành viên"
    # Issue 5: kind, quorum override, election results, who voted what (named votes).
    details: tuple[str, ...] = ()
    election: bool = False


@dataclass(frozen=True)
class MinutesItem:
    position: int
    title: str
    presenter: str
    documents: tuple[str, ...]
    conclusion: str
    votes: tuple[MinutesVote, ...]


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
    parent_body: str  # "" -> only the body line
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
    recipients: tuple[str, ...]  # "- Lưu: VT, Hồ sơ." is appended
    record_digest: str  # hex SHA-256 of the meeting record
    draft: bool  # True -> a "DỰ THẢO" watermark on every page
    speaking_times: tuple[MinutesSpeakingTime, ...] = ()
    written_opinions: tuple[MinutesOpinion, ...] = ()


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
    layout.flow(_body_html(data))
    _flow_speakers_and_opinions(layout, data)
    secretary_box, chair_box = _closing(layout, data)
    layout.flow(_recipients_html(data), gap=_RECIPIENTS_GAP)
    layout.fixed(
        f'<p class="footer">Mã kiểm tra hồ sơ cuộc họp: {_text(data.record_digest[:16])}…</p>',
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

    body = _clean(data.body).upper()
    parent = _clean(data.parent_body).upper()
    markup = f'<p class="center" style="font-size: 13pt">{_text(parent)}</p>' if parent else ""
    markup += f'<p class="center" style="font-size: 13pt"><b>{_text(body)}</b></p>'
    left_filled = layout.fixed(markup, left)
    body_width = min(bold.text_length(body, fontsize=13), left.width)
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


def _body_html(data: MinutesData) -> str:
    parts: list[str] = []
    add = parts.append
    add(f"<p><b>Thời gian bắt đầu:</b> {_text(_moment(data.started_at))}.</p>")
    add(f"<p><b>Địa điểm:</b> {_text(_clean(data.location))}.</p>")
    add('<p class="line"><b>Thành phần tham dự:</b></p>')
    add(
        '<p class="line">- Chủ trì (chủ tọa): '
        f"{_text(_person(data.chair.name, data.chair.title))}.</p>"
    )
    add(
        '<p class="line">- Thư ký (người ghi biên bản): '
        f"{_text(_person(data.secretary.name, data.secretary.title))}.</p>"
    )
    members = [a for a in data.attendees if a.role in ("chair", "member")]
    present = [a for a in members if a.present]
    absent = [a for a in members if not a.present]
    guests = [a for a in data.attendees if a.role == "guest" and a.present]
    if members:
        add(
            f'<p class="line">- Thành viên có mặt ({len(present)}/{len(members)})'
            f"{':' if present else '.'}</p>"
        )
        parts.extend(_people_lines(_person(a.name, a.title, a.note) for a in present))
    if absent:
        add(f'<p class="line">- Thành viên vắng mặt ({len(absent)}):</p>')
        parts.extend(
            _people_lines(
                _person(a.name, a.title, f"lý do: {a.note}" if a.note else "không có lý do")
                for a in absent
            )
        )
    if guests:
        add('<p class="line">- Khách mời:</p>')
        parts.extend(_people_lines(_person(a.name, a.title, a.note) for a in guests))

    add('<p class="heading">NỘI DUNG</p>')
    if not data.items:
        add("<p>Cuộc họp không có nội dung trong chương trình.</p>")
    for item in data.items:
        add(f'<p class="item">{item.position}. {_text(_clean(item.title))}</p>')
        if item.presenter.strip():
            add(f"<p><i>Người trình bày:</i> {_text(_clean(item.presenter))}.</p>")
        if item.documents:
            documents = "; ".join(_clean(d) for d in item.documents)
            add(f"<p><i>Tài liệu:</i> {_text(documents)}.</p>")
        for vote in item.votes:
            add(_vote_html(vote))
        paragraphs = _paragraphs(item.conclusion)
        if paragraphs:
            add(f"<p><i>Kết luận:</i> {_text(paragraphs[0])}</p>")
            parts.extend(f"<p>{_text(p)}</p>" for p in paragraphs[1:])

    conclusion = _paragraphs(data.general_conclusion)
    if conclusion:
        add('<p class="heading">KẾT LUẬN CHUNG</p>')
        parts.extend(f"<p>{_text(p)}</p>" for p in conclusion)
    return "".join(parts)


def _vote_html(vote: MinutesVote) -> str:
    counts = (
        f"tán thành {vote.yes}/{vote.eligible}, không tán thành {vote.no}, "
        f"không ý kiến {vote.abstain}, chưa biểu quyết {vote.not_voted}"
    )
    if vote.election:
        counts = f"số phiếu {vote.eligible - vote.not_voted}/{vote.eligible}"
    rule = _clean(vote.rule_text)
    if vote.passed is None:
        result = "<b>biểu quyết đã bị hủy</b>, không có kết quả"
    elif vote.passed:
        result = "<b>được thông qua</b>"
    else:
        result = "<b>không được thông qua</b>"
    if rule and vote.passed is not None:
        result += f" (yêu cầu: {_text(rule)})"
    return (
        f"<p><i>Biểu quyết:</i> {_text(_clean(vote.question))}. "
        f"Kết quả: {_text(counts)}; {result}.</p>"
    ) + _vote_details_html(vote)


def _vote_details_html(vote: MinutesVote) -> str:
    """The lines issue 5 adds under a vote: kind, override, election, names."""
    return "".join(f"<p>{_text(_clean(line))}</p>" for line in vote.details)


def _flow_speakers_and_opinions(layout: _Layout, data: MinutesData) -> None:
    """Written opinions closed since the previous meeting, then the time each person spoke.
    A heading never ends a page: it moves on with its first entry."""
    for heading, entries in _speakers_and_opinions(data):
        first = layout.measure(heading + entries[0], _CONTENT_WIDTH)
        if layout.y + first > _BOTTOM:
            layout.new_page()
        layout.flow(heading + "".join(entries))


def _speakers_and_opinions(data: MinutesData) -> list[tuple[str, list[str]]]:
    sections: list[tuple[str, list[str]]] = []
    if data.written_opinions:
        entries = []
        for n, o in enumerate(data.written_opinions, start=1):
            closed = o.closed_at.astimezone(VIETNAM_TZ)
            answered = o.yes + o.no + o.abstain
            result = "<b>được thông qua</b>" if o.passed else "<b>không được thông qua</b>"
            entries.append(
                f"<p>{n}. {_text(_clean(o.question))} Phiếu kết thúc lúc "
                f"{closed:%H} giờ {closed:%M} phút, ngày {closed:%d/%m/%Y}; "
                f"{answered}/{o.eligible} thành viên trả lời: tán thành {o.yes}, "
                f"không tán thành {o.no}, không ý kiến {o.abstain}, "
                f"không trả lời {o.eligible - answered}. Kết quả: {result} "
                f"(yêu cầu: {_text(_clean(o.rule_text))}).</p>"
            )
        sections.append(('<p class="heading">KẾT QUẢ LẤY Ý KIẾN BẰNG VĂN BẢN</p>', entries))
    if data.speaking_times:
        entries = _people_lines(
            f"{_clean(s.name) or _BLANK}: {s.turns} lượt, {_duration(s.seconds)}"
            for s in data.speaking_times
        )
        total = sum(s.seconds for s in data.speaking_times)
        entries.append(f'<p class="line">Tổng thời gian phát biểu: {_duration(total)}.</p>')
        sections.append(('<p class="heading">THỜI GIAN PHÁT BIỂU</p>', entries))
    return sections


def _duration(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} phút {rest:02d} giây" if minutes else f"{rest} giây"


def _closing(layout: _Layout, data: MinutesData) -> tuple[SignatureBox, SignatureBox]:
    """The end-time sentence, then THƯ KÝ on the left and CHỦ TỌA on the right, each with its
    box. The signatures never split across pages, nor stand alone on a page without text;
    a short "Nơi nhận" list stays on their page too."""
    end_sentence = f"<p>{_text(_end_sentence(data))}</p>"
    column = _CONTENT_WIDTH / 2
    heading_h = layout.measure('<p class="title">THƯ KÝ</p>', column)
    names = (_clean(data.secretary.name) or _BLANK, _clean(data.chair.name) or _BLANK)
    names_h = max(layout.measure(f'<p class="title">{_text(n)}</p>', column) for n in names)
    gap_before = 16.0
    needed = gap_before + heading_h + 4 + SIGNATURE_BOX_HEIGHT + 4 + names_h
    closing = layout.measure(end_sentence, _CONTENT_WIDTH) + needed
    recipients = _RECIPIENTS_GAP + layout.measure(_recipients_html(data), _CONTENT_WIDTH)
    if recipients > (_BOTTOM - MARGIN_TOP) / 3:
        recipients = 0  # a long list may run on to the next page
    if layout.y + closing + recipients > _BOTTOM:
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


def _recipients_html(data: MinutesData) -> str:
    lines = [f'<p class="recipient">- {_text(_list_entry(r))}</p>' for r in data.recipients]
    lines.append('<p class="recipient">- Lưu: VT, Hồ sơ.</p>')
    return '<p class="recipients-heading">Nơi nhận:</p>' + "".join(lines)


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


def _list_entry(text: str) -> str:
    entry = _clean(text).lstrip("-+ ").rstrip()
    return entry if entry.endswith((";", ".", ":")) else entry + ";"


def _number_line(data: MinutesData) -> str:
    number = f"{data.number:02d}" if data.number is not None else "\u00a0" * 10
    code = _clean(data.body_code)
    return f"Số: {number}/BB-{code}" if code else f"Số: {number}/BB"


def _place_and_date(data: MinutesData) -> str:
    day = data.meeting_date
    # Decree 30: a leading zero for days under 10 and for January and February.
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{_clean(data.place_name)}, ngày {day.day:02d} tháng {month} năm {day.year}"


def _moment(moment: datetime) -> str:
    local = moment.astimezone(VIETNAM_TZ)
    return f"{local:%H} giờ {local:%M} phút, ngày {local:%d/%m/%Y}"


def _end_sentence(data: MinutesData) -> str:
    if data.ended_at is None:
        return "Cuộc họp kết thúc vào lúc ..... giờ ..... phút, ngày ...../...../........../."
    end = data.ended_at.astimezone(VIETNAM_TZ)
    start = data.started_at.astimezone(VIETNAM_TZ)
    if end.date() == start.date():
        return f"Cuộc họp kết thúc vào lúc {end:%H} giờ {end:%M} phút cùng ngày./."
    return f"Cuộc họp kết thúc vào lúc {_moment(end)}./."


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in _clean_keep_lines(text).splitlines() if line.strip()]


def _clean(text: str) -> str:
    """NFC (precomposed Vietnamese letters) on one line."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _clean_keep_lines(text: str) -> str:
    return unicodedata.normalize("NFC", text).replace("\r\n", "\n")


def _text(text: str) -> str:
    return html.escape(text, quote=False)
