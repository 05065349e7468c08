"""The minutes PDF as a clerk would check it: Decree 30 layout, Vietnamese text, embedded fonts."""

from __future__ import annotations

import dataclasses
import subprocess
import unicodedata
from datetime import UTC, date, datetime
from pathlib import Path

import pymupdf
import pytest

from meetings import fonts
from meetings.minutes_pdf import (
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    MM,
    ComposedMinutes,
    MinutesAttendee,
    MinutesData,
    MinutesItem,
    MinutesPerson,
    MinutesVote,
    SignatureBox,
    compose_minutes,
)

A4 = (210 * MM, 297 * MM)
DIGEST = "3f4a9c0b1d2e3f405162738495a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e"
RULE = "quá 1/2 tổng số thành viên"


def minutes(*, items: int = 3, long: bool = False, **changes: object) -> MinutesData:
    members = tuple(
        MinutesAttendee(
            name=f"Thành viên {i}",
            title="Ủy viên UBND xã",
            role="member",
            present=i != 5,
            note="đi công tác tỉnh" if i == 5 else "",
        )
        for i in range(1, 10)
    )
    attendees = (
        MinutesAttendee("Nguyễn Văn Đức", "Chủ tịch UBND xã", "chair", True),
        MinutesAttendee("Trần Thị Hằng", "Công chức Văn phòng - Thống kê", "secretary", True),
        *members,
        MinutesAttendee("Lê Ngọc Ước", "Trưởng Công an xã", "guest", True),
    )
    conclusion = "Giao Văn phòng hoàn thiện hồ sơ, trình ký trước ngày 30/11/2026. " * (
        12 if long else 1
    )
    data = MinutesData(
        parent_body="UBND tỉnh Hưng Yên",
        body="UBND xã Tường Tiến",
        body_code="UBND",
        number=7,
        place_name="Tường Tiến",
        meeting_date=date(2026, 11, 26),
        title="Phiên họp thường kỳ tháng 11 năm 2026",
        location="Phòng họp số 1, trụ sở UBND xã",
        started_at=datetime(2026, 11, 26, 7, 0, tzinfo=UTC),
        ended_at=datetime(2026, 11, 26, 9, 30, tzinfo=UTC),
        chair=MinutesPerson("Nguyễn Văn Đức", "Chủ tịch UBND xã"),
        secretary=MinutesPerson("Trần Thị Hằng", "Công chức Văn phòng - Thống kê"),
        attendees=attendees,
        items=tuple(
            MinutesItem(
                position=i,
                title=f"Nội dung số {i}: kế hoạch đầu tư công năm 2027",
                presenter="Phạm Quốc Việt, Phó Chủ tịch UBND xã",
                documents=("Tờ trình số 112/TTr-UBND", "Dự thảo Nghị quyết"),
                conclusion=conclusion + "\nKiểm tra dấu: ệ ặ ữ đ Ư ơ.",
                votes=(
                    MinutesVote("Thông qua dự thảo", 8, 1, 1, 1, 11, True, RULE),
                    MinutesVote("Phương án bổ sung", 4, 5, 0, 2, 11, False, RULE),
                    MinutesVote("Biểu quyết lại", 0, 0, 0, 11, 11, None, RULE),
                ),
            )
            for i in range(1, items + 1)
        ),
        general_conclusion="Chủ tọa kết luận: giao Văn phòng tổng hợp ý kiến.",
        recipients=("Thường trực Đảng ủy xã", "Thường trực HĐND xã"),
        record_digest=DIGEST,
        draft=False,
    )
    return dataclasses.replace(data, **changes)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def short() -> ComposedMinutes:
    return compose_minutes(minutes())


@pytest.fixture(scope="module")
def long() -> ComposedMinutes:
    return compose_minutes(minutes(items=30, long=True))


def open_pdf(composed: ComposedMinutes) -> pymupdf.Document:
    return pymupdf.open("pdf", composed.pdf)


def flat(text: str) -> str:
    return " ".join(text.split())


def all_text(composed: ComposedMinutes) -> str:
    with open_pdf(composed) as doc:
        return flat(" ".join(page.get_text() for page in doc))


