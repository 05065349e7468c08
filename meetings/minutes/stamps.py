"""The demo's sample images, and nothing else: a red round seal and a blue handwritten
signature for the demo's fictional body and chair (meetings.demo.seed), and for tests.

The software never draws a seal or signature into real minutes: real deployments upload scans
of the real seal and signature (meetings.minutes.signer_images), and without them the signature
is text only. So that no one takes a sample for the real thing, each image says so inside
itself, in small print: "HÌNH MẪU — không phải con dấu thật / Sample — not a real seal", and
"Chữ ký mẫu / Sample signature". Both are transparent PNGs drawn with PyMuPDF at 300 dpi, the
seal at real size (36 mm across, as a commune's).
"""

# PyMuPDF 2.0 ships partial annotations; its unannotated calls are fine here.
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

import hashlib
import math
import random
import unicodedata

import pymupdf

from meetings.minutes.fonts import SerifStyle, font_dir

MM = 72 / 25.4
DPI = 300
SEAL_DIAMETER_MM = 36.0
SIGNATURE_SIZE_MM = (60.0, 26.0)
SEAL_RED = (0.84, 0.08, 0.1)
INK_BLUE = (0.06, 0.16, 0.62)
SAMPLE_SEAL_NOTE = ("HÌNH MẪU", "không phải con dấu thật", "Sample — not a real seal")
SAMPLE_SIGNATURE_NOTE = "Chữ ký mẫu — Sample signature"


def seal_png(body_name: str, place: str) -> bytes:
    """A round seal: two rings, the body name and place around, a star in the middle."""
    size = SEAL_DIAMETER_MM * MM
    doc = pymupdf.open()
    page = doc.new_page(width=size, height=size)
    center = pymupdf.Point(size / 2, size / 2)
    outer = size / 2 - 1.0 * MM
    inner = outer - 8.2 * MM

    shape = page.new_shape()
    shape.draw_circle(center, outer)
    shape.finish(color=SEAL_RED, width=1.1 * MM)
    shape.draw_circle(center, inner)
    shape.finish(color=SEAL_RED, width=0.45 * MM)
    # The star sits high, leaving room below it for the sample note.
    shape.draw_polyline(_star(center - (0, 3.2 * MM), 3.8 * MM, 1.55 * MM))
    shape.finish(color=SEAL_RED, fill=SEAL_RED, width=0.1, closePath=True)
    shape.commit()

    ring = " ".join(unicodedata.normalize("NFC", f"{body_name} ✱ {place} ✱").upper().split())
    _ring_text(page, center, (outer + inner) / 2 - 1.3 * MM, ring.replace("✱", "*"))
    head, *small = SAMPLE_SEAL_NOTE
    room = inner - 0.6 * MM  # the note stays inside the inner ring
    _centred(page, head, center.y + 2.9 * MM, 5.4, SEAL_RED, bold=True, within=room)
    for row, line in enumerate(small):
        _centred(page, line, center.y + 4.9 * MM + row * 1.7 * MM, 4.0, SEAL_RED,
                 within=room)
    png = _png(page)
    doc.close()
    return png


def signature_png(name: str) -> bytes:
    """A blue scribble, the same for the same name, on a transparent background."""
    width, height = (v * MM for v in SIGNATURE_SIZE_MM)
    doc = pymupdf.open()
    page = doc.new_page(width=width, height=height)
    rng = random.Random(hashlib.sha256(unicodedata.normalize("NFC", name).encode()).digest())
    strokes = max(2, min(4, len(name.split())))

    # Per word: a tall looped capital, then small slanted humps, like a fast cursive.
    points: list[pymupdf.Point] = []
    x, base = width * 0.06, height * 0.64
    top = height * 0.06
    for word in range(strokes):
        tall = (base - top) * (rng.uniform(0.85, 1.0) if word == 0 else rng.uniform(0.55, 0.75))
        points += [
            pymupdf.Point(x, base + height * 0.04),
            pymupdf.Point(x + width * 0.05, base - tall),
            pymupdf.Point(x + width * 0.015, base - tall * 0.35),
            pymupdf.Point(x + width * 0.045, base),
        ]
        x += width * 0.06
        for _ in range(rng.randint(2, 4)):
            hump = height * rng.uniform(0.14, 0.26)
            step = width * rng.uniform(0.035, 0.05)
            points += [pymupdf.Point(x + step * 0.6, base - hump), pymupdf.Point(x + step, base)]
            x += step
        x += width * rng.uniform(0.02, 0.05)
    points.append(pymupdf.Point(min(x + width * 0.05, width * 0.95), base - height * 0.12))

    shape = page.new_shape()
    _smooth_curve(shape, points)
    shape.finish(color=INK_BLUE, width=0.55 * MM, lineCap=1, lineJoin=1, closePath=False)
    start = pymupdf.Point(width * 0.1, height * 0.82)
    end = pymupdf.Point(width * rng.uniform(0.78, 0.92), height * 0.74)
    shape.draw_bezier(
        start,
        pymupdf.Point(width * 0.35, height * 0.95),
        pymupdf.Point(width * 0.6, height * 0.7),
        end,
    )
    shape.finish(color=INK_BLUE, width=0.4 * MM, lineCap=1, closePath=False)
    shape.commit()
    _centred(page, SAMPLE_SIGNATURE_NOTE, height - 0.8 * MM, 5.0, INK_BLUE)
    png = _png(page)
    doc.close()
    return png


