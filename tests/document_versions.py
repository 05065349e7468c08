"""Real versions of a Vietnamese document for the carry-over tests: PDFs laid out here with
PyMuPDF and a font with every Vietnamese glyph, Word files converted by LibreOffice as the
server converts them, their words read by the server's own extraction, and annotations made
on them as a tablet makes them (quote, prefix, suffix and position from the page's words)."""

from __future__ import annotations

import random
import tempfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pymupdf

from meetings.documents.ingest import Limits, convert_to_pdf
from meetings.documents.ingest_worker import page_words
from tests.hostile_files import FONT, _word

SUBJECTS = ["Ủy ban nhân dân tỉnh", "Sở Tài chính", "Sở Kế hoạch và Đầu tư", "Ban quản lý dự án",
            "Hội đồng nhân dân huyện", "Sở Giao thông vận tải", "Kho bạc Nhà nước",
            "Thanh tra tỉnh", "Sở Nội vụ", "Văn phòng Ủy ban", "Sở Y tế", "Sở Giáo dục và Đào tạo",
            "Cục Thuế", "Ban Dân tộc", "Sở Tư pháp"]
VERBS = ["chủ trì rà soát", "phối hợp kiểm tra", "báo cáo tiến độ", "đề xuất điều chỉnh",
         "hoàn thiện hồ sơ", "tổng hợp ý kiến về", "giải ngân vốn cho", "thẩm định",
         "tổ chức nghiệm thu", "lập kế hoạch cho", "quyết toán", "công khai"]
OBJECTS = ["dự án đường tỉnh lộ", "trường mầm non xã", "trạm y tế phường", "kênh thủy lợi",
           "nhà văn hóa thôn", "cầu dân sinh", "chợ đầu mối nông sản", "khu tái định cư",
           "hệ thống cấp nước sạch", "bệnh viện đa khoa", "trụ sở xã", "khu công nghiệp phía bắc",
           "cụm công nghiệp làng nghề", "tuyến đê biển", "sân vận động huyện"]
TAILS = ["trước ngày {d} tháng {m} năm 2026", "với tổng mức đầu tư {n} tỷ đồng",
         "đạt {p}% kế hoạch năm", "theo Nghị quyết số {n}/NQ-HĐND",
         "trong quý {q} năm 2026", "bảo đảm đúng quy định của pháp luật",
         "và gửi kết quả về Văn phòng trước ngày {d}", "tăng {p}% so với cùng kỳ"]

WIDTH, HEIGHT, MARGIN, SIZE, LEADING = 595.0, 842.0, 72.0, 12.0, 17.0


def sentences(count: int, seed: int) -> list[str]:
    """Plausible sentences of a provincial report, all different."""
    rng = random.Random(seed)
    out = []
    for n in range(count):
        tail = rng.choice(TAILS).format(d=rng.randint(1, 28), m=rng.randint(1, 12),
                                        n=rng.randint(10, 990), p=rng.randint(5, 98),
                                        q=rng.randint(1, 4))
        out.append(f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} "
                   f"{tail}, mục {seed}.{n + 1}.")
    return out


def paragraphs(count: int, seed: int, per: int = 3) -> list[str]:
    said = sentences(count * per, seed)
    return [" ".join(said[k * per:(k + 1) * per]) for k in range(count)]


def pdf(pages: list[list[str]]) -> bytes:
    """Each page's paragraphs, wrapped to the text width of an A4 page."""
    font = pymupdf.Font(fontfile=FONT)
    doc = pymupdf.open()
    for texts in pages:
        page = doc.new_page(width=WIDTH, height=HEIGHT)
        y = MARGIN + SIZE
        for text in texts:
            for line in _wrap(text, font):
                assert y < HEIGHT - MARGIN, "the page overflows: give it fewer paragraphs"
                page.insert_text((MARGIN, y), line, fontname="F0", fontfile=FONT, fontsize=SIZE)
                y += LEADING
            y += LEADING / 2
    return bytes(doc.tobytes())


