"""The annotated copy (meetings.annotations.export): a real four-page Vietnamese PDF (a plain
A4 page, a page turned by /Rotate 90, a page whose MediaBox does not start at 0,0 with a
smaller CropBox, a page with both an offset MediaBox and /Rotate 270) gets ink, marker,
highlight, sticky note and text box annotations; a second library (pypdf) reads them back as
standard PDF annotations, poppler's `pdftoppm` renders them where the tablet drew them, and
PyMuPDF reads the text box's Vietnamese back from its appearance.

Expected PDF coordinates are computed here from the raw boxes and /Rotate, not with PyMuPDF's
matrices, so a wrong transformation in the export cannot also be wrong in the test."""

from __future__ import annotations

import io
import math
import subprocess
from itertools import pairwise
from pathlib import Path
from typing import Any

import pymupdf
import pypdf
import pytest
from PIL import Image

from meetings.annotations.export import MAX_POINTS, annotated_pdf, stroke_width
from meetings.documents.pages import render_page
from meetings.errors import DomainError, Kind
from meetings.minutes.fonts import serif_font
from tests.conftest import require_tool

# (MediaBox, CropBox, /Rotate), written as raw PDF keys
PAGES: list[tuple[list[float] | None, list[float] | None, int]] = [
    (None, None, 0),
    (None, None, 90),
    ([100, 200, 712, 992], [130, 240, 682, 960], 0),
    ([100, 200, 712, 992], None, 270),
]
LINES = [
    "Nghị quyết về kế hoạch đầu tư công năm 2027",
    "Điều 5. Nghiệp vụ đặc biệt được thực hiện ngay",
    "Ủy ban nhân dân xã chịu trách nhiệm thi hành.",
]
AN = {"id": 7, "name": "Nguyễn Văn An"}
BINH = {"id": 9, "name": "Trần Thị Bình"}
CREATED, UPDATED = "2026-11-30T04:19:54Z", "2026-11-30T05:01:02.123456+00:00"
PEN = "#0d47a1"  # colours far from each other and from the watermark's red
MARKER = "#00c853"
HIGHLIGHT = "#ffeb3b"
NOTE = "#6a1b9a"
TEXT = "#bf360c"
NOTE_TEXT = "Đề nghị làm rõ điều 5: ệ ặ ữ đ"
BOX_TEXT = "Ý kiến: Nghiệp vụ đặc biệt cần bổ sung số liệu (ệ ặ ữ đ)"
PEN_POINTS = [[0.15, 0.30, 0.2], [0.30, 0.42, 0.6], [0.45, 0.30, 0.9], [0.60, 0.40, 0.9]]
BOX = [0.45, 0.68, 0.95, 0.86]


def vietnamese_pdf() -> bytes:
    """Four pages of Vietnamese text set in Liberation Serif, each reading upright as shown."""
    doc = pymupdf.open()
    for mediabox, cropbox, rotation in PAGES:
        page = doc.new_page(width=595, height=842)
        if mediabox:
            doc.xref_set_key(page.xref, "MediaBox", f"[{' '.join(map(str, mediabox))}]")
        if cropbox:
            doc.xref_set_key(page.xref, "CropBox", f"[{' '.join(map(str, cropbox))}]")
        if rotation:
            doc.xref_set_key(page.xref, "Rotate", str(rotation))
    for page in doc:
        page.insert_font(fontname="serif", fontfile=str(serif_font()))
        for i, line in enumerate(LINES):
            at = pymupdf.Point(0.1 * page.rect.width, (0.12 + 0.06 * i) * page.rect.height)
            page.insert_text(at * page.derotation_matrix, line, fontname="serif", fontsize=16,
                             rotate=page.rotation)
    return bytes(doc.tobytes(garbage=3, deflate=True))


def word_rects(pdf: bytes, number: int, words: list[str]) -> list[list[float]]:
    """Boxes of `words` on page `number` as the contract gives them: fractions of the page as
    shown (PyMuPDF reports words in unrotated space; the rotation matrix turns them)."""
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        page = doc[number - 1]
        w, h = page.rect.width, page.rect.height
        found = []
        for x0, y0, x1, y1, word, *_ in page.get_text("words"):
            if word in words:
                r = pymupdf.Rect(x0, y0, x1, y1) * page.rotation_matrix
                found.append([r.x0 / w, r.y0 / h, r.x1 / w, r.y1 / h])
    assert len(found) == len(words)
    return found