def _centred(page: pymupdf.Page, text: str, baseline: float, size: float,
             color: tuple[float, float, float], *, bold: bool = False,
             within: float | None = None) -> None:
    """A line centred on the page; `within`: shrunk to fit the chord of a circle of that
    radius about the page's centre, at the line's baseline."""
    style = SerifStyle.BOLD if bold else SerifStyle.REGULAR
    font = pymupdf.Font(fontfile=str(font_dir() / style.value))
    width = font.text_length(text, fontsize=size)
    if within is not None:
        offset = abs(baseline - page.rect.height / 2)
        chord = 2 * math.sqrt(max(within**2 - offset**2, 0.0))
        if width > chord:
            size *= chord / width
            width = chord
    writer = pymupdf.TextWriter(page.rect, color=color)
    writer.append(pymupdf.Point((page.rect.width - width) / 2, baseline), text, font, size)
    writer.write_text(page)


def _star(center: pymupdf.Point, outer: float, inner: float) -> list[pymupdf.Point]:
    points = []
    for k in range(10):
        radius = outer if k % 2 == 0 else inner
        angle = math.pi / 5 * k
        points.append(
            pymupdf.Point(center.x + radius * math.sin(angle), center.y - radius * math.cos(angle))
        )
    points.append(points[0])
    return points


def _ring_text(page: pymupdf.Page, center: pymupdf.Point, radius: float, text: str) -> None:
    """Letters clockwise around the ring, their baseline on a circle, tops pointing out."""
    font = pymupdf.Font(fontfile=str(font_dir() / SerifStyle.BOLD.value))
    fontsize = 9.0
    gap = 0.6  # points between letters
    circumference = 2 * math.pi * radius
    width: float = sum(font.text_length(ch, fontsize=fontsize) + gap for ch in text)
    if width > circumference:
        fontsize *= circumference / width
        width = circumference
    # Spread the letters over the whole ring, the body name centred at the top.
    gap += (circumference - width) / len(text)
    head = text.split("*")[0].rstrip()
    angle = -sum(font.text_length(ch, fontsize=fontsize) + gap for ch in head) / radius / 2
    for ch in text:
        advance = font.text_length(ch, fontsize=fontsize)
        middle = angle + (advance / 2) / radius
        point = pymupdf.Point(
            center.x + radius * math.sin(middle), center.y - radius * math.cos(middle)
        )
        writer = pymupdf.TextWriter(page.rect, color=SEAL_RED)
        writer.append(pymupdf.Point(point.x - advance / 2, point.y), ch, font, fontsize)
        writer.write_text(page, morph=(point, pymupdf.Matrix(-math.degrees(middle))))
        angle += (advance + gap) / radius


def _smooth_curve(shape: pymupdf.Shape, points: list[pymupdf.Point]) -> None:
    """Catmull-Rom through the points, drawn as cubic Béziers."""
    for i in range(len(points) - 1):
        p0 = points[i - 1] if i > 0 else points[i]
        p1, p2 = points[i], points[i + 1]
        p3 = points[i + 2] if i + 2 < len(points) else p2
        c1 = p1 + (p2 - p0) / 6
        c2 = p2 - (p3 - p1) / 6
        shape.draw_bezier(p1, c1, c2, p2)


def _png(page: pymupdf.Page) -> bytes:
    pixmap = page.get_pixmap(dpi=DPI, alpha=True)
    return bytes(pixmap.tobytes("png"))