def test_vietnamese_text_round_trips(short: ComposedMinutes) -> None:
    text = all_text(short)
    for expected in (
        "UBND TỈNH HƯNG YÊN",
        "UBND XÃ TƯỜNG TIẾN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 07/BB-UBND",
        "Tường Tiến, ngày 26 tháng 11 năm 2026",
        "BIÊN BẢN",
        "Phiên họp thường kỳ tháng 11 năm 2026",
        "Thời gian bắt đầu: 14 giờ 00 phút, ngày 26/11/2026.",
        "Địa điểm: Phòng họp số 1, trụ sở UBND xã.",
        "Chủ trì (chủ tọa): Nguyễn Văn Đức, Chủ tịch UBND xã.",
        "Thư ký (người ghi biên bản): Trần Thị Hằng",
        "Thành viên có mặt (9/10):",
        "Thành viên vắng mặt (1):",
        "Thành viên 5, Ủy viên UBND xã (lý do: đi công tác tỉnh)",
        "Lê Ngọc Ước, Trưởng Công an xã",
        "NỘI DUNG",
        "1. Nội dung số 1: kế hoạch đầu tư công năm 2027",
        "Người trình bày: Phạm Quốc Việt",
        "Tài liệu: Tờ trình số 112/TTr-UBND; Dự thảo Nghị quyết.",
        "tán thành 8/11, không tán thành 1, không ý kiến 1, chưa biểu quyết 1; được thông qua "
        "(yêu cầu: quá 1/2 tổng số thành viên)",
        "tán thành 4/11, không tán thành 5, không ý kiến 0, chưa biểu quyết 2; "
        "không được thông qua",
        "biểu quyết đã bị hủy",
        "Kiểm tra dấu: ệ ặ ữ đ Ư ơ.",
        "KẾT LUẬN CHUNG",
        "Cuộc họp kết thúc vào lúc 16 giờ 30 phút cùng ngày./.",
        "THƯ KÝ",
        "CHỦ TỌA",
        "Nơi nhận:",
        "- Thường trực Đảng ủy xã;",
        "- Lưu: VT, Hồ sơ.",
        "Mã kiểm tra hồ sơ cuộc họp: 3f4a9c0b1d2e3f40…",
    ):
        assert expected in text, expected
    assert DIGEST not in text  # only the short form is printed


def test_fonts_are_liberation_serif_and_embedded(short: ComposedMinutes, tmp_path: Path) -> None:
    path = tmp_path / "minutes.pdf"
    path.write_bytes(short.pdf)
    output = subprocess.run(
        ["pdffonts", str(path)], check=True, capture_output=True, text=True
    ).stdout.splitlines()
    header, rule, *rows = output
    assert rows, output
    # pdffonts aligns columns under the dashes of its second line.
    spans, start = [], 0
    for dashes in rule.split(" "):
        spans.append((start, start + len(dashes)))
        start += len(dashes) + 1
    columns = [header[a:b].strip() for a, b in spans]
    emb = spans[columns.index("emb")]
    for row in rows:
        assert "Liberation Serif" in row, row
        assert row[emb[0] : emb[1]].strip() == "yes", row


def test_pages_are_a4(long: ComposedMinutes) -> None:
    with open_pdf(long) as doc:
        assert doc.page_count == long.page_count > 5
        for page in doc:
            assert page.rect.width == pytest.approx(A4[0], abs=0.5)
            assert page.rect.height == pytest.approx(A4[1], abs=0.5)


def page_number_words(page: pymupdf.Page) -> list[str]:
    return [w[4] for w in page.get_text("words") if w[3] <= MARGIN_TOP]


def test_page_numbers_top_centre_from_page_two(long: ComposedMinutes) -> None:
    with open_pdf(long) as doc:
        assert page_number_words(doc[0]) == []
        content_centre = (MARGIN_LEFT + A4[0] - MARGIN_RIGHT) / 2
        for index in range(1, doc.page_count):
            words = [w for w in doc[index].get_text("words") if w[3] <= MARGIN_TOP]
            assert [w[4] for w in words] == [str(index + 1)]
            assert (words[0][0] + words[0][2]) / 2 == pytest.approx(content_centre, abs=3)


def test_text_stays_inside_the_margins(long: ComposedMinutes) -> None:
    with open_pdf(long) as doc:
        last = doc.page_count - 1
        for page in doc:
            for x0, y0, x1, y1, text, *_ in page.get_text("blocks"):
                if y1 <= MARGIN_TOP and page.number:
                    continue  # the page number lives in the top margin
                if text.startswith("Mã kiểm tra hồ sơ cuộc họp") and page.number == last:
                    continue  # the record's check code is the last page's footer
                assert x0 >= MARGIN_LEFT - 0.5, (page.number, text)
                assert x1 <= A4[0] - MARGIN_RIGHT + 0.5, (page.number, text)
                assert y0 >= MARGIN_TOP - 0.5, (page.number, text)
                assert y1 <= A4[1] - MARGIN_BOTTOM + 0.5, (page.number, text)


