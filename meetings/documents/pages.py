"""Rendering the pages of a cleaned PDF with PyMuPDF (checking uploads is
`meetings.documents.ingest`).

`render_page` is a plain function of paths and numbers so that it runs in a worker process:
the server's event loop never renders.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pymupdf

MAX_PAGES = 5000
# Widths a tablet may ask for are rounded up to one of these, so the cache stays small.
WIDTH_STEPS = (160, 320, 480, 640, 800, 1024, 1280, 1600, 2048, 2560)


def snap_width(width: int) -> int:
    for step in WIDTH_STEPS:
        if width <= step:
            return step
    return WIDTH_STEPS[-1]


# WebP (lossy, quality 80, fastest method) by measurement: on text pages at 1280 px it is
# about 15 % smaller than PNG and as fast to encode, on photo pages several times smaller;
# JPEG was both larger and slower from MuPDF (bench/render.py prints the figures).
FORMATS = {"webp": "image/webp", "png": "image/png", "jpeg": "image/jpeg"}
DEFAULT_FORMAT = "webp"


def encode(pix: pymupdf.Pixmap, fmt: str) -> bytes:
    if fmt == "png":
        return bytes(pix.tobytes("png"))
    if fmt == "jpeg":
        return bytes(pix.tobytes("jpeg", jpg_quality=85))
    import io

    from PIL import Image

    image = Image.frombytes("RGB", (pix.width, pix.height), pix.samples)
    out = io.BytesIO()
    image.save(out, "WEBP", quality=80, method=0)
    return out.getvalue()


def watermark_page(page: pymupdf.Page, text: str, font: pymupdf.Font | None = None) -> None:
    """The viewer's name and the time across the page, three times, slanted, translucent red.

    Drawn into the page's content: the page images draw it before rendering (not saved), the
    annotated copy (`meetings.annotations.export`) saves it. Laid out as the page is shown:
    on a page with /Rotate the text reads upright and centred, not sideways. `font` is
    Liberation Serif Bold, or a subset of it holding the text's characters."""
    from meetings.minutes.fonts import SerifStyle, font_dir

    shown = page.rect  # as displayed: rotation applied, origin at the cropbox's corner
    rotation = page.rotation
    size = max(10.0, shown.width / 28)
    if font is None:
        font = pymupdf.Font(fontfile=str(font_dir() / SerifStyle.BOLD.value))
    length = font.text_length(text, fontsize=size)
    # TextWriter writes in unrotated page space; lay the lines out around the page's centre
    # as they are shown, then turn them by the slant plus the page's rotation.
    if rotation:
        page.set_rotation(0)
    try:
        r = page.rect
        centre = pymupdf.Point(r.width / 2, r.height / 2)
        writer = pymupdf.TextWriter(r, opacity=0.22, color=(0.75, 0.05, 0.05))
        for fy in (0.25, 0.5, 0.75):
            origin = pymupdf.Point(centre.x - length / 2, centre.y + shown.height * (fy - 0.5))
            writer.append(origin, text, font=font, fontsize=size)
        writer.write_text(page, morph=(centre, pymupdf.Matrix(-30 + rotation)))
    finally:
        if rotation:
            page.set_rotation(rotation)


def render_page(pdf_path: str, page_number: int, width: int, out_path: str,
                fmt: str = DEFAULT_FORMAT, watermark: str = "", mode: int = 0o600) -> str:
    """Render page `page_number` (1-based) at `width` pixels wide to `out_path`, a file of
    that `mode`."""
    with pymupdf.open(pdf_path) as doc:
        page = doc.load_page(page_number - 1)
        if watermark:
            watermark_page(page, watermark)
        zoom = width / page.rect.width
        pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False)
        data = encode(pix, fmt)
    write_image(Path(out_path), data, mode)
    return out_path


def write_image(out: Path, data: bytes, mode: int = 0o600) -> None:
    """Write then rename: a reader of the cache never sees half an image. `mode` 0o640: a
    page nginx sends itself (PHONGHOP_ACCEL_REDIRECT), readable by the server's group."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=".render-")
    if mode != 0o600:
        os.fchmod(fd, mode)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, out)
