"""The member's annotated copy (issue 11 §4): their annotations, and the shared ones they may
see, written onto the cleaned PDF as standard PDF annotations that any reader shows and edits.

- ink → one /Ink per stroke, /BS /W the stroke's width in points, marker strokes at /CA 0.35;
- highlight → /Highlight with one quadrilateral per rectangle (/QuadPoints);
- note → /Text (the sticky-note icon) with the text as /Contents;
- text → /FreeText whose appearance is drawn here in Liberation Serif (every Vietnamese glyph)
  rather than by MuPDF, which mixes Nimbus Sans with a Noto Serif fallback for ệ, ặ, ữ.

Every annotation carries its owner's name (/T), its dates (/CreationDate, /M) and its id (/NM),
so a reader lists it under the right author and the same id comes back on every export.

Coordinates come as the contract gives them: fractions of the page as it is shown (rotation
applied, origin at the cropbox's top-left corner, y down). The page's derotation matrix turns
them into its unrotated space, and its transformation matrix (taken while /Rotate is 0, which
is when PyMuPDF's is right) into PDF space, MediaBox and CropBox offsets included.

The input is checked whole before the PDF is touched: anything malformed is a
`meetings.errors` refusal naming the annotation, never a half-written or broken file.
Which annotations a person may export, and the document policy, are the caller's business.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pymupdf

from meetings.documents.pages import watermark_page
from meetings.errors import DomainError, invalid
from meetings.minutes.fonts import SerifStyle, serif_font

KINDS = ("ink", "highlight", "note", "text")
TOOLS = ("pen", "marker")
MAX_POINTS = 4000  # per stroke, as the contract says
MAX_TEXT = 20_000  # characters of a note or a text box
MAX_RECTS = 2000  # rectangles of one highlight
MAX_WIDTH = 0.25  # a stroke's width, fraction of the page width
MAX_SIZE = 0.25  # a text box's font size, fraction of the page width
MARKER_OPACITY = 0.35
# How far a stroke's width follows the pen's pressure, as in perfect-freehand (`thinning`): the
# width drawn at pressure p is width × (1 − t + 2·t·p), so p = 0.5 (a mouse, a finger) draws
# exactly `width`. A PDF ink annotation has one width per stroke: we write the mean of that over
# the stroke's points. The marker is a felt-tip: its width does not follow pressure.
THINNING = {"pen": 0.5, "marker": 0.0}
NOTE_ICON = 20.0  # points: room for the sticky-note icon (MuPDF draws it 16 pt square)
TEXT_INSET = 1.0  # points between a text box's edge and its text
MIN_FONT = 4.0  # points: a text box's text shrinks to fit its box, but not below this
# Coordinates a little off the page are kept (a stroke that ran over the edge); further out
# the annotation is garbage.
SLACK = 0.5

_PRINT, _NO_ZOOM, _NO_ROTATE = 4, 8, 16  # annotation flags (/F), ISO 32000 table 165
_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


def stroke_width(width: float, pressure: float, tool: str = "pen") -> float:
    """The width a stroke is drawn with at one point, in the unit `width` is given in."""
    thinning = THINNING[tool]
    return width * (1 - thinning + 2 * thinning * min(1.0, max(0.0, pressure)))


@dataclass(frozen=True)
class _Meta:
    id: str
    page: int
    kind: str
    color: tuple[float, float, float]
    owner: str
    created: str | None  # PDF date strings
    modified: str | None


@dataclass(frozen=True)
class _Ink:
    points: list[tuple[float, float]]
    width: float  # mean drawn width, fraction of the page width
    marker: bool


@dataclass(frozen=True)
class _Highlight:
    rects: list[tuple[float, float, float, float]]


@dataclass(frozen=True)
class _Note:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class _TextBox:
    rect: tuple[float, float, float, float]
    text: str
    size: float  # font size, fraction of the page width


_Shape = _Ink | _Highlight | _Note | _TextBox


def annotated_pdf(pdf: bytes, annotations: list[dict[str, Any]], *,
                  watermark: str | None = None) -> bytes:
    """The PDF `pdf` with `annotations` (the contract's JSON shape) added as standard PDF
    annotations, and `watermark` stamped on every page when given. Unplaced annotations
    (carry-over could not place them on this version) are left out."""
    marks = [_parse(a, i) for i, a in enumerate(annotations)
             if not (isinstance(a, dict) and a.get("placement") == "unplaced")]
    seen: set[str] = set()
    for meta, _ in marks:
        if meta.id in seen:
            raise _refused(meta.id, "xuất hiện hai lần", "appears twice")
        seen.add(meta.id)
    try:
        doc = pymupdf.open(stream=pdf, filetype="pdf")
    except (RuntimeError, ValueError) as exc:
        raise _unreadable() from exc
    with doc:
        if not doc.is_pdf or doc.needs_pass or doc.page_count == 0:
            raise _unreadable()
        for meta, _ in marks:
            if meta.page > doc.page_count:
                raise _refused(
                    meta.id,
                    f"nằm ở trang {meta.page}, nhưng tài liệu chỉ có {doc.page_count} trang",
                    f"is on page {meta.page}, but the document has {doc.page_count} pages",
                )
        pages = len(doc)
        frames = {n: _Frame.of(doc[n - 1]) for n in {meta.page for meta, _ in marks}}
        # The text boxes' appearances first: they are drawn on scratch pages, and adding or
        # removing a page unbinds annotations already made.
        boxes = [(meta, shape) for meta, shape in marks if isinstance(shape, _TextBox)]
        forms: dict[str, int] = {}
        if boxes:
            font = _subset_font(SerifStyle.REGULAR, (box.text for _, box in boxes))
            for meta, box in boxes:
                forms[meta.id] = _text_appearance(doc, frames[meta.page], box, meta.color, font)
            doc.delete_pages(pages, len(doc) - 1)
        for number, frame in sorted(frames.items()):
            _annotate_page(doc, doc[number - 1], frame,
                           [m for m in marks if m[0].page == number], forms)
        if watermark:
            bold = _subset_font(SerifStyle.BOLD, [watermark])
            for number in range(pages):
                watermark_page(doc[number], watermark, bold)
        # garbage=1 drops what the scratch pages and MuPDF's own text box appearances left
        # (deduplicating, garbage=3, took 40 % of the time on 1000 long strokes and saved
        # nothing); object streams compress the /InkList arrays, which are not streams
        out = bytes(doc.tobytes(garbage=1, deflate=True, use_objstms=1))
    with pymupdf.open(stream=out, filetype="pdf") as check:  # never hand out a broken file
        if check.page_count != pages:
            raise _unreadable()
    return out


def pdf_date(iso: str) -> str:
    """An ISO 8601 time (UTC when it names no zone) as a PDF date string."""
    moment = datetime.fromisoformat(iso)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("D:%Y%m%d%H%M%S+00'00'")


# --- drawing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Frame:
    """One page as the contract sees it: fractions of the shown page → unrotated points."""

    width: float
    height: float
    rotation: int
    derotate: pymupdf.Matrix

    @classmethod
    def of(cls, page: pymupdf.Page) -> _Frame:
        return cls(page.rect.width, page.rect.height, page.rotation, page.derotation_matrix)

    def shown(self, r: tuple[float, float, float, float]) -> pymupdf.Rect:
        return pymupdf.Rect(r[0] * self.width, r[1] * self.height,
                            r[2] * self.width, r[3] * self.height)

    def quad(self, r: tuple[float, float, float, float]) -> pymupdf.Quad:
        # the corners keep their meaning: the top-left as shown stays the quad's first point
        return pymupdf.Quad(self.shown(r).quad * self.derotate)


def _annotate_page(doc: pymupdf.Document, page: pymupdf.Page, frame: _Frame,
                   marks: list[tuple[_Meta, _Shape]], forms: dict[str, int]) -> None:
    # PyMuPDF adds annotations in unrotated space (it sets /Rotate 0 around each call itself);
    # doing it once for the page keeps every step in the same space.
    if frame.rotation:
        page.set_rotation(0)
    try:
        for meta, shape in marks:
            annot = _DRAW[type(shape)](page, frame, meta, shape)
            _label(doc, annot, meta, forms.get(meta.id))
    finally:
        if frame.rotation:
            page.set_rotation(frame.rotation)


def _draw_ink(page: pymupdf.Page, frame: _Frame, meta: _Meta, ink: _Ink) -> pymupdf.Annot:
    # A stroke has up to 4000 points: PyMuPDF's per-point transforms took 30 µs each, so the
    # /InkList is written here in PDF space with plain arithmetic (the page is unrotated now,
    # so its transformation matrix is MuPDF's own) and MuPDF draws the appearance from it.
    a, b, c, d, e, f = _affine(frame.derotate * ~page.transformation_matrix)
    w, h = frame.width, frame.height
    coords = []
    for x, y in ink.points:
        sx, sy = x * w, y * h
        coords.append(f"{a * sx + c * sy + e:.2f} {b * sx + d * sy + f:.2f}")
    if len(coords) == 1:  # a dot: a zero-length segment, drawn with round caps
        coords.append(coords[0])
    annot = page.add_ink_annot([[(0, 0), (0, 0)]])  # its /InkList is replaced just below
    page.parent.xref_set_key(annot.xref, "InkList", f"[[{' '.join(coords)}]]")
    annot.set_border(width=ink.width * frame.width)
    annot.set_colors(stroke=meta.color)
    if ink.marker:
        annot.set_opacity(MARKER_OPACITY)
    return annot


def _affine(m: pymupdf.Matrix) -> tuple[float, float, float, float, float, float]:
    return (float(m.a), float(m.b), float(m.c), float(m.d), float(m.e), float(m.f))


def _draw_highlight(page: pymupdf.Page, frame: _Frame, meta: _Meta,
                    mark: _Highlight) -> pymupdf.Annot:
    annot = page.add_highlight_annot(quads=[frame.quad(r) for r in mark.rects])
    annot.set_colors(stroke=meta.color)
    return annot


def _draw_note(page: pymupdf.Page, frame: _Frame, meta: _Meta, note: _Note) -> pymupdf.Annot:
    # The icon's top-left corner at the note's place, kept whole on the page as shown. Readers
    # draw the icon upright (NoRotate) and the same size at any zoom (NoZoom), turning it about
    # its unrotated top-left corner: that corner is the one placed here, wherever it is shown.
    x = min(max(0.0, note.x * frame.width), frame.width - NOTE_ICON)
    y = min(max(0.0, note.y * frame.height), frame.height - NOTE_ICON)
    annot = page.add_text_annot(pymupdf.Point(x, y) * frame.derotate, note.text, icon="Note")
    annot.set_colors(stroke=meta.color)
    annot.set_flags(_PRINT | _NO_ZOOM | _NO_ROTATE)
    return annot


def _draw_text(page: pymupdf.Page, frame: _Frame, meta: _Meta,
               box: _TextBox) -> pymupdf.Annot:
    return page.add_freetext_annot(
        _text_box(frame, box) * frame.derotate, box.text, fontsize=box.size * frame.width,
        fontname="Helv", text_color=meta.color, rotate=frame.rotation,
    )


def _text_box(frame: _Frame, box: _TextBox) -> pymupdf.Rect:
    """The box as shown, in points; one too small for a line at the smallest size grows."""
    shown = frame.shown(box.rect)
    shown.y1 = max(shown.y1, shown.y0 + MIN_FONT * 1.5 + 2 * TEXT_INSET)
    shown.x1 = max(shown.x1, shown.x0 + MIN_FONT * 2 + 2 * TEXT_INSET)
    return shown


_DRAW: dict[type, Callable[..., pymupdf.Annot]] = {
    _Ink: _draw_ink, _Highlight: _draw_highlight, _Note: _draw_note, _TextBox: _draw_text,
}


def _text_appearance(doc: pymupdf.Document, frame: _Frame, box: _TextBox,
                     color: tuple[float, float, float], font: pymupdf.Font) -> int:
    """A form XObject showing the box's text wrapped in the box, upright as the page is shown.
    The lines are laid out on a scratch page at the end of `doc` (the caller deletes it) so
    that the font lands in `doc`; the page's content becomes the form."""
    shown = _text_box(frame, box)
    width, height = shown.width, shown.height
    fontsize = box.size * frame.width
    scratch = doc.new_page(width=width, height=height)
    inner = pymupdf.Rect(TEXT_INSET, TEXT_INSET, width - TEXT_INSET, height - TEXT_INSET)
    text = unicodedata.normalize("NFC", box.text)
    while True:
        writer = pymupdf.TextWriter(scratch.rect, color=color)
        try:
            fits = not writer.fill_textbox(inner, text, font=font, fontsize=fontsize)
        except ValueError:  # not even one line fits at this size
            fits = False
        if fits or fontsize <= MIN_FONT:
            break
        fontsize = max(MIN_FONT, fontsize * 0.9)
    writer.write_text(scratch)
    content = scratch.read_contents()
    _, resources = doc.xref_get_key(scratch.xref, "Resources")
    # rotated so that, on a page with /Rotate, the text reads upright as the page is shown
    turn = pymupdf.Matrix(frame.rotation)
    matrix = " ".join(f"{v:g}" for v in (turn.a, turn.b, turn.c, turn.d, 0, 0))
    form = doc.get_new_xref()
    doc.update_object(
        form,
        f"<</Type/XObject/Subtype/Form/BBox[0 0 {width:g} {height:g}]"
        f"/Matrix[{matrix}]/Resources {resources}>>",
    )
    doc.update_stream(form, content)
    return int(form)


def _subset_font(style: SerifStyle, texts: Iterable[str]) -> pymupdf.Font:
    """Liberation Serif cut down to the characters of `texts`: the full font is 400 kB, the
    text boxes or the watermark need a few dozen glyphs."""
    wanted = {ch for text in texts for ch in unicodedata.normalize("NFC", text)}
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["FFTM"]  # FontForge's timestamps: fontTools cannot subset them
    font = TTFont(str(serif_font(style)))
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(wanted)) + " ")
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return pymupdf.Font(fontbuffer=out.getvalue())