def annotations_for(pdf: bytes) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for n in range(1, len(PAGES) + 1):
        common = {"document_id": 12, "version": 2, "page": n, "placement": "placed",
                  "created_at": CREATED, "updated_at": UPDATED, "rev": 3}
        out += [
            {**common, "id": f"pen-stroke-{n}", "kind": "ink", "color": PEN, "owner": AN,
             "data": {"points": PEN_POINTS, "width": 0.008, "tool": "pen"}},
            {**common, "id": f"marker-stroke-{n}", "kind": "ink", "color": MARKER,
             "owner": AN,
             "data": {"points": [[0.1, 0.55, 0.5], [0.6, 0.55, 0.5]], "width": 0.02,
                      "tool": "marker"}},
            {**common, "id": f"highlight-{n}", "kind": "highlight", "color": HIGHLIGHT,
             "owner": BINH,
             "data": {"rects": word_rects(pdf, n, ["Nghiệp", "đặc"]),
                      "target": {"quote": {"exact": "Nghiệp vụ đặc", "prefix": "5. ",
                                           "suffix": " biệt"},
                                 "position": {"start": 60, "end": 73}}}},
            {**common, "id": f"sticky-note-{n}", "kind": "note", "color": NOTE, "owner": BINH,
             "data": {"x": 0.8, "y": 0.05, "text": NOTE_TEXT}},
            {**common, "id": f"text-box-{n}", "kind": "text", "color": TEXT, "owner": AN,
             "data": {"rect": BOX, "text": BOX_TEXT, "size": 0.022}},
        ]
    return out


@pytest.fixture(scope="module")
def source() -> bytes:
    return vietnamese_pdf()


@pytest.fixture(scope="module")
def exported(source: bytes) -> bytes:
    return annotated_pdf(source, annotations_for(source))


def shown_size(page: pypdf.PageObject) -> tuple[float, float]:
    box = page.cropbox
    w, h = float(box.width), float(box.height)
    return (h, w) if page.rotation % 180 else (w, h)


def to_pdf(page: pypdf.PageObject, x: float, y: float) -> tuple[float, float]:
    """A point given as fractions of the page as shown (y down) → PDF user space."""
    box = page.cropbox
    x0, y0, x1, y1 = (float(box.left), float(box.bottom), float(box.right), float(box.top))
    w, h = shown_size(page)
    sx, sy = x * w, y * h
    return {
        0: (x0 + sx, y1 - sy),
        90: (x0 + sy, y0 + sx),
        180: (x1 - sx, y0 + sy),
        270: (x1 - sy, y1 - sx),
    }[page.rotation % 360]


def close(a: float, b: float, tol: float = 0.05) -> bool:
    return abs(a - b) <= tol


def by_name(page: pypdf.PageObject) -> dict[str, Any]:
    found = {}
    for ref in page.get("/Annots", []):
        annot = ref.get_object()
        if "/NM" in annot:
            found[str(annot["/NM"])] = annot
    return found


