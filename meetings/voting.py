"""Votes: opening one on an item, casting ballots, closing it and computing the result.

A ballot is final: like a paper ballot in the box, it cannot be changed once accepted
(docs/api.md, "Votes"). One ballot per voter per vote is a unique constraint in the database,
so it holds even when two devices of the same member press at the same instant.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from meetings import record
from meetings.access import Action, authorize
from meetings.accounts import Actor
from meetings.errors import DomainError, Kind, conflict, invalid, not_found
from meetings.events import STAFF, Event
from meetings.majority import Basis, Rule, Tally, passes
from meetings.models import (
    Ballot,
    Body,
    Choice,
    Participant,
    Role,
    Vote,
    VoteStatus,
    utcnow,
)
from meetings.preparation import get_item
from meetings.running import must_be_running, open_vote_of
from meetings.views import vote_view

VOTER_ROLES = (Role.CHAIR.value, Role.MEMBER.value)


def body_rule(body: Body) -> Rule:
    return Rule(
        Basis(body.rule_basis), body.rule_numerator, body.rule_denominator, body.rule_strict
    )


def vote_rule(vote: Vote) -> Rule:
    return Rule(
        Basis(vote.rule_basis), vote.rule_numerator, vote.rule_denominator, vote.rule_strict
    )


def _get_vote(session: Session, vote_id: int, *, lock: bool = False, share: bool = False) -> Vote:
    query = select(Vote).where(Vote.id == vote_id)
    if lock or share:
        query = query.with_for_update(read=share and not lock)
    vote = session.exec(query).first()
    if vote is None:
        raise not_found("cuộc biểu quyết", "Vote")
    return vote


def open_vote(
    session: Session, actor: Actor, meeting_id: int, *, question: str, item_id: int | None = None
) -> tuple[Vote, list[Event]]:
    meeting, _ = authorize(session, actor, meeting_id, Action.RUN)
    must_be_running(meeting)
    question = (question or "").strip()
    if not question or len(question) > 500:
        raise invalid(
            "bad_question",
            "Nội dung biểu quyết không được để trống (tối đa 500 ký tự).",
            "The question must not be empty (at most 500 characters).",
        )
    if item_id is not None:
        get_item(session, meeting_id, item_id)
    if open_vote_of(session, meeting_id) is not None:
        raise conflict(
            "vote_already_open",
            "Đang có một biểu quyết mở. Hãy kết thúc nó trước khi mở biểu quyết mới.",
            "A vote is already open. Close it before opening another.",
        )
    body = session.get(Body, meeting.body_id)
    assert body is not None
    rule = body_rule(body)
    eligible = session.exec(
        select(func.count()).where(
            Participant.meeting_id == meeting_id, Participant.role.in_(VOTER_ROLES)  # type: ignore[attr-defined]
        )
    ).one()
    vote = Vote(
        meeting_id=meeting_id,
        item_id=item_id if item_id is not None else meeting.current_item_id,
        question=question,
        rule_basis=rule.basis.value,
        rule_numerator=rule.numerator,
        rule_denominator=rule.denominator,
        rule_strict=rule.strict,
        eligible=eligible,
        opened_at=utcnow(),
    )
    session.add(vote)
    session.flush()
    record.append(
        session, meeting_id, "vote.opened",
        {"vote_id": vote.id, "question": question, "eligible": eligible, "rule": rule.text()},
        actor.user_id,
    )
    return vote, [Event(meeting_id, "vote.opened", vote_view(vote, cast=0))]


def ballot_counts(session: Session, vote: Vote) -> dict[str, int]:
    rows = session.exec(
        select(Ballot.choice, func.count()).where(Ballot.vote_id == vote.id).group_by(Ballot.choice)
    ).all()
    counts = {c.value: 0 for c in Choice}
    for choice, n in rows:
        counts[choice] = n
    return counts


def _closed(vote: Vote) -> DomainError:
    if vote.status == VoteStatus.CANCELLED.value:
        return conflict("vote_cancelled", "Cuộc biểu quyết đã bị hủy.", "The vote was cancelled.")
    return conflict(
        "vote_closed",
        "Biểu quyết đã kết thúc; phiếu này không được tính.",
        "The vote is closed; this ballot was not counted.",
    )


def cast_ballot(
    session: Session, actor: Actor, vote_id: int, choice: str
) -> tuple[Ballot, list[Event]]:
    if choice not in {c.value for c in Choice}:
        raise invalid(
            "bad_choice",
            "Lựa chọn phải là tán thành (yes), không tán thành (no) hoặc không ý kiến (abstain).",
            "The choice must be yes, no or abstain.",
        )
    # A shared lock: ballots go in side by side, but never while the vote is being closed.
    vote = _get_vote(session, vote_id, share=True)
    meeting, _ = authorize(session, actor, vote.meeting_id, Action.VOTE)
    must_be_running(meeting)
    if vote.status != VoteStatus.OPEN.value:
        raise _closed(vote)
    ballot = Ballot(vote_id=vote_id, user_id=actor.user_id, choice=choice, cast_at=utcnow())
    try:
        with session.begin_nested():
            session.add(ballot)
            session.flush()
    except IntegrityError:
        raise DomainError(
            Kind.CONFLICT,
            "already_voted",
            "Bạn đã biểu quyết trong lần này; phiếu đã ghi nhận không thay đổi được.",
            "You have already voted in this vote; an accepted ballot cannot be changed.",
        ) from None
    counts = ballot_counts(session, vote)
    cast = sum(counts.values())
    return ballot, [
        Event.for_user(vote.meeting_id, actor.user_id, "ballot.accepted",
                       {"vote_id": vote_id, "choice": choice}),
        Event(vote.meeting_id, "vote.progress",
              {"vote_id": vote_id, "cast": cast, "eligible": vote.eligible}),
        Event(vote.meeting_id, "vote.tally",
              {"vote_id": vote_id, "tally": counts, "cast": cast}, audience=STAFF),
    ]


def close_vote(session: Session, actor: Actor, vote_id: int) -> tuple[Vote, list[Event]]:
    """Close the vote and compute its result from the stored ballots, in one transaction."""
    vote = _get_vote(session, vote_id, lock=True)
    authorize(session, actor, vote.meeting_id, Action.RUN)
    if vote.status != VoteStatus.OPEN.value:
        raise _closed(vote)
    counts = ballot_counts(session, vote)
    present = session.exec(
        select(func.count()).where(
            Participant.meeting_id == vote.meeting_id,
            Participant.role.in_(VOTER_ROLES),  # type: ignore[attr-defined]
            Participant.checked_in_at.is_not(None),  # type: ignore[union-attr]
            Participant.checked_in_at <= vote.opened_at,  # type: ignore[operator]
        )
    ).one()
    tally = Tally(counts["yes"], counts["no"], counts["abstain"], vote.eligible, present)
    vote.status = VoteStatus.CLOSED.value
    vote.closed_at = utcnow()
    vote.yes, vote.no, vote.abstain = tally.yes, tally.no, tally.abstain
    vote.passed = passes(vote_rule(vote), tally)
    session.add(vote)
    record.append(
        session, vote.meeting_id, "vote.closed",
        {"vote_id": vote.id, "yes": tally.yes, "no": tally.no, "abstain": tally.abstain,
         "eligible": vote.eligible, "passed": vote.passed},
        actor.user_id,
    )
    return vote, [Event(vote.meeting_id, "vote.closed", vote_view(vote))]