def _label(doc: pymupdf.Document, annot: pymupdf.Annot, meta: _Meta, form: int | None) -> None:
    info: dict[str, str] = {"title": meta.owner}
    if meta.created:
        info["creationDate"] = meta.created
    if meta.modified:
        info["modDate"] = meta.modified
    annot.set_info(**info)
    annot.update()
    if form is not None:  # after update(), which would draw MuPDF's own appearance
        doc.xref_set_key(annot.xref, "AP", f"<</N {form} 0 R>>")
        # MuPDF writes a callout line (/CL) from the page's corner though none was asked for;
        # a reader that redraws the box would draw that line across the page.
        pymupdf.mupdf.pdf_annot_obj(annot.this).pdf_dict_dels("CL")
    doc.xref_set_key(annot.xref, "NM", pymupdf.get_pdf_str(meta.id))


# --- checking the input ---------------------------------------------------------------------


def _unreadable() -> DomainError:
    return invalid(
        "annotated_pdf_unreadable",
        "Không đọc được tệp PDF của tài liệu nên chưa tạo được bản kèm chú thích. Vui lòng "
        "báo thư ký tải lại tài liệu.",
        "The document's PDF could not be read, so the annotated copy was not made. Please ask "
        "the secretary to upload the document again.",
    )


def _refused(ident: str, vi: str, en: str) -> DomainError:
    return invalid(
        "bad_annotation",
        f"Chưa tạo được bản tài liệu kèm chú thích: chú thích {ident} {vi}. Vui lòng xóa hoặc "
        "vẽ lại chú thích đó rồi tải xuống lại.",
        f"The annotated copy was not made: annotation {ident} {en}. Please delete or redraw "
        "that annotation and download again.",
        annotation=ident,
    )


