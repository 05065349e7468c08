"""Vote result rules: a basis, a threshold and its strictness, as settings of a body.

"More than half of all members" is basis all_members, 1/2, strict. The arithmetic is in
integers: yes * denominator compared with numerator * basis, never a float.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Basis(StrEnum):
    ALL_MEMBERS = "all_members"  # everyone entitled to vote in the meeting
    PRESENT = "present"  # those checked in when the vote opened
    CAST = "cast"  # ballots cast, abstentions included


BASIS_TEXT = {
    Basis.ALL_MEMBERS: ("tổng số thành viên", "of all members"),
    Basis.PRESENT: ("số thành viên có mặt", "of members present"),
    Basis.CAST: ("số phiếu biểu quyết", "of votes cast"),
}


@dataclass(frozen=True)
class Rule:
    basis: Basis = Basis.ALL_MEMBERS
    numerator: int = 1
    denominator: int = 2
    strict: bool = True

    def __post_init__(self) -> None:
        if self.denominator <= 0 or not 0 < self.numerator <= self.denominator:
            raise ValueError("threshold must be a fraction in (0, 1]")

    def text(self, lang: str = "vi") -> str:
        vi, en = BASIS_TEXT[self.basis]
        frac = f"{self.numerator}/{self.denominator}"
        if lang == "en":
            return f"{'more than' if self.strict else 'at least'} {frac} {en}"
        return f"{'quá' if self.strict else 'ít nhất'} {frac} {vi}"


@dataclass(frozen=True)
class Tally:
    yes: int
    no: int
    abstain: int
    eligible: int  # entitled to vote when the vote opened
    present: int  # of those, checked in when the vote opened

    @property
    def cast(self) -> int:
        return self.yes + self.no + self.abstain


def basis_count(rule: Rule, tally: Tally) -> int:
    if rule.basis is Basis.ALL_MEMBERS:
        return tally.eligible
    if rule.basis is Basis.PRESENT:
        return tally.present
    return tally.cast


def passes(rule: Rule, tally: Tally) -> bool:
    """Whether the yes votes reach the threshold of the basis. Zero basis never passes."""
    basis = basis_count(rule, tally)
    if basis == 0:
        return False
    if rule.strict:
        return tally.yes * rule.denominator > rule.numerator * basis
    return tally.yes * rule.denominator >= rule.numerator * basis