def _wrap(text: str, font: pymupdf.Font) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        longer = f"{line} {word}".strip()
        if line and font.text_length(longer, fontsize=SIZE) > WIDTH - 2 * MARGIN:
            lines.append(line)
            line = word
        else:
            line = longer
    return [*lines, line] if line else lines


def docx(texts: list[str]) -> bytes:
    """A Word document of these paragraphs (12 pt, as Word would write them)."""
    body = "".join(f'<w:p><w:r><w:rPr><w:sz w:val="24"/></w:rPr><w:t xml:space="preserve">'
                   f"{escape(t)}</w:t></w:r></w:p>" for t in texts)
    return _word(body)


def converted(data: bytes, suffix: str = ".docx") -> bytes:
    """The office file converted to PDF by LibreOffice, as the server converts uploads."""
    with tempfile.TemporaryDirectory(prefix="phonghop-carry-") as tmp:
        work = Path(tmp)
        source = work / f"source{suffix}"
        source.write_bytes(data)
        return convert_to_pdf(source, work, Limits()).read_bytes()


def words(data: bytes) -> list[dict[str, Any]]:
    """Each page's words as the server stores them (the ingest worker's extraction)."""
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        return page_words(doc)


def page_text(page: dict[str, Any]) -> str:
    return " ".join(str(w[4]) for w in page["words"])


def find_page(pages: list[dict[str, Any]], passage: str) -> int:
    """The 1-based page whose text holds `passage` (exactly one)."""
    found = [n for n, p in enumerate(pages, start=1) if passage in page_text(p)]
    assert len(found) == 1, f"{passage!r} is on pages {found}"
    return found[0]


def _span(page: dict[str, Any], passage: str, occurrence: int = 0) -> tuple[int, int]:
    text = page_text(page)
    start = -1
    for _ in range(occurrence + 1):
        start = text.find(passage, start + 1)
        assert start >= 0, f"{passage!r} is not on the page"
    return start, start + len(passage)


def target(page: dict[str, Any], passage: str, occurrence: int = 0) -> dict[str, Any]:
    text = page_text(page)
    start, end = _span(page, passage, occurrence)
    return {"quote": {"exact": passage, "prefix": text[max(0, start - 32):start],
                      "suffix": text[end:end + 32]},
            "position": {"start": start, "end": end}}


def passage_words(page: dict[str, Any], start: int, end: int) -> list[list[Any]]:
    out, offset = [], 0
    for w in page["words"]:
        if offset < end and offset + len(str(w[4])) > start:
            out.append(w)
        offset += len(str(w[4])) + 1
    return out


def highlight(ident: str, pages: list[dict[str, Any]], number: int, passage: str,
              occurrence: int = 0) -> dict[str, Any]:
    """A highlight of `passage` on page `number`, snapped to its words as the tablet does."""
    page = pages[number - 1]
    start, end = _span(page, passage, occurrence)
    rects = [[float(v) for v in w[:4]] for w in passage_words(page, start, end)]
    return {"id": ident, "kind": "highlight", "page": number, "color": "#ffeb3b",
            "data": {"rects": rects, "target": target(page, passage, occurrence)}}


def ink_over(ident: str, pages: list[dict[str, Any]], number: int, passage: str
             ) -> dict[str, Any]:
    """A pen stroke underlining `passage` on page `number`."""
    page = pages[number - 1]
    boxes = passage_words(page, *_span(page, passage))
    y = max(b[3] for b in boxes) + 0.002
    points = [[round(x, 4), round(y, 4), 0.5] for x in
              (boxes[0][0], (boxes[0][0] + boxes[-1][2]) / 2, boxes[-1][2])]
    return {"id": ident, "kind": "ink", "page": number, "color": "#d32f2f",
            "data": {"points": points, "width": 0.004, "tool": "pen"}}


def under(page: dict[str, Any], rects: list[list[float]]) -> str:
    """The words of `page` whose centres lie in one of `rects`, as a user reads them."""
    def inside(w: list[Any]) -> bool:
        cx, cy = (w[0] + w[2]) / 2, (w[1] + w[3]) / 2
        return any(r[0] <= cx <= r[2] and r[1] <= cy <= r[3] for r in rects)

    return " ".join(str(w[4]) for w in page["words"] if inside(w))