def _parse(raw: Any, index: int) -> tuple[_Meta, _Shape]:
    if not isinstance(raw, dict):
        raise _refused(f"#{index + 1}", "không đúng định dạng", "is not an annotation")
    ident = raw.get("id")
    if not isinstance(ident, str) or not _ID.fullmatch(ident):
        raise _refused(f"#{index + 1}", "có mã không hợp lệ", "has an invalid id")

    def bad(vi: str, en: str) -> DomainError:
        return _refused(ident, vi, en)

    page = raw.get("page")
    if type(page) is not int or page < 1:
        raise bad("có số trang không hợp lệ", "has an invalid page number")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise bad("có loại không hợp lệ", "has an unknown kind")
    color = raw.get("color")
    if not isinstance(color, str) or not _COLOR.fullmatch(color):
        raise bad("có màu không hợp lệ (cần dạng #rrggbb)", "has an invalid colour (#rrggbb)")
    owner = raw.get("owner")
    name = owner.get("name") if isinstance(owner, dict) else None
    if not isinstance(name, str) or len(name) > 200:
        raise bad("thiếu tên người tạo", "has no owner's name")
    dates: list[str | None] = []
    for key in ("created_at", "updated_at"):
        value = raw.get(key)
        try:
            dates.append(pdf_date(value) if value is not None else None)
        except (TypeError, ValueError):
            raise bad("có thời gian không hợp lệ", "has an invalid time") from None
    data = raw.get("data")
    if not isinstance(data, dict):
        raise bad("thiếu nội dung", "has no data")
    meta = _Meta(ident, page, kind, _rgb(color), name, dates[0], dates[1])
    return meta, _SHAPES[kind](data, bad)


