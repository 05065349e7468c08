"""Vote result rules: a basis, a threshold and its strictness, as settings of a body.

"More than half of all members" is basis all_members, 1/2, strict. The arithmetic is in
integers: yes * denominator compared with numerator * basis, never a float.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class Basis(StrEnum):
    ALL_MEMBERS = "all_members"  # everyone entitled to vote in the meeting
    PRESENT = "present"  # those checked in when the vote opened
    CAST = "cast"  # ballots cast, abstentions included


BASIS_TEXT = {
    Basis.ALL_MEMBERS: ("tổng số thành viên", "of all members"),
    Basis.PRESENT: ("số thành viên có mặt", "of members present"),
    Basis.CAST: ("tổng số phiếu hợp lệ", "of valid ballots"),
}
# A People's Council counts delegates, not members (Luật Tổ chức chính quyền địa phương).
DELEGATES_BASIS_TEXT = {
    Basis.ALL_MEMBERS: ("tổng số đại biểu Hội đồng nhân dân", "of all delegates"),
    Basis.PRESENT: ("số đại biểu có mặt", "of delegates present"),
    Basis.CAST: BASIS_TEXT[Basis.CAST],
}
# Thresholds in words, as the law writes them: "quá nửa", "ít nhất hai phần ba".
FRACTION_TEXT = {
    (1, 2): ("nửa", "half"),
    (2, 3): ("hai phần ba", "two thirds"),
    (3, 4): ("ba phần tư", "three quarters"),
    (1, 3): ("một phần ba", "one third"),
    (1, 1): ("toàn bộ", "all"),
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

    def text(self, lang: str = "vi", *, delegates: bool = False) -> str:
        """"quá nửa tổng số thành viên", "ít nhất hai phần ba tổng số đại biểu Hội đồng nhân
        dân" (`delegates`: the body is a People's Council)."""
        vi, en = (DELEGATES_BASIS_TEXT if delegates else BASIS_TEXT)[self.basis]
        frac_vi, frac_en = FRACTION_TEXT.get(
            self.fraction, (f"{self.numerator}/{self.denominator}",) * 2)
        if lang == "en":
            return f"{'more than' if self.strict else 'at least'} {frac_en} {en}"
        return f"{'quá' if self.strict else 'ít nhất'} {frac_vi} {vi}"

    @property
    def fraction(self) -> tuple[int, int]:
        """The threshold in lowest terms: 2/4 reads as a half."""
        from math import gcd

        d = gcd(self.numerator, self.denominator)
        return self.numerator // d, self.denominator // d


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


class HasRule(Protocol):
    """A row that stores a rule: a body (its default), a vote (fixed when it opened), a
    written opinion form (fixed when it was sent)."""

    rule_basis: str
    rule_numerator: int
    rule_denominator: int
    rule_strict: bool


def rule_of(row: HasRule) -> Rule:
    """The one way a stored rule becomes a `Rule`."""
    return Rule(Basis(row.rule_basis), row.rule_numerator, row.rule_denominator,
                row.rule_strict)


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


# --- Ties, presets and elections (issue 5) -------------------------------------------------


class Tie(StrEnum):
    FAILS = "fails"  # yes == no: the motion fails
    CHAIR = "chair"  # yes == no: the side the chair voted for wins (company boards)


def decide(rule: Rule, tally: Tally, tie: Tie = Tie.FAILS, chair_choice: str | None = None) -> bool:
    """The outcome of a yes/no/abstain vote. A tie (as many yes as no, at least one of each)
    goes to the chair's side only under Tie.CHAIR and only if the chair voted yes or no; the
    threshold still applies to every other case."""
    if tie is Tie.CHAIR and tally.yes == tally.no and tally.yes > 0:
        return chair_choice == "yes"
    return passes(rule, tally)


@dataclass(frozen=True)
class Preset:
    key: str
    vi: str
    en: str
    rule: Rule
    tie: Tie
    quorum: tuple[int, int] | None  # share of all members that must be present, at least
    proxies: bool


# The result rules of the bodies in BRIEF.md. Check each body's current law before relying on
# one: these are defaults a secretary can override per vote.
PRESETS: dict[str, Preset] = {p.key: p for p in (
    Preset("people_committee", "Ủy ban nhân dân", "People's Committee",
           Rule(Basis.ALL_MEMBERS, 1, 2, True), Tie.FAILS, (2, 3), False),
    Preset("people_council", "Hội đồng nhân dân", "People's Council",
           Rule(Basis.ALL_MEMBERS, 1, 2, True), Tie.FAILS, (2, 3), False),
    Preset("people_council_two_thirds",
           "Hội đồng nhân dân (ít nhất hai phần ba tổng số đại biểu)",
           "People's Council (two thirds of all delegates)",
           Rule(Basis.ALL_MEMBERS, 2, 3, False), Tie.FAILS, (2, 3), False),
    Preset("company_board", "Hội đồng quản trị công ty", "Company board",
           Rule(Basis.PRESENT, 1, 2, True), Tie.CHAIR, (3, 4), True),
)}


def quorum_required(members: int, numerator: int, denominator: int) -> int:
    """How many members must be present for a quorum of at least numerator/denominator."""
    if numerator <= 0 or denominator <= 0:
        return 0
    return -(-members * numerator // denominator)


def elected(rule: Rule, marks: list[int], seats: int, eligible: int, present: int,
            valid: int) -> list[int]:
    """An election: the options whose marks reach the threshold (basis: cast = valid ballots),
    best first, at most `seats`; options tied at the last seat are all left out (a new round
    decides)."""
    passing = [i for i, m in enumerate(marks)
               if passes(rule, Tally(m, 0, valid - m, eligible, present))]
    passing.sort(key=lambda i: -marks[i])
    if len(passing) > seats and seats > 0 and marks[passing[seats - 1]] == marks[passing[seats]]:
        cutoff = marks[passing[seats]]
        return [i for i in passing[:seats] if marks[i] > cutoff]
    return passing[:seats]
