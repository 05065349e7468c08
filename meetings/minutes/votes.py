"""The votes of a meeting as its minutes print them: a closed or cancelled `Vote` and its
ballots become a `MinutesVote` (the counts, who was away, the basis of the percentages, the
candidates of an election, who voted what in a named vote). Open votes never reach a final
record: a meeting cannot end while one is open."""

from __future__ import annotations

import json
from dataclasses import replace

from sqlalchemy import and_
from sqlmodel import Session, col, select

from meetings.minutes.layout import MinutesCandidate, MinutesVote
from meetings.minutes.wording import CHOICE_TEXT
from meetings.models import BallotReceipt, User, Vote, VoteStatus, VoteVoter
from meetings.votes.majority import Basis, Tally, basis_count, rule_of
from meetings.votes.voting import named_ballots, vote_options


def basis_text(basis: Basis, members: str, member_word: str) -> str:
    """What a percentage is a share of: "tổng số thành viên Ủy ban nhân dân xã"."""
    if basis is Basis.ALL_MEMBERS:
        return f"tổng số {members}"
    if basis is Basis.PRESENT:
        return f"số {member_word} có mặt"
    return "tổng số phiếu hợp lệ"


def _turnout(session: Session, vote: Vote) -> tuple[int, int]:
    """(absent, not cast): voters not present when the vote opened for whom no ballot was
    cast (a proxy's ballot counts as cast), and voters present who cast none."""
    rows = session.exec(
        select(VoteVoter.present, BallotReceipt.id)
        .outerjoin(BallotReceipt, and_(col(BallotReceipt.vote_id) == col(VoteVoter.vote_id),
                                       col(BallotReceipt.user_id) == col(VoteVoter.user_id)))
        .where(VoteVoter.vote_id == vote.id)
    ).all()
    absent = sum(1 for present, receipt in rows if receipt is None and not present)
    not_cast = sum(1 for present, receipt in rows if receipt is None and present)
    return absent, not_cast


def _names(
    session: Session, vote: Vote, options: list[str]
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A named vote: who chose what, and whose ballot a proxy cast."""
    groups: dict[str, list[str]] = {}
    for b in named_ballots(session, vote):
        if options:
            marks = b["marks"] or []
            label = ("Chọn " + ", ".join(options[i] for i in marks) if marks
                     else "Không chọn phương án nào")
        else:
            label = CHOICE_TEXT.get(b["choice"] or "", "")
        holder = session.get(User, b["cast_by"]) if b["cast_by"] else None
        proxy = f" (do {holder.full_name} biểu quyết thay)" if holder else ""
        groups.setdefault(label, []).append(b["full_name"] + proxy)
    return tuple((label, tuple(people)) for label, people in groups.items())


def minutes_vote(session: Session, vote: Vote, *, members: str, member_word: str,
                 delegates: bool) -> MinutesVote:
    rule = rule_of(vote)
    counts = json.loads(vote.counts) if vote.counts else {}
    options = vote_options(vote)
    absent, not_cast = _turnout(session, vote)
    common = MinutesVote(
        question=vote.question,
        kind=vote.kind,
        eligible=vote.eligible,
        passed=None,
        rule_text=rule.text("vi", delegates=delegates),
        basis_text=basis_text(rule.basis, members, member_word),
        tie_by_chair=vote.rule_tie == "chair" and not options,
        quorum_overridden=((vote.present or 0, vote.quorum_required)
                           if vote.quorum_overridden else None),
    )
    if vote.status == VoteStatus.CANCELLED.value:
        return replace(common, cancel_reason=vote.cancel_reason)
    if options:
        marks = counts.get("marks", [0] * len(options))
        elected = set(counts.get("elected", []))
        ballots = int(counts.get("ballots", 0))
        received = int(counts.get("cast", ballots))
        tally = Tally(0, 0, ballots, vote.eligible, vote.present or 0)
        return replace(
            common, passed=bool(vote.passed), absent=absent, not_cast=not_cast,
            basis=basis_count(rule, tally), received=received, ballots=ballots,
            candidates=tuple(MinutesCandidate(o, int(m), i in elected)
                             for i, (o, m) in enumerate(zip(options, marks, strict=True))),
            names=_names(session, vote, options) if vote.kind == "named" else (),
        )
    tally = Tally(vote.yes or 0, vote.no or 0, vote.abstain or 0, vote.eligible,
                  vote.present or 0)
    return replace(
        common, passed=bool(vote.passed), yes=tally.yes, no=tally.no, abstain=tally.abstain,
        absent=absent, not_cast=not_cast, basis=basis_count(rule, tally),
        names=_names(session, vote, options) if vote.kind == "named" else (),
    )
