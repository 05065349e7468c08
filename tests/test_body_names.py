"""How the record names a body and counts (meetings.body_names, meetings.minutes.wording): the
header as Nghị định 30 writes it, the words for members and delegates, the default "Nơi nhận",
counts and percentages as administrative documents print them."""

from __future__ import annotations

import pytest

from meetings import body_names
from meetings.body_names import BodyKind
from meetings.minutes import wording


@pytest.mark.parametrize(
    ("name", "kind", "lines", "members", "recipients"),
    [
        ("UBND xã Tường Tiến", BodyKind.PEOPLE_COMMITTEE, ("ỦY BAN NHÂN DÂN", "XÃ TƯỜNG TIẾN"),
         "thành viên Ủy ban nhân dân xã", "Các thành viên UBND xã"),
        ("Ủy ban nhân dân phường Hoàn Kiếm", BodyKind.PEOPLE_COMMITTEE,
         ("ỦY BAN NHÂN DÂN", "PHƯỜNG HOÀN KIẾM"), "thành viên Ủy ban nhân dân phường",
         "Các thành viên UBND phường"),
        ("HĐND tỉnh Hưng Yên", BodyKind.PEOPLE_COUNCIL, ("HỘI ĐỒNG NHÂN DÂN", "TỈNH HƯNG YÊN"),
         "đại biểu Hội đồng nhân dân tỉnh", "Các đại biểu HĐND tỉnh"),
        ("Hội đồng nhân dân thành phố Hà Nội", BodyKind.PEOPLE_COUNCIL,
         ("HỘI ĐỒNG NHÂN DÂN", "THÀNH PHỐ HÀ NỘI"), "đại biểu Hội đồng nhân dân thành phố",
         "Các đại biểu HĐND thành phố"),
        ("Hội đồng quản trị Công ty Cổ phần Sông Hồng", BodyKind.OTHER,
         ("HỘI ĐỒNG QUẢN TRỊ CÔNG TY CỔ PHẦN SÔNG HỒNG",), "thành viên",
         "Các thành viên dự họp"),
        ("UBNDX Tường Tiến", BodyKind.OTHER, ("UBNDX TƯỜNG TIẾN",), "thành viên",
         "Các thành viên dự họp"),
    ],
)
def test_bodies_are_named_as_the_record_names_them(
    name: str, kind: BodyKind, lines: tuple[str, ...], members: str, recipients: str
) -> None:
    assert body_names.kind_of(name) is kind
    assert body_names.header_lines(name) == lines
    assert body_names.members_noun(name) == members
    assert body_names.default_recipients(name) == (recipients,)
    # a People's Committee or Council prints no parent body above its name
    assert body_names.has_parent_line(name) is (kind is BodyKind.OTHER)


def test_full_names_expand_the_abbreviations() -> None:
    assert body_names.full_name("UBND xã Tường Tiến") == "Ủy ban nhân dân xã Tường Tiến"
    assert body_names.full_name("HĐND xã  Tường Tiến") == "Hội đồng nhân dân xã Tường Tiến"
    assert body_names.member_word("HĐND xã Tường Tiến") == "đại biểu"
    assert body_names.member_word("UBND xã Tường Tiến") == "thành viên"


@pytest.mark.parametrize(("n", "text"), [(0, "0"), (1, "01"), (9, "09"), (10, "10"), (123, "123")])
def test_counts_under_ten_take_a_leading_zero(n: int, text: str) -> None:
    assert wording.count(n) == text


@pytest.mark.parametrize(
    ("part", "whole", "text"),
    [(4, 6, "66,67%"), (3, 6, "50%"), (6, 6, "100%"), (1, 3, "33,33%"), (0, 6, "0%"),
     (1, 0, "0%")],
)
def test_percentages_use_a_decimal_comma(part: int, whole: int, text: str) -> None:
    assert wording.percent(part, whole) == text


def test_recipients_are_one_list_without_the_filing_line() -> None:
    typed = ["- Thường trực Đảng ủy xã;", "Thường trực đảng ủy xã", "+ Các thành viên UBND xã.",
             "", "  ", "Lưu: VT", "- Lưu VT, HS.", "LƯU: VT, hồ sơ", "- luu"]
    assert wording.recipients(typed) == ("Thường trực Đảng ủy xã", "Các thành viên UBND xã")
    # a recipient that merely starts with the same letters stays
    assert wording.recipients(["Lưu trữ lịch sử tỉnh"]) == ("Lưu trữ lịch sử tỉnh",)


def test_the_stored_kind_wins_over_what_the_name_suggests() -> None:
    """The administrator sets the kind; the name no longer has to carry it."""
    assert body_names.header_lines("xã An Bình", "people_committee") == (
        "ỦY BAN NHÂN DÂN", "XÃ AN BÌNH")
    assert body_names.members_noun("xã An Bình", "people_council") == (
        "đại biểu Hội đồng nhân dân xã")
    assert body_names.header_lines("UBND xã Tường Tiến", "other") == ("UBND XÃ TƯỜNG TIẾN",)
    assert body_names.has_parent_line("UBND xã Tường Tiến", "other")
    assert body_names.legal_quorum("people_committee") == (2, 3)
    assert body_names.legal_quorum("people_council") == (2, 3)
    assert body_names.legal_quorum("other") is None
