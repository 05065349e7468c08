"""PDF files with PyMuPDF: checking an upload is a PDF we can show, and rendering its pages.

`render_page` is a plain function of paths and numbers so that it runs in a worker process:
the server's event loop never renders.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pymupdf

from meetings.errors import invalid

MAX_PAGES = 5000
# Widths a tablet may ask for are rounded up to one of these, so the cache stays small.
WIDTH_STEPS = (320, 480, 640, 800, 1024, 1280, 1600, 2048, 2560)


@dataclass(frozen=True)
class PdfInfo:
    page_count: int
    title: str


def check_pdf(data: bytes, *, max_pages: int = MAX_PAGES) -> PdfInfo:
    """Accept a PDF we can render, or refuse it with the reason."""
    if not data:
        raise invalid("empty_file", "Tệp rỗng, không có nội dung.", "The file is empty.")
    if b"%PDF-" not in data[:1024]:
        raise invalid(
            "not_pdf",
            "Tệp không phải là PDF (không có phần đầu %PDF). Hãy xuất tài liệu ra PDF rồi tải lên.",
            "The file is not a PDF (no %PDF header). Export the document to PDF and upload it.",
        )
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:  # PyMuPDF raises several types for broken files
        raise invalid(
            "broken_pdf",
            "Không mở được tệp PDF (tệp hỏng). Hãy xuất lại tài liệu ra PDF.",
            f"The PDF cannot be opened ({exc}). Export the document to PDF again.",
        ) from exc
    with doc:
        if doc.needs_pass:
            raise invalid(
                "encrypted_pdf",
                "Tệp PDF có mật khẩu. Hãy gỡ mật khẩu rồi tải lên lại.",
                "The PDF is password-protected. Remove the password and upload it again.",
            )
        count = doc.page_count
        if count == 0:
            raise invalid("no_pages", "Tệp PDF không có trang nào.", "The PDF has no pages.")
        if count > max_pages:
            raise invalid(
                "too_many_pages",
                f"Tệp PDF có {count} trang, vượt giới hạn {max_pages} trang.",
                f"The PDF has {count} pages, more than the limit of {max_pages}.",
            )
        try:
            doc.load_page(0).get_pixmap(matrix=pymupdf.Matrix(0.05, 0.05))
            if doc.is_repaired and not any(
                doc.load_page(i).read_contents().strip() for i in range(min(count, 20))
            ):
                # MuPDF rebuilt a damaged file and found nothing to show: truncated or broken.
                raise ValueError("repaired, and no page has content")
        except Exception as exc:
            raise invalid(
                "broken_pdf",
                "Không hiển thị được trang đầu của tệp PDF (tệp hỏng).",
                f"The first page of the PDF cannot be rendered ({exc}).",
            ) from exc
        title = (doc.metadata or {}).get("title") or ""
        return PdfInfo(page_count=count, title=title.strip())


def snap_width(width: int) -> int:
    for step in WIDTH_STEPS:
        if width <= step:
            return step
    return WIDTH_STEPS[-1]


def render_page(pdf_path: str, page_number: int, width: int, out_path: str) -> str:
    """Render page `page_number` (1-based) at `width` pixels wide to a PNG at `out_path`."""
    with pymupdf.open(pdf_path) as doc:
        page = doc.load_page(page_number - 1)
        zoom = width / page.rect.width
        pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False)
        data = pix.tobytes("png")
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=".render-")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, out)
    return out_path