def test_long_minutes_flow_over_pages_and_keep_signatures_whole(long: ComposedMinutes) -> None:
    text = all_text(long)
    for position in range(1, 31):
        assert f"{position}. Nội dung số {position}:" in text
    assert long.chair_box.page == long.secretary_box.page == long.page_count - 1
    with open_pdf(long) as doc:
        page = doc[long.chair_box.page]
        for box, heading, name in (
            (long.secretary_box, "THƯ KÝ", "Trần Thị Hằng"),
            (long.chair_box, "CHỦ TỌA", "Nguyễn Văn Đức"),
        ):
            rect = pymupdf.Rect(box.rect)
            assert rect.height == pytest.approx(45 * MM, abs=0.5)
            assert MARGIN_LEFT <= rect.x0 and rect.x1 <= A4[0] - MARGIN_RIGHT
            (heading_at,) = [r for r in page.search_for(heading) if r.y1 <= rect.y0]
            assert heading_at.x0 < rect.x1 and heading_at.x1 > rect.x0
            assert [r for r in page.search_for(name) if r.y0 >= rect.y1], name
            assert page.get_text(clip=rect).strip() == ""  # the box is left empty
        # The signatures never stand alone: the end-time sentence is on their page.
        assert "Cuộc họp kết thúc vào lúc" in page.get_text()
    secretary = pymupdf.Rect(long.secretary_box.rect)
    chair = pymupdf.Rect(long.chair_box.rect)
    assert secretary.x1 < chair.x0  # THƯ KÝ left, CHỦ TỌA right
    assert secretary.y0 == chair.y0


def test_signature_box_converts_to_pdf_space() -> None:
    box = SignatureBox(page=0, rect=(100.0, 600.0, 300.0, 730.0))
    assert box.pdf_rect(842.0) == (100.0, 112.0, 300.0, 242.0)


@pytest.mark.parametrize(
    ("number", "expected"),
    [(7, "Số: 07/BB-UBND"), (12, "Số: 12/BB-UBND"), (123, "Số: 123/BB-UBND")],
)
def test_number_has_a_leading_zero_under_ten(number: int, expected: str) -> None:
    assert expected in all_text(compose_minutes(minutes(items=1, number=number)))


def test_no_number_leaves_a_blank_to_fill_in() -> None:
    composed = compose_minutes(minutes(items=1, number=None))
    with open_pdf(composed) as doc:
        line = next(ln for ln in doc[0].get_text().splitlines() if ln.startswith("Số:"))
    assert line.endswith("/BB-UBND")
    assert not any(ch.isdigit() for ch in line)


def test_dates_follow_decree_30_and_times_are_vietnam_time() -> None:
    composed = compose_minutes(
        minutes(
            items=1,
            meeting_date=date(2027, 2, 5),
            started_at=datetime(2027, 2, 5, 1, 5, tzinfo=UTC),
            ended_at=datetime(2027, 2, 5, 17, 45, tzinfo=UTC),  # past midnight in Hà Nội
        )
    )
    text = all_text(composed)
    assert "Tường Tiến, ngày 05 tháng 02 năm 2027" in text
    assert "Thời gian bắt đầu: 08 giờ 05 phút, ngày 05/02/2027." in text
    assert "Cuộc họp kết thúc vào lúc 00 giờ 45 phút, ngày 06/02/2027./." in text


def test_unfinished_meeting_leaves_the_end_time_blank() -> None:
    text = all_text(compose_minutes(minutes(items=1, ended_at=None)))
    assert "Cuộc họp kết thúc vào lúc ..... giờ ..... phút" in text


def test_decomposed_input_is_printed_precomposed() -> None:
    decomposed = unicodedata.normalize("NFD", "Nghị quyết về đường Ư Ơ")
    assert decomposed != "Nghị quyết về đường Ư Ơ"
    text = all_text(compose_minutes(minutes(items=1, title=decomposed)))
    assert "Nghị quyết về đường Ư Ơ" in text


def test_unknown_chair_leaves_a_blank_for_the_name() -> None:
    text = all_text(compose_minutes(minutes(items=1, chair=MinutesPerson("", ""))))
    assert "Chủ trì (chủ tọa): ......" in text


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        compose_minutes(minutes(items=1, started_at=datetime(2026, 11, 26, 14, 0)))


def test_draft_carries_a_watermark_on_every_page() -> None:
    composed = compose_minutes(minutes(items=8, draft=True))
    with open_pdf(composed) as doc:
        assert doc.page_count > 1
        for page in doc:
            assert "DỰ THẢO" in page.get_text()
    assert "DỰ THẢO" not in all_text(compose_minutes(minutes(items=1)))


def test_no_parent_body_prints_only_the_body() -> None:
    composed = compose_minutes(minutes(items=1, parent_body=""))
    with open_pdf(composed) as doc:
        first_lines = doc[0].get_text().splitlines()[:3]
    assert "UBND XÃ TƯỜNG TIẾN" in first_lines
    assert "UBND TỈNH HƯNG YÊN" not in " ".join(first_lines)


def test_missing_fonts_say_which_package_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(fonts.FONT_DIR_ENV, str(tmp_path))
    with pytest.raises(FileNotFoundError, match="apt-get install fonts-liberation2"):
        compose_minutes(minutes(items=1))
