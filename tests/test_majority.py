"""Vote result rules, table-driven: every basis, strict and non-strict thresholds, edges."""

from __future__ import annotations

import pytest

from meetings.votes.majority import Basis, Rule, Tally, passes

HALF = Rule(Basis.ALL_MEMBERS, 1, 2, True)
TWO_THIRDS_PRESENT = Rule(Basis.PRESENT, 2, 3, False)
HALF_CAST = Rule(Basis.CAST, 1, 2, True)


@pytest.mark.parametrize(
    ("rule", "tally", "expected"),
    [
        # more than half of all 6 members: 4 passes, 3 (exactly half) fails
        (HALF, Tally(4, 0, 0, eligible=6, present=6), True),
        (HALF, Tally(3, 0, 3, eligible=6, present=6), False),
        (HALF, Tally(3, 0, 0, eligible=5, present=3), True),
        # absent members count against under "all members"
        (HALF, Tally(3, 0, 0, eligible=7, present=3), False),
        # zero votes, zero basis
        (HALF, Tally(0, 0, 0, eligible=6, present=0), False),
        (HALF, Tally(0, 0, 0, eligible=0, present=0), False),
        # at least two thirds of those present: exactly 2/3 passes
        (TWO_THIRDS_PRESENT, Tally(4, 2, 0, eligible=9, present=6), True),
        (TWO_THIRDS_PRESENT, Tally(3, 2, 1, eligible=9, present=6), False),
        # of votes cast, abstentions included: all abstain fails
        (HALF_CAST, Tally(0, 0, 5, eligible=5, present=5), False),
        (HALF_CAST, Tally(2, 1, 0, eligible=9, present=3), True),
        (HALF_CAST, Tally(2, 1, 1, eligible=9, present=4), False),
        # unanimity
        (Rule(Basis.ALL_MEMBERS, 1, 1, False), Tally(5, 0, 0, eligible=5, present=5), True),
        (Rule(Basis.ALL_MEMBERS, 1, 1, False), Tally(4, 0, 1, eligible=5, present=5), False),
    ],
)
def test_passes(rule: Rule, tally: Tally, expected: bool) -> None:
    assert passes(rule, tally) is expected


def test_large_bodies_use_exact_arithmetic() -> None:
    # 1,600 delegates, two thirds: 1067 of 1600 is 66.6875 % (passes), 1066 is 66.625 % (fails)
    rule = Rule(Basis.ALL_MEMBERS, 2, 3, False)
    assert passes(rule, Tally(1067, 0, 0, eligible=1600, present=1600))
    assert not passes(rule, Tally(1066, 0, 0, eligible=1600, present=1600))


@pytest.mark.parametrize(("num", "den"), [(0, 2), (3, 2), (1, 0), (-1, 2)])
def test_threshold_must_be_a_fraction(num: int, den: int) -> None:
    with pytest.raises(ValueError):
        Rule(Basis.ALL_MEMBERS, num, den, True)


def test_rule_text_in_both_languages() -> None:
    assert HALF.text("vi") == "quá nửa tổng số thành viên"
    assert HALF.text("en") == "more than half of all members"
    # the words of the law: "ít nhất hai phần ba", a People's Council's delegates
    two_thirds = Rule(Basis.ALL_MEMBERS, 2, 3, False)
    assert two_thirds.text("vi") == "ít nhất hai phần ba tổng số thành viên"
    assert two_thirds.text("vi", delegates=True) == (
        "ít nhất hai phần ba tổng số đại biểu Hội đồng nhân dân")
    assert two_thirds.text("en", delegates=True) == "at least two thirds of all delegates"
    assert Rule(Basis.CAST, 2, 4, True).text("vi") == "quá nửa tổng số phiếu hợp lệ"
    assert Rule(Basis.PRESENT, 3, 5, False).text("vi") == "ít nhất 3/5 số thành viên có mặt"
