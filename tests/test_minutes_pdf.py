"""The minutes PDF as a clerk would check it: Decree 30 layout, Vietnamese text, embedded fonts."""

from __future__ import annotations

import dataclasses
import subprocess
import unicodedata
from datetime import UTC, date, datetime
from pathlib import Path

import pymupdf
import pytest

from meetings.minutes import fonts
from meetings.minutes.layout import (
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
RULE = "quá nửa tổng số thành viên"
BASIS = "tổng số thành viên Ủy ban nhân dân xã"


def vote(question: str, yes: int, no: int, passed: bool | None, **more: object) -> MinutesVote:
    return MinutesVote(question=question, kind="counts", eligible=10, passed=passed,
                       rule_text=RULE, yes=yes, no=no, abstain=10 - yes - no - 1, absent=1,
                       basis=10, basis_text=BASIS, **more)  # type: ignore[arg-type]


def minutes(*, items: int = 3, long: bool = False, **changes: object) -> MinutesData:
    members = tuple(
        MinutesAttendee(
            name=f"Thành viên {i}",
            title="Ủy viên UBND xã",
            role="member",
            present=i != 5,
            note="đi công tác tỉnh" if i == 5 else "",
            attendance="excused" if i == 5 else "present",
        )
        for i in range(1, 10)
    )
    attendees = (
        MinutesAttendee("Nguyễn Văn Đức", "Chủ tịch UBND xã", "chair", True, "", "present"),
        MinutesAttendee("Trần Thị Hằng", "Công chức Văn phòng - Thống kê", "secretary", True),
        *members,
        MinutesAttendee("Lê Ngọc Ước", "Trưởng Công an xã", "guest", True),
    )
    conclusion = "Giao Văn phòng hoàn thiện hồ sơ, trình ký trước ngày 30/11/2026. " * (
        12 if long else 1
    )
    data = MinutesData(
        parent_body="",
        body="ỦY BAN NHÂN DÂN XÃ TƯỜNG TIẾN",
        body_lines=("Ủy ban nhân dân", "xã Tường Tiến"),
        members="thành viên Ủy ban nhân dân xã",
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
                    vote("Thông qua dự thảo", 8, 1, True),
                    vote("Phương án bổ sung", 4, 5, False),
                    vote("Biểu quyết lại", 0, 0, None, cancel_reason="Sai danh sách"),
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
    """The text as one reads it across pages (the page numbers left out)."""
    with open_pdf(composed) as doc:
        return flat(" ".join(
            page.get_text(clip=pymupdf.Rect(0, MARGIN_TOP - 2 if page.number else 0, *A4))
            for page in doc))


def test_vietnamese_text_round_trips(short: ComposedMinutes) -> None:
    text = all_text(short)
    for expected in (
        "ỦY BAN NHÂN DÂN XÃ TƯỜNG TIẾN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 07/BB-UBND",
        "Tường Tiến, ngày 26 tháng 11 năm 2026",
        "BIÊN BẢN",
        "Phiên họp thường kỳ tháng 11 năm 2026",
        "Thời gian bắt đầu: 14 giờ 00 phút, ngày 26/11/2026.",
        "Địa điểm: Phòng họp số 1, trụ sở UBND xã.",
        "- Chủ tọa: Nguyễn Văn Đức, Chủ tịch UBND xã.",
        "- Thư ký: Trần Thị Hằng, Công chức Văn phòng - Thống kê.",
        "- Có mặt: 09/10 thành viên Ủy ban nhân dân xã; vắng: 01 (01 có lý do: Thành viên 5 "
        "(đi công tác tỉnh)).",
        "- Thành viên có mặt: + Nguyễn Văn Đức, Chủ tịch UBND xã (chủ tọa); + Thành viên 1,",
        "- Khách mời: + Lê Ngọc Ước, Trưởng Công an xã.",
        "NỘI DUNG",
        "1. Nội dung số 1: kế hoạch đầu tư công năm 2027",
        "Người trình bày: Phạm Quốc Việt",
        "Tài liệu: Tờ trình số 112/TTr-UBND; Dự thảo Nghị quyết.",
        "Nội dung biểu quyết: Thông qua dự thảo. Hình thức: biểu quyết công khai. Kết quả biểu "
        "quyết: 08/10 thành viên tán thành, chiếm 80% tổng số thành viên Ủy ban nhân dân xã; "
        "01 không tán thành; 0 không biểu quyết; 01 vắng mặt. Nội dung được thông qua (điều "
        "kiện thông qua: quá nửa tổng số thành viên).",
        "Kết quả biểu quyết: 04/10 thành viên tán thành, chiếm 40% tổng số thành viên Ủy ban "
        "nhân dân xã; 05 không tán thành; 0 không biểu quyết; 01 vắng mặt. Nội dung không "
        "được thông qua",
        "Nội dung biểu quyết: Biểu quyết lại. Hình thức: biểu quyết công khai. Biểu quyết đã "
        "bị hủy (lý do: Sai danh sách); không có kết quả.",
        "Kiểm tra dấu: ệ ặ ữ đ Ư ơ.",
        "KẾT LUẬN CHUNG",
        "Cuộc họp kết thúc vào lúc 16 giờ 30 phút cùng ngày./.",
        "THƯ KÝ",
        "CHỦ TỌA",
        "Nơi nhận:",
        "- Thường trực Đảng ủy xã;",
        "- Lưu: VT, hồ sơ.",
        f"Mã kiểm tra nhật ký diễn biến cuộc họp: {DIGEST}",
    ):
        assert expected in text, expected
    # One word for each role, and no words the record does not use.
    for absent in ("Chủ trì", "người ghi biên bản", "Chưa biểu quyết", "chưa biểu quyết",
                   "không ý kiến", "Không ý kiến", "quá 1/2", "niêm phong", "UBND TỈNH"):
        assert absent not in text, absent


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
                if text.startswith("Mã kiểm tra nhật ký") and page.number == last:
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
    assert "Chủ tọa: ......" in text


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


def test_a_people_committee_prints_its_name_on_two_lines_and_no_parent() -> None:
    with open_pdf(compose_minutes(minutes(items=1))) as doc:
        first_lines = doc[0].get_text().splitlines()[:2]
    assert first_lines == ["ỦY BAN NHÂN DÂN", "XÃ TƯỜNG TIẾN"]


def test_another_body_prints_its_parent_above_it() -> None:
    composed = compose_minutes(minutes(
        items=1, parent_body="ĐẠI HỌC QUỐC GIA HÀ NỘI", body="TRƯỜNG ĐẠI HỌC KHOA HỌC TỰ NHIÊN",
        body_lines=()))
    with open_pdf(composed) as doc:
        lines = doc[0].get_text().splitlines()
    national = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert lines.index("ĐẠI HỌC QUỐC GIA HÀ NỘI") < lines.index(national)
    assert "TRƯỜNG ĐẠI HỌC KHOA HỌC TỰ NHIÊN" in " ".join(lines)


def test_missing_fonts_say_which_package_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(fonts.FONT_DIR_ENV, str(tmp_path))
    with pytest.raises(FileNotFoundError, match="apt-get install fonts-liberation2"):
        compose_minutes(minutes(items=1))


# --- what the record says (issue 10): attendance, votes, order, "Nơi nhận", the closing ----


def test_attendance_is_printed_from_the_recorded_attendance() -> None:
    people = (
        # the chair ran the meeting: never printed absent, even with nothing recorded
        MinutesAttendee("Nguyễn Văn Đức", "Chủ tịch UBND xã", "chair", False, "", ""),
        MinutesAttendee("Trần Thị Hằng", "Công chức Văn phòng", "secretary", False, "", ""),
        MinutesAttendee("Lê Thị Hồng Nhung", "Phó Chủ tịch UBND xã", "member", True, "",
                        "remote"),
        MinutesAttendee("Phạm Văn Hải", "Phó Chủ tịch UBND xã", "member", True, "", "present"),
        MinutesAttendee("Vũ Thị Lan", "Ủy viên UBND xã", "member", False, "Đi công tác",
                        "excused", proxy="Phạm Văn Hải"),
        MinutesAttendee("Đỗ Quang Vinh", "Ủy viên UBND xã", "member", False, "", "absent"),
        MinutesAttendee("Hoàng Minh Tuấn", "Ủy viên UBND xã", "member", False, "", ""),
        MinutesAttendee("Bùi Thị Mai", "Chủ tịch Ủy ban MTTQ xã", "guest", True, "", "present"),
        MinutesAttendee("Ngô Văn Khách", "Khách mời vắng", "guest", False, "", "excused"),
    )
    text = all_text(compose_minutes(minutes(items=1, attendees=people)))
    assert ("- Có mặt: 03/06 thành viên Ủy ban nhân dân xã (trong đó 01 dự họp trực tuyến); "
            "vắng: 03 (01 có lý do: Vũ Thị Lan (Đi công tác; ủy quyền cho Phạm Văn Hải); 02 "
            "không có lý do: Đỗ Quang Vinh, Hoàng Minh Tuấn).") in text
    assert ("- Thành viên có mặt: + Nguyễn Văn Đức, Chủ tịch UBND xã (chủ tọa); + Lê Thị Hồng "
            "Nhung, Phó Chủ tịch UBND xã (dự họp trực tuyến); + Phạm Văn Hải, Phó Chủ tịch UBND "
            "xã.") in text
    assert "- Khách mời: + Bùi Thị Mai, Chủ tịch Ủy ban MTTQ xã." in text
    assert "Ngô Văn Khách" not in text and "Trần Thị Hằng, Công chức Văn phòng (" not in text
    assert "không có lý do: Vũ Thị Lan" not in text


def test_a_peoples_council_counts_delegates() -> None:
    text = all_text(compose_minutes(minutes(
        items=1, members="đại biểu Hội đồng nhân dân xã", member_word="đại biểu")))
    assert "- Có mặt: 09/10 đại biểu Hội đồng nhân dân xã;" in text
    assert "- Đại biểu có mặt:" in text
    assert "08/10 đại biểu tán thành" in text


def test_elections_ties_and_named_votes_use_the_record_s_sentences() -> None:
    from meetings.minutes.layout import MinutesCandidate

    election = MinutesVote(
        question="Bầu Phó Chủ tịch UBND xã", kind="secret", eligible=6, passed=True,
        rule_text="quá nửa tổng số phiếu hợp lệ", basis=5, basis_text="tổng số phiếu hợp lệ",
        candidates=(MinutesCandidate("Lê Văn An", 4, True), MinutesCandidate("Hà Thị Bình", 1,
                                                                              False)),
        received=5, ballots=5)
    tie = MinutesVote(
        question="Thông qua phương án", kind="named", eligible=4, passed=True,
        rule_text="quá nửa số thành viên có mặt", yes=2, no=2, basis=4,
        basis_text="số thành viên có mặt", tie_by_chair=True,
        quorum_overridden=(2, 3),
        names=(("Tán thành", ("Nguyễn Văn Đức", "Lê An (do Phạm Hải biểu quyết thay)")),
               ("Không tán thành", ("Hà Bình", "Vũ Lan"))))
    item = dataclasses.replace(minutes(items=1).items[0], votes=(election, tie),
                               speakers=("Lê Thị Hồng Nhung", "Phạm Văn Hải"))
    text = all_text(compose_minutes(dataclasses.replace(minutes(items=1), items=(item,))))
    for expected in (
        "Ý kiến phát biểu: Lê Thị Hồng Nhung, Phạm Văn Hải.",
        "Nội dung biểu quyết: Bầu Phó Chủ tịch UBND xã. Hình thức: bỏ phiếu kín. Số phiếu "
        "phát ra 06, số phiếu thu vào 05, số phiếu hợp lệ 05, số phiếu không hợp lệ 0. Kết "
        "quả: Lê Văn An: 04 phiếu, chiếm 80% tổng số phiếu hợp lệ (trúng cử); Hà Thị Bình: 01 "
        "phiếu, chiếm 20% tổng số phiếu hợp lệ.",
        "Người trúng cử: Lê Văn An (điều kiện thông qua: quá nửa tổng số phiếu hợp lệ).",
        "Hình thức: biểu quyết công khai, ghi tên. Biểu quyết được mở khi chưa đủ số thành "
        "viên tham dự theo quy định (có mặt 02, cần 03), theo quyết định của chủ tọa.",
        "02/04 thành viên tán thành, chiếm 50% số thành viên có mặt; 02 không tán thành",
        "Trường hợp số phiếu tán thành và không tán thành bằng nhau thì quyết định theo ý kiến "
        "mà chủ tọa đã biểu quyết. Nội dung được thông qua",
        "Tán thành: Nguyễn Văn Đức, Lê An (do Phạm Hải biểu quyết thay).",
        "Không tán thành: Hà Bình, Vũ Lan.",
    ):
        assert expected in text, expected


def test_the_filing_line_ends_the_recipients_once_whatever_was_typed() -> None:
    typed = ("- Thường trực HĐND xã;", "Lưu: VT", "- Lưu VT, HS.", "LƯU: VT, hồ sơ",
             "Thường trực HĐND xã", "+ Các thành viên UBND xã.")
    text = all_text(compose_minutes(minutes(items=1, recipients=typed)))
    assert ("Nơi nhận: - Thường trực HĐND xã; - Các thành viên UBND xã; - Lưu: VT, hồ sơ."
            in text)
    assert text.count("Lưu") == 1


def test_contents_in_order_and_speaking_times_in_an_annex() -> None:
    from meetings.minutes.layout import MinutesOpinion, MinutesSpeakingTime

    opinion = MinutesOpinion("Thông qua dự toán bổ sung", datetime(2026, 11, 20, 10, 0,
                                                                    tzinfo=UTC),
                             6, 4, 1, 0, True, RULE)
    composed = compose_minutes(minutes(
        items=2, written_opinions=(opinion,),
        speaking_times=(MinutesSpeakingTime("Lê Thị Hồng Nhung", 2, 185),)))
    text = all_text(composed)
    order = ["NỘI DUNG", "2. Nội dung số 2", "Kết quả lấy ý kiến bằng văn bản",
             "KẾT LUẬN CHUNG", "Cuộc họp kết thúc", "CHỦ TỌA", "Nơi nhận:", "PHỤ LỤC",
             "THỜI GIAN PHÁT BIỂU", "Lê Thị Hồng Nhung: 2 lượt, 3 phút 05 giây"]
    positions = [text.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert ("1. Thông qua dự toán bổ sung. Phiếu lấy ý kiến kết thúc lúc 17 giờ 00 phút, ngày "
            "20/11/2026; 05/06 thành viên trả lời: 04 đồng ý, 01 không đồng ý, 0 ý kiến khác; "
            "01 không trả lời. Nội dung được thông qua (điều kiện thông qua: quá nửa tổng số "
            "thành viên).") in text
    assert "(Kèm theo Biên bản số 07/BB-UBND ngày 26/11/2026)" in text
    with open_pdf(composed) as doc:  # the annex starts a page of its own
        annex = next(i for i in range(doc.page_count) if "PHỤ LỤC" in doc[i].get_text())
        assert annex > composed.chair_box.page and "Nơi nhận" not in doc[annex].get_text()


def _closing_top(doc: pymupdf.Document, composed: ComposedMinutes) -> float:
    (sentence,) = doc[composed.chair_box.page].search_for("Cuộc họp kết thúc vào lúc")
    return float(sentence.y0)


def _text_bottom(page: pymupdf.Page) -> float:
    """Where the body text ends on a page (not the page number, not the footer)."""
    bottoms = [b[3] for b in page.get_text("blocks")
               if b[1] >= MARGIN_TOP - 1 and b[3] <= A4[1] - MARGIN_BOTTOM + 1]
    return max(bottoms, default=MARGIN_TOP)


@pytest.mark.parametrize("length", range(0, 22))
def test_the_closing_block_moves_only_when_it_cannot_fit(length: int) -> None:
    """Minutes of every length: the end sentence and both signature blocks (title, box, name)
    share one page; they start a new page only when what is left of the previous one cannot
    hold them, and "Nơi nhận" never stands as a lone heading."""
    long_item = dataclasses.replace(
        minutes(items=1).items[0],
        conclusion="Giao Văn phòng hoàn thiện hồ sơ, trình ký đúng hạn. " * (length * 3))
    composed = compose_minutes(dataclasses.replace(minutes(items=1), items=(long_item,)))
    bottom = A4[1] - MARGIN_BOTTOM
    with open_pdf(composed) as doc:
        page_index = composed.chair_box.page
        assert composed.secretary_box.page == page_index
        page = doc[page_index]
        top = _closing_top(doc, composed)
        for box, heading, name in ((composed.secretary_box, "THƯ KÝ", "Trần Thị Hằng"),
                                   (composed.chair_box, "CHỦ TỌA", "Nguyễn Văn Đức")):
            rect = pymupdf.Rect(box.rect)
            assert [r for r in page.search_for(heading) if top < r.y1 <= rect.y0]
            (name_at,) = [r for r in page.search_for(name) if r.y0 >= rect.y1]
            assert name_at.y1 <= bottom
        closing_height = max(r.y1 for r in page.search_for("Nguyễn Văn Đức")) - top
        earlier = [b for b in page.get_text("blocks") if MARGIN_TOP <= b[3] <= top - 1]
        if not earlier and page_index > 0:
            # moved to a fresh page: it did not fit below the text of the page before
            assert bottom - _text_bottom(doc[page_index - 1]) < closing_height + 12
        heading_page = next(i for i in range(doc.page_count) if "Nơi nhận:" in doc[i].get_text())
        (heading_at,) = doc[heading_page].search_for("Nơi nhận:")
        assert [r for r in doc[heading_page].search_for("Lưu: VT, hồ sơ.")
                if r.y0 >= heading_at.y1 - 1]  # its list follows it on its page