def test_a_second_library_reads_standard_annotations(source: bytes, exported: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(exported), strict=True)
    assert len(reader.pages) == len(PAGES)
    for n, page in enumerate(reader.pages, start=1):
        assert page.rotation == PAGES[n - 1][2]  # the page keeps its rotation and boxes
        marks = by_name(page)
        assert set(marks) == {f"pen-stroke-{n}", f"marker-stroke-{n}", f"highlight-{n}",
                              f"sticky-note-{n}", f"text-box-{n}"}
        w, _ = shown_size(page)

        pen = marks[f"pen-stroke-{n}"]
        assert pen["/Subtype"] == "/Ink" and pen["/T"] == "Nguyễn Văn An"
        assert pen["/CreationDate"] == "D:20261130041954+00'00'"
        assert pen["/M"] == "D:20261130050102+00'00'"
        (stroke,) = pen["/InkList"]
        expected = [c for x, y, _ in PEN_POINTS for c in to_pdf(page, x, y)]
        assert len(stroke) == len(expected)
        assert all(close(float(a), b) for a, b in zip(stroke, expected, strict=True))
        mean_pressure = sum(p for *_, p in PEN_POINTS) / len(PEN_POINTS)
        assert close(float(pen["/BS"]["/W"]), 0.008 * w * (0.5 + mean_pressure), 0.01)
        assert float(pen.get("/CA", 1)) == 1
        assert [round(float(c), 3) for c in pen["/C"]] == [0.051, 0.278, 0.631]

        marker = marks[f"marker-stroke-{n}"]
        assert marker["/Subtype"] == "/Ink"
        assert close(float(marker["/CA"]), 0.35, 0.001)
        assert close(float(marker["/BS"]["/W"]), 0.02 * w, 0.01)

        highlight = marks[f"highlight-{n}"]
        assert highlight["/Subtype"] == "/Highlight" and highlight["/T"] == "Trần Thị Bình"
        quads = [float(v) for v in highlight["/QuadPoints"]]
        rects = word_rects(source, n, ["Nghiệp", "đặc"])
        assert len(quads) == 8 * len(rects)
        for i, (x0, y0, x1, y1) in enumerate(rects):
            # upper-left, upper-right, lower-left, lower-right as the page is shown
            corners = [to_pdf(page, x, y) for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1))]
            got = quads[8 * i:8 * i + 8]
            assert all(close(a, b) for a, b in zip(got, [c for p in corners for c in p],
                                                    strict=True))

        note = marks[f"sticky-note-{n}"]
        assert note["/Subtype"] == "/Text" and note["/Contents"] == NOTE_TEXT
        assert note["/T"] == "Trần Thị Bình" and note["/Name"] == "/Note"
        assert int(note["/F"]) == 4 | 8 | 16  # printed, upright, not zoomed
        left, bottom, right, top = (float(v) for v in note["/Rect"])
        # readers turn a NoRotate icon about its unrotated upper-left corner: that corner is
        # the note's place on the page as shown
        assert close(left, to_pdf(page, 0.8, 0.05)[0]) and close(top, to_pdf(page, 0.8, 0.05)[1])

        box = marks[f"text-box-{n}"]
        assert box["/Subtype"] == "/FreeText" and box["/Contents"] == BOX_TEXT
        assert box["/T"] == "Nguyễn Văn An" and "/CL" not in box
        corners = [to_pdf(page, x, y) for x in (BOX[0], BOX[2]) for y in (BOX[1], BOX[3])]
        want = (min(c[0] for c in corners), min(c[1] for c in corners),
                max(c[0] for c in corners), max(c[1] for c in corners))
        assert all(close(float(a), b) for a, b in zip(box["/Rect"], want, strict=True))
        # the appearance embeds its own font: Liberation Serif, cut down to what it shows
        form = box["/AP"]["/N"].get_object()
        fonts = [f.get_object() for f in form["/Resources"]["/Font"].values()]
        assert any("LiberationSerif" in str(f["/BaseFont"]).replace(" ", "") for f in fonts)
        (descendant,) = fonts[0]["/DescendantFonts"]
        embedded = descendant.get_object()["/FontDescriptor"]["/FontFile2"].get_data()
        assert len(embedded) < 60_000  # the whole font is 400 kB


