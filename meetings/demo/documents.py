"""Generated PDF documents with Vietnamese text, for the demo meeting and the tests."""

from __future__ import annotations

import pymupdf

from meetings.minutes.fonts import SerifStyle, serif_font

A4 = pymupdf.paper_rect("a4")

REPORT_SECTIONS = [
    ("I. TÌNH HÌNH KINH TẾ",
     "Tổng giá trị sản xuất trên địa bàn xã ước đạt 1.254 tỷ đồng, tăng 8,6% so với cùng kỳ. "
     "Sản xuất nông nghiệp ổn định; diện tích lúa đạt 1.120 ha, năng suất bình quân 63,5 tạ/ha. "
     "Thương mại, dịch vụ tiếp tục phát triển; thu ngân sách đạt 112% dự toán được giao."),
    ("II. VĂN HÓA - XÃ HỘI",
     "Công tác giáo dục được quan tâm; tỷ lệ học sinh tốt nghiệp đạt 99,2%. Trạm y tế xã duy trì "
     "chuẩn quốc gia về y tế. Đã trao 45 suất quà cho hộ nghèo, gia đình chính sách dịp lễ, Tết."),
    ("III. QUỐC PHÒNG - AN NINH",
     "Tình hình an ninh chính trị, trật tự an toàn xã hội được giữ vững. Hoàn thành 100% chỉ tiêu "
     "giao quân. Tổ chức diễn tập phòng chống thiên tai, tìm kiếm cứu nạn theo kế hoạch."),
    ("IV. NHIỆM VỤ TRỌNG TÂM NĂM TỚI",
     "Đẩy mạnh chuyển đổi số trong hoạt động của các cơ quan; hoàn thiện hạ tầng giao thông nông "
     "thôn; nâng cao chất lượng dịch vụ công trực tuyến; giữ vững quốc phòng, an ninh."),
]

RESOLUTION_ARTICLES = [
    ("Điều 1.",
     "Thông qua kế hoạch đầu tư công trung hạn giai đoạn 2026 - 2030 của xã với tổng mức vốn "
     "dự kiến 86,5 tỷ đồng, ưu tiên đường giao thông, trường học và thủy lợi nội đồng."),
    ("Điều 2.",
     "Danh mục dự án: nâng cấp đường trục xã (12,4 tỷ đồng); xây dựng nhà lớp học Trường "
     "Tiểu học (9,8 tỷ đồng); cải tạo kênh mương nội đồng (6,2 tỷ đồng); nhà văn hóa thôn "
     "Đông (3,1 tỷ đồng)."),
    ("Điều 3.",
     "Giao Ủy ban nhân dân xã tổ chức thực hiện; Thường trực Hội đồng nhân dân xã giám sát việc "
     "triển khai. Nghị quyết có hiệu lực kể từ ngày được thông qua."),
]


def _page(doc: pymupdf.Document, number: int, total: int, header: str) -> pymupdf.Page:
    page = doc.new_page(width=A4.width, height=A4.height)
    page.insert_font(fontname="serif", fontfile=str(serif_font()))
    page.insert_font(fontname="serifb", fontfile=str(serif_font(SerifStyle.BOLD)))
    page.insert_text((85, 40), header, fontname="serif", fontsize=9, color=(0.4, 0.4, 0.4))
    page.insert_text((A4.width / 2 - 20, A4.height - 30), f"Trang {number}/{total}",
                     fontname="serif", fontsize=9, color=(0.4, 0.4, 0.4))
    return page


def _write(page: pymupdf.Page, rect: pymupdf.Rect, text: str, *, bold: bool = False,
           size: float = 13, align: int = pymupdf.TEXT_ALIGN_JUSTIFY) -> None:
    page.insert_textbox(rect, text, fontname="serifb" if bold else "serif", fontsize=size,
                        align=align)


def report_pdf(pages: int = 6) -> bytes:
    """'Báo cáo tình hình kinh tế - xã hội năm 2026', with a bar chart on its second page."""
    doc = pymupdf.open()
    header = "UBND XÃ TƯỜNG TIẾN — Báo cáo tình hình kinh tế - xã hội năm 2026"
    for n in range(1, pages + 1):
        page = _page(doc, n, pages, header)
        if n == 1:
            _write(page, pymupdf.Rect(85, 80, 540, 140),
                   "BÁO CÁO\nTình hình kinh tế - xã hội năm 2026 và nhiệm vụ năm 2027",
                   bold=True, size=16, align=pymupdf.TEXT_ALIGN_CENTER)
        y = 160 if n == 1 else 80
        for title, body in REPORT_SECTIONS:
            _write(page, pymupdf.Rect(85, y, 540, y + 22), f"{title} (phần {n})", bold=True)
            _write(page, pymupdf.Rect(85, y + 24, 540, y + 130), body)
            y += 150
        if n == 2:
            # A small bar chart: vector drawing, like the figures in real reports.
            base_y, x = 760, 120
            for value, colour in ((60, (0.2, 0.4, 0.8)), (85, (0.9, 0.5, 0.1)),
                                  (110, (0.2, 0.7, 0.3)), (95, (0.7, 0.2, 0.2))):
                page.draw_rect(pymupdf.Rect(x, base_y - value, x + 40, base_y), color=colour,
                               fill=colour)
                x += 70
            page.draw_line((100, base_y), (420, base_y), color=(0, 0, 0))
    data: bytes = doc.tobytes(garbage=3, deflate=True)
    doc.close()
    return data


def resolution_pdf() -> bytes:
    """'Dự thảo Nghị quyết về kế hoạch đầu tư công trung hạn 2026 - 2030'."""
    doc = pymupdf.open()
    header = "HĐND XÃ TƯỜNG TIẾN — Dự thảo Nghị quyết"
    total = 3
    for n in range(1, total + 1):
        page = _page(doc, n, total, header)
        y = 80
        if n == 1:
            _write(page, pymupdf.Rect(85, y, 540, y + 70),
                   "DỰ THẢO NGHỊ QUYẾT\nVề kế hoạch đầu tư công trung hạn giai đoạn 2026 - 2030",
                   bold=True, size=16, align=pymupdf.TEXT_ALIGN_CENTER)
            y += 90
        for title, body in RESOLUTION_ARTICLES:
            _write(page, pymupdf.Rect(85, y, 540, y + 22), title, bold=True)
            _write(page, pymupdf.Rect(85, y + 24, 540, y + 120), body)
            y += 130
    data: bytes = doc.tobytes(garbage=3, deflate=True)
    doc.close()
    return data


def long_pdf(pages: int = 100) -> bytes:
    """A long document for timing: each page numbered, with text and a drawing."""
    doc = pymupdf.open()
    for n in range(1, pages + 1):
        page = _page(doc, n, pages, "Tài liệu dài — kiểm tra tốc độ hiển thị")
        _write(page, pymupdf.Rect(85, 80, 540, 700), (REPORT_SECTIONS[n % 4][1] + " ") * 6)
        page.draw_circle((300, 760), 20 + n % 30, color=(0.1, 0.3, 0.6))
    data: bytes = doc.tobytes(garbage=3, deflate=True)
    doc.close()
    return data