def _rgb(color: str) -> tuple[float, float, float]:
    return (int(color[1:3], 16) / 255, int(color[3:5], 16) / 255, int(color[5:7], 16) / 255)


_Bad = Callable[[str, str], DomainError]


def _number(value: Any, bad: _Bad, low: float, high: float) -> float:
    if type(value) not in (int, float) or not math.isfinite(value) or not low <= value <= high:
        raise bad("có tọa độ hoặc kích thước không hợp lệ", "has an invalid coordinate or size")
    return float(value)


def _place(value: Any, bad: _Bad) -> float:
    return _number(value, bad, -SLACK, 1 + SLACK)


def _rect(value: Any, bad: _Bad) -> tuple[float, float, float, float]:
    if not isinstance(value, list | tuple) or len(value) != 4:
        raise bad("có hình chữ nhật không hợp lệ", "has an invalid rectangle")
    x0, y0, x1, y1 = (_place(v, bad) for v in value)
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _text(value: Any, bad: _Bad) -> str:
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise bad(f"có văn bản không hợp lệ (tối đa {MAX_TEXT} ký tự)",
                  f"has invalid text (at most {MAX_TEXT} characters)")
    return value


def _parse_ink(data: dict[str, Any], bad: _Bad) -> _Ink:
    points = data.get("points")
    if not isinstance(points, list | tuple) or not 1 <= len(points) <= MAX_POINTS:
        raise bad(f"có nét vẽ không hợp lệ (1 đến {MAX_POINTS} điểm)",
                  f"has an invalid stroke (1 to {MAX_POINTS} points)")
    tool = data.get("tool", "pen")
    if tool not in TOOLS:
        raise bad("có bút không hợp lệ", "has an unknown tool")
    width = _number(data.get("width"), bad, 0.0, MAX_WIDTH)
    if width <= 0:
        raise bad("có độ dày nét bằng 0", "has a zero width")
    xy: list[tuple[float, float]] = []
    pressure = 0.0
    for point in points:
        if not isinstance(point, list | tuple) or len(point) not in (2, 3):
            raise bad("có điểm không hợp lệ", "has an invalid point")
        xy.append((_place(point[0], bad), _place(point[1], bad)))
        pressure += _number(point[2], bad, 0.0, 1.0) if len(point) == 3 else 0.5
    mean = stroke_width(width, pressure / len(points), tool)
    return _Ink(xy, mean, tool == "marker")


def _parse_highlight(data: dict[str, Any], bad: _Bad) -> _Highlight:
    rects = data.get("rects")
    if not isinstance(rects, list | tuple) or not 1 <= len(rects) <= MAX_RECTS:
        raise bad("không có vùng tô sáng hợp lệ", "has no valid highlighted area")
    return _Highlight([_rect(r, bad) for r in rects])


def _parse_note(data: dict[str, Any], bad: _Bad) -> _Note:
    return _Note(_place(data.get("x"), bad), _place(data.get("y"), bad),
                 _text(data.get("text"), bad))


def _parse_text(data: dict[str, Any], bad: _Bad) -> _TextBox:
    size = _number(data.get("size"), bad, 0.0, MAX_SIZE)
    if size <= 0:
        raise bad("có cỡ chữ bằng 0", "has a zero font size")
    return _TextBox(_rect(data.get("rect"), bad), _text(data.get("text"), bad), size)


_SHAPES: dict[str, Callable[[dict[str, Any], _Bad], _Shape]] = {
    "ink": _parse_ink, "highlight": _parse_highlight, "note": _parse_note, "text": _parse_text,
}