def test_pymupdf_reads_them_and_the_text_box_shows_vietnamese(exported: bytes) -> None:
    with pymupdf.open(stream=exported, filetype="pdf") as doc:
        for page in doc:
            annots = {a.info["id"]: a for a in page.annots()}
            n = page.number + 1
            assert annots[f"pen-stroke-{n}"].type[1] == "Ink"
            assert annots[f"highlight-{n}"].type[1] == "Highlight"
            assert annots[f"sticky-note-{n}"].info["content"] == NOTE_TEXT
            assert annots[f"text-box-{n}"].info["title"] == "Nguyễn Văn An"
        # What a reader draws for the text box, turned into page content: its text comes back
        # in Vietnamese from the embedded font, set in Liberation Serif, reading left to right
        # as the page is shown.
        doc.bake(annots=True, widgets=False)
        for page in doc:
            spans = [s for b in page.get_text("dict")["blocks"] for ln in b.get("lines", [])
                     for s in ln["spans"] if "LiberationSerif" in s["font"]
                     and s["color"] == int(TEXT[1:], 16)]
            text = " ".join(s["text"] for s in spans)
            assert " ".join(text.split()) == BOX_TEXT, (page.number, text)
            lines = [ln for b in page.get_text("dict")["blocks"] for ln in b.get("lines", [])
                     if any(s["color"] == int(TEXT[1:], 16) for s in ln["spans"])]
            turned = pymupdf.Point(lines[0]["dir"]) * page.rotation_matrix
            shift = pymupdf.Point(0, 0) * page.rotation_matrix
            assert close(turned.x - shift.x, 1, 0.01) and close(turned.y - shift.y, 0, 0.01)


def render(pdf: bytes, tmp_path: Path, name: str, dpi: int = 72) -> list[Image.Image]:
    pdftoppm = require_tool("pdftoppm")
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    # -cropbox: show the page as readers do, not its whole MediaBox
    subprocess.run([pdftoppm, "-cropbox", "-png", "-r", str(dpi), str(path),
                    str(tmp_path / name)], check=True, timeout=120)
    return [Image.open(p).convert("RGB") for p in sorted(tmp_path.glob(f"{name}-*.png"))]


def near(c: tuple[int, ...], rgb: tuple[int, int, int], tol: int = 40) -> bool:
    return all(abs(a - b) <= tol for a, b in zip(c, rgb, strict=True))


def hexrgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def where(im: Image.Image, rgb: tuple[int, int, int], tol: int = 40) -> list[tuple[int, int]]:
    w = im.width
    return [(i % w, i // w) for i, c in enumerate(im.get_flattened_data()) if near(c, rgb, tol)]


def inside(points: list[tuple[int, int]], box: tuple[float, float, float, float]) -> bool:
    return all(box[0] <= x <= box[2] and box[1] <= y <= box[3] for x, y in points)


def test_pdftoppm_draws_each_annotation_where_the_tablet_drew_it(
        source: bytes, exported: bytes, tmp_path: Path, artifacts: Path | None) -> None:
    plain = render(source, tmp_path, "plain")
    pages = render(exported, tmp_path, "annotated")
    assert len(pages) == len(PAGES)
    with pymupdf.open(stream=source, filetype="pdf") as doc:
        sizes = [(p.rect.width, p.rect.height) for p in doc]
    for n, (im, before) in enumerate(zip(pages, plain, strict=True), start=1):
        w, h = sizes[n - 1]
        assert abs(im.width - w) <= 1 and abs(im.height - h) <= 1  # 72 dpi: 1 px = 1 pt
        pen = hexrgb(PEN)
        assert not where(before, pen)  # nothing of the pen's colour before
        # the stroke passes through each point and each segment's middle, page-relative
        pts = [(x * w, y * h) for x, y, _ in PEN_POINTS]
        mids = [((a[0] + b[0]) / 2, (a[1] + b[1]) / 2) for a, b in pairwise(pts)]
        for x, y in pts + mids:
            assert near(im.getpixel((min(int(x), im.width - 1), int(y))), pen), (n, x, y)
        half = 0.008 * w + 2
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        assert inside(where(im, pen), (min(xs) - half, min(ys) - half,
                                       max(xs) + half, max(ys) + half))
        # the marker: translucent green over white
        faded = tuple(round(255 * 0.65 + c * 0.35) for c in hexrgb(MARKER))
        x, y = int(0.35 * w), int(0.55 * h)
        assert near(im.getpixel((x, y)), faded, 12), im.getpixel((x, y))  # type: ignore[arg-type]
        # the highlight: yellow under the two words and nowhere else (its ends are rounded)
        words = word_rects(source, n, ["Nghiệp", "đặc"])
        for x0, y0, x1, y1 in words:
            area = [im.getpixel((int(x0 * w) + i, int((y0 + y1) / 2 * h)))
                    for i in range(int((x1 - x0) * w))]
            assert sum(near(c, hexrgb(HIGHLIGHT), 30) for c in area) > len(area) / 4
        assert all(any(x0 * w - 5 <= x <= x1 * w + 5 and y0 * h - 2 <= y <= y1 * h + 2
                       for x0, y0, x1, y1 in words) for x, y in where(im, hexrgb(HIGHLIGHT), 30))
        # the sticky note's icon at its place
        icon = where(im.crop((int(0.8 * w) - 2, int(0.05 * h) - 2,
                              int(0.8 * w) + 22, int(0.05 * h) + 22)), hexrgb(NOTE), 60)
        assert len(icon) > 30, n
        # the text box's letters inside the box
        ink = where(im, hexrgb(TEXT), 60)
        assert len(ink) > 80, n
        assert inside(ink, (BOX[0] * w, BOX[1] * h, BOX[2] * w + 1, BOX[3] * h + 1))
    if artifacts:
        (artifacts / "annotated-vietnamese-4-pages.pdf").write_bytes(exported)
        for n, im in enumerate(pages, start=1):
            im.save(artifacts / f"annotated-vietnamese-page-{n}.png")


def test_the_watermark_is_stamped_upright_and_centred_on_every_page(
        source: bytes, tmp_path: Path) -> None:
    mark = "Nguyễn Văn An 30/11/2026 11:20"
    out = annotated_pdf(source, annotations_for(source)[:1], watermark=mark)
    with pymupdf.open(stream=out, filetype="pdf") as doc:
        for page in doc:
            lines = [ln for b in page.get_text("dict")["blocks"] for ln in b.get("lines", [])
                     if "".join(s["text"] for s in ln["spans"]).strip() == mark]
            assert len(lines) == 3, page.number
            # the same slant on every page as it is shown: down to the right, 30 degrees
            turn = page.rotation_matrix
            d = pymupdf.Point(lines[0]["dir"]) * turn - pymupdf.Point(0, 0) * turn
            assert close(math.degrees(math.atan2(d.y, d.x)), 30, 0.5), page.number
            middle = pymupdf.Rect(lines[1]["bbox"]) * turn
            centre = pymupdf.Point(page.rect.width / 2, page.rect.height / 2)
            # the middle line's baseline runs through the centre: its box sits a little above
            assert abs((middle.tl + middle.br) / 2 - centre) < 15, page.number
    for im in render(out, tmp_path, "marked", dpi=36):
        red = where(im, (237, 201, 201), 25)  # 22 % of (0.75, 0.05, 0.05) over white
        assert len(red) > 300
        xs = sorted(x for x, _ in red)
        assert abs(xs[len(xs) // 2] - im.width / 2) < im.width / 8  # centred, not cut off


def test_page_images_of_a_rotated_page_carry_the_watermark_upright(
        source: bytes, tmp_path: Path) -> None:
    """The page images use the same helper: on the /Rotate 90 page the watermark used to be
    drawn sideways and off centre."""
    pdf = tmp_path / "source.pdf"
    pdf.write_bytes(source)
    out = render_page(str(pdf), 2, 842, str(tmp_path / "2.png"), "png",
                      watermark="Nguyễn Văn An 30/11/2026 11:20")
    im = Image.open(out).convert("RGB")
    assert im.width == 842 and im.height == 595
    red = where(im, (237, 201, 201), 25)
    assert len(red) > 2000
    xs, ys = sorted(x for x, _ in red), sorted(y for _, y in red)
    assert abs(xs[len(xs) // 2] - 421) < 60 and abs(ys[len(ys) // 2] - 297) < 60
    # the lines' direction, from the red pixels' spread: 30 degrees down to the right as the
    # page is shown (drawn in unrotated space it ran at -60 degrees, sideways)
    mx, my = sum(x for x, _ in red) / len(red), sum(y for _, y in red) / len(red)
    sxx = sum((x - mx) ** 2 for x, _ in red)
    syy = sum((y - my) ** 2 for _, y in red)
    sxy = sum((x - mx) * (y - my) for x, y in red)
    assert close(math.degrees(0.5 * math.atan2(2 * sxy, sxx - syy)), 30, 6)


def test_mean_width_follows_pressure_for_the_pen_only(source: bytes) -> None:
    assert stroke_width(0.01, 0.5) == pytest.approx(0.01)  # mouse and finger: as chosen
    assert stroke_width(0.01, 1.0) == pytest.approx(0.015)
    assert stroke_width(0.01, 0.0) == pytest.approx(0.005)
    assert stroke_width(0.01, 0.1, "marker") == pytest.approx(0.01)
    light = {"id": "light-pen-1", "page": 1, "kind": "ink", "color": PEN, "owner": AN,
             "data": {"points": [[0.1, 0.1, 0.1], [0.2, 0.2, 0.1]], "width": 0.01,
                      "tool": "pen"}}
    heavy = {**light, "id": "heavy-pen-1",
             "data": {**light["data"], "points": [[0.1, 0.1, 1.0], [0.2, 0.2, 1.0]]}}
    with pymupdf.open(stream=annotated_pdf(source, [light, heavy]), filetype="pdf") as doc:
        widths = {a.info["id"]: a.border["width"] for a in doc[0].annots()}
    assert widths["light-pen-1"] == pytest.approx(595 * 0.01 * 0.6, abs=0.01)
    assert widths["heavy-pen-1"] == pytest.approx(595 * 0.01 * 1.5, abs=0.01)


def test_unplaced_annotations_are_left_out_and_a_dot_is_drawn(source: bytes) -> None:
    dot = {"id": "single-dot", "page": 1, "kind": "ink", "color": PEN, "owner": AN,
           "data": {"points": [[0.5, 0.5, 0.5]], "width": 0.01, "tool": "pen"}}
    lost = {**dot, "id": "lost-on-v1", "placement": "unplaced", "page": 99}
    out = annotated_pdf(source, [dot, lost])
    with pymupdf.open(stream=out, filetype="pdf") as doc:
        assert [a.info["id"] for a in doc[0].annots()] == ["single-dot"]
        pix = doc[0].get_pixmap(dpi=72)
        assert near(pix.pixel(297, 421), hexrgb(PEN))
        assert [page.get_text() for page in doc] == [
            page.get_text() for page in pymupdf.open(stream=source, filetype="pdf")]


def good() -> dict[str, Any]:
    return {"id": "stroke-0001", "page": 1, "kind": "ink", "color": PEN, "owner": AN,
            "created_at": CREATED,
            "data": {"points": [[0.1, 0.1, 0.5], [0.2, 0.2, 0.5]], "width": 0.01,
                     "tool": "pen"}}


def with_data(**data: Any) -> dict[str, Any]:
    a = good()
    a["data"] = {**a["data"], **data}
    return a


BAD: dict[str, tuple[list[Any], str]] = {
    "page out of range": ([{**good(), "page": 5}], "trang 5"),
    "page zero": ([{**good(), "page": 0}], "stroke-0001"),
    "page as text": ([{**good(), "page": "1"}], "stroke-0001"),
    "NaN coordinate": ([with_data(points=[[math.nan, 0.1, 0.5], [0.2, 0.2, 0.5]])], "tọa độ"),
    "infinite coordinate": ([with_data(points=[[0.1, math.inf, 0.5]])], "tọa độ"),
    "far off the page": ([with_data(points=[[0.1, 7.0, 0.5]])], "tọa độ"),
    "huge point list": ([with_data(points=[[0.1, 0.1, 0.5]] * (MAX_POINTS + 1))], "4000"),
    "NaN width": ([with_data(width=math.nan)], "stroke-0001"),
    "zero width": ([with_data(width=0)], "stroke-0001"),
    "unknown tool": ([with_data(tool="spray")], "stroke-0001"),
    "bad colour": ([{**good(), "color": "red"}], "#rrggbb"),
    "unknown kind": ([{**good(), "kind": "stamp"}], "stroke-0001"),
    "bad id": ([{**good(), "id": "x"}], "#1"),
    "same id twice": ([good(), good()], "hai lần"),
    "bad time": ([{**good(), "created_at": "yesterday"}], "thời gian"),
    "text too long": ([{**good(), "kind": "note",
                        "data": {"x": 0.5, "y": 0.5, "text": "ệ" * 20_001}}], "20000"),
    "NaN in a highlight": ([{**good(), "kind": "highlight",
                             "data": {"rects": [[0.1, 0.1, math.nan, 0.2]]}}], "tọa độ"),
    "text box without size": ([{**good(), "kind": "text",
                                "data": {"rect": [0.1, 0.1, 0.3, 0.2], "text": "đ"}}],
                              "stroke-0001"),
    "not a dict": (["ink"], "#1"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_is_refused_in_both_languages(source: bytes, case: str) -> None:
    annotations, hint = BAD[case]
    with pytest.raises(DomainError) as caught:
        annotated_pdf(source, annotations)
    error = caught.value
    assert error.kind == Kind.INVALID and error.code == "bad_annotation"
    assert hint in error.vi, error.vi
    assert error.en and error.en != error.vi and "annotation" in error.en
    assert "bạn" not in error.vi.lower()


def test_a_file_that_is_not_a_pdf_is_refused(source: bytes) -> None:
    for pdf in (b"", b"%PDF-1.7 not really", source[: len(source) // 3]):
        try:
            out = annotated_pdf(pdf, [good()])
        except DomainError as error:
            assert error.kind == Kind.INVALID and error.en and error.vi
        else:  # MuPDF repaired the truncated file: then what comes out must open
            assert pypdf.PdfReader(io.BytesIO(out)).pages


def box_lines(pdf: bytes, number: int) -> tuple[list[str], list[pymupdf.Rect], list[float]]:
    """The text box's lines as a reader draws them (annotations baked into the page), their
    boxes as the page is shown, and their font sizes."""
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        doc.bake(annots=True, widgets=False)
        page = doc[number - 1]
        lines = [ln for b in page.get_text("dict")["blocks"] for ln in b.get("lines", [])
                 if any(s["color"] == int(TEXT[1:], 16) for s in ln["spans"])]
        return ([" ".join("".join(s["text"] for s in ln["spans"]).split()) for ln in lines],
                [pymupdf.Rect(ln["bbox"]) * page.rotation_matrix for ln in lines],
                [s["size"] for ln in lines for s in ln["spans"]])


def text_box(page: int, rect: list[float], text: str, size: float) -> dict[str, Any]:
    return {"id": f"text-box-on-{page}", "page": page, "kind": "text", "color": TEXT,
            "owner": AN, "data": {"rect": rect, "text": text, "size": size}}


def test_a_text_box_wraps_its_words_inside_the_box(source: bytes) -> None:
    text = "Nghiệp vụ đặc biệt cần bổ sung số liệu của từng xã trước ngày họp"
    rect = [0.1, 0.3, 0.3, 0.6]
    out = annotated_pdf(source, [text_box(1, rect, text, 0.02)])
    lines, boxes, sizes = box_lines(out, 1)
    assert len(lines) >= 3 and " ".join(lines) == text
    assert all(s == pytest.approx(0.02 * 595, abs=0.05) for s in sizes)  # as chosen
    box = pymupdf.Rect(rect[0] * 595, rect[1] * 842, rect[2] * 595, rect[3] * 842)
    assert all(box.contains(b) for b in boxes), (box, boxes)


def test_text_too_long_for_its_box_shrinks_to_fit_on_a_rotated_page(source: bytes) -> None:
    text = "Ý kiến: đề nghị giữ nguyên điều 5, bổ sung điều 6 về kinh phí thực hiện năm 2027"
    rect = [0.1, 0.3, 0.3, 0.4]  # page 2 is shown 842 × 595: 168 × 60 points
    out = annotated_pdf(source, [text_box(2, rect, text, 0.03)])
    lines, boxes, sizes = box_lines(out, 2)
    assert " ".join(lines) == text  # every word shows
    assert 4 <= max(sizes) < 0.03 * 842 * 0.9  # smaller than asked, never below 4 pt
    box = pymupdf.Rect(rect[0] * 842, rect[1] * 595, rect[2] * 842, rect[3] * 595)
    assert all(box.contains(b) for b in boxes), (box, boxes)
    assert all(b.width > b.height for b in boxes)  # lines run across the page as shown
