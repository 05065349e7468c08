"""Votes: opening one on an item, casting ballots, closing or cancelling it, and its result.

Kinds: `named` (the record shows who voted what), `counts` (open, only the counts are shown)
and `secret`. Options: yes/no/abstain, or an election among options with a minimum and a
maximum number of marks. The rule (basis, threshold, ties), the quorum and proxies come from
the body's settings, with a per-vote override; the electorate is fixed when the vote opens.

A ballot is final, like a paper ballot in the box. One ballot per voter per vote is a unique
constraint on `ballot_receipts` (vote, voter), so it holds when two devices of the same member
press at the same instant. A secret ballot's content goes to `secret_ballots`, which holds no
user, no timestamp and a random id; nothing links a receipt to a content row.
"""

from __future__ import annotations

import json
import random
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from meetings import record
from meetings.access import Action, authorize, get_meeting, permit
from meetings.accounts import Actor
from meetings.errors import DomainError, Kind, conflict, forbidden, invalid, not_found
from meetings.events import STAFF, Event
from meetings.majority import (
    PRESETS,
    Basis,
    Rule,
    Tally,
    Tie,
    decide,
    elected,
    quorum_required,
)
from meetings.models import (
    Ballot,
    BallotReceipt,
    Body,
    Choice,
    Meeting,
    Participant,
    Role,
    SecretBallot,
    User,
    Vote,
    VoteStatus,
    VoteVoter,
    utcnow,
)
from meetings.preparation import get_item
from meetings.running import must_be_running, open_vote_of
from meetings.views import vote_view

VOTER_ROLES = (Role.CHAIR.value, Role.MEMBER.value)
KINDS = ("named", "counts", "secret")
PRESENT_STATES = ("present", "remote")
ABSENT_STATES = ("absent", "excused")
MAX_OPTIONS = 200


def body_rule(body: Body) -> Rule:
    return Rule(
        Basis(body.rule_basis), body.rule_numerator, body.rule_denominator, body.rule_strict
    )


def vote_rule(vote: Vote) -> Rule:
    return Rule(
        Basis(vote.rule_basis), vote.rule_numerator, vote.rule_denominator, vote.rule_strict
    )


def vote_options(vote: Vote) -> list[str]:
    return list(json.loads(vote.options)) if vote.options else []


def _get_vote(session: Session, vote_id: int, *, lock: bool = False, share: bool = False) -> Vote:
    query = select(Vote).where(Vote.id == vote_id)
    if lock or share:
        query = query.with_for_update(read=share and not lock)
    vote = session.exec(query).first()
    if vote is None:
        raise not_found("cuộc biểu quyết", "Vote")
    return vote


def is_present(p: Participant) -> bool:
    if p.attendance:
        return p.attendance in PRESENT_STATES
    return p.checked_in_at is not None


def _rule_from(data: dict[str, Any] | None, body: Body) -> tuple[Rule, Tie]:
    """The body's rule, or a preset by key, or an explicit rule; refusals say what is wrong."""
    rule, tie = body_rule(body), Tie(body.rule_tie)
    if not data:
        return rule, tie
    if data.get("preset"):
        preset = PRESETS.get(str(data["preset"]))
        if preset is None:
            raise invalid("bad_rule", "Không có mẫu quy tắc biểu quyết này.",
                          "There is no such rule preset.")
        rule, tie = preset.rule, preset.tie
    try:
        rule = Rule(
            Basis(data.get("basis", rule.basis.value)),
            int(data.get("numerator", rule.numerator)),
            int(data.get("denominator", rule.denominator)),
            bool(data.get("strict", rule.strict)),
        )
        tie = Tie(data.get("tie", tie.value))
    except (ValueError, TypeError):
        raise invalid(
            "bad_rule",
            "Quy tắc biểu quyết không hợp lệ: cơ sở (all_members, present, cast), ngưỡng là "
            "phân số trong (0, 1], hòa phiếu fails hoặc chair.",
            "Invalid rule: basis (all_members, present, cast), a threshold fraction in (0, 1], "
            "tie fails or chair.",
        ) from None
    return rule, tie


def open_vote(
    session: Session,
    actor: Actor,
    meeting_id: int,
    *,
    question: str,
    item_id: int | None = None,
    kind: str | None = None,
    options: list[str] | None = None,
    min_marks: int = 0,
    max_marks: int = 1,
    rule: dict[str, Any] | None = None,
    seconds: int | None = None,
    override_quorum: bool = False,
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
    if seconds is not None and not 5 <= seconds <= 24 * 3600:
        raise invalid("bad_timer", "Thời gian biểu quyết từ 5 giây đến 24 giờ.",
                      "The timer must be between 5 seconds and 24 hours.")
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
    kind = kind or body.default_vote_kind
    if kind not in KINDS:
        raise invalid("bad_kind", "Hình thức biểu quyết phải là named, counts hoặc secret.",
                      "The kind must be named, counts or secret.")
    the_rule, tie = _rule_from(rule, body)
    if kind == "secret" and tie is Tie.CHAIR:
        raise invalid(
            "secret_chair_tie",
            "Bỏ phiếu kín không thể áp dụng 'phía chủ tọa thắng khi hòa' vì không ai biết chủ tọa "
            "chọn gì. Hãy chọn quy tắc hòa phiếu là không thông qua.",
            "A secret ballot cannot use 'the chair's side wins a tie': nobody knows the chair's "
            "choice. Choose 'a tie fails'.",
        )
    clean_options = [str(o).strip()[:200] for o in (options or []) if str(o).strip()]
    if options is not None and clean_options:
        if len(set(clean_options)) != len(clean_options) or len(clean_options) > MAX_OPTIONS:
            raise invalid("bad_options", "Các phương án phải khác nhau (tối đa 200).",
                          "The options must differ from each other (at most 200).")
        if not 0 <= min_marks <= max_marks or not 1 <= max_marks <= len(clean_options):
            raise invalid(
                "bad_marks",
                "Số phương án được chọn: tối thiểu từ 0, tối đa từ 1 đến số phương án.",
                "Marks: a minimum of 0 or more, a maximum from 1 to the number of options.",
            )
    else:
        min_marks, max_marks = 0, 1
    voters = session.exec(
        select(Participant).where(
            Participant.meeting_id == meeting_id, col(Participant.role).in_(VOTER_ROLES)
        ).order_by(col(Participant.id))
    ).all()
    present = sum(1 for p in voters if is_present(p))
    required = quorum_required(len(voters), body.quorum_numerator, body.quorum_denominator)
    if present < required and not override_quorum:
        raise conflict(
            "no_quorum",
            f"Chưa đủ số lượng tham dự: có mặt {present}, cần {required}. Có thể mở biểu quyết "
            "khi xác nhận bỏ qua (sẽ được ghi vào hồ sơ).",
            f"No quorum: {present} present, {required} required. You may open the vote with an "
            "explicit override, which is recorded.",
        )
    now = utcnow()
    vote = Vote(
        meeting_id=meeting_id,
        item_id=item_id if item_id is not None else meeting.current_item_id,
        question=question,
        kind=kind,
        options=json.dumps(clean_options, ensure_ascii=False) if clean_options else "",
        min_marks=min_marks,
        max_marks=max_marks,
        rule_basis=the_rule.basis.value,
        rule_numerator=the_rule.numerator,
        rule_denominator=the_rule.denominator,
        rule_strict=the_rule.strict,
        rule_tie=tie.value,
        eligible=len(voters),
        present=present,
        quorum_required=required,
        quorum_overridden=present < required,
        opened_at=now,
        closes_at=now + timedelta(seconds=seconds) if seconds else None,
    )
    session.add(vote)
    session.flush()
    assert vote.id is not None
    proxies: list[dict[str, Any]] = []
    for p in voters:
        proxy = (p.proxy_user_id if body.proxies_allowed and p.attendance in ABSENT_STATES
                 else None)
        session.add(VoteVoter(vote_id=vote.id, user_id=p.user_id, present=is_present(p),
                              proxy_user_id=proxy))
        if proxy is not None:
            absentee = session.get(User, p.user_id)
            proxies.append({"user_id": p.user_id, "proxy_user_id": proxy,
                            "full_name": absentee.full_name if absentee else ""})
    if vote.quorum_overridden:
        record.append(session, meeting_id, "vote.quorum_overridden",
                      {"vote_id": vote.id, "present": present, "required": required},
                      actor.user_id)
    record.append(
        session, meeting_id, "vote.opened",
        {"vote_id": vote.id, "question": question, "kind": kind, "options": clean_options,
         "min_marks": min_marks, "max_marks": max_marks, "eligible": len(voters),
         "present": present, "voters": [p.user_id for p in voters],
         "rule": the_rule.text(), "tie": tie.value,
         "closes_at": vote.closes_at.isoformat() if vote.closes_at else None},
        actor.user_id,
    )
    # Who holds whose proxy is public (the record shows it): each holder's tablet finds its
    # second ballot here without a request of its own.
    return vote, [Event(meeting_id, "vote.opened", vote_view(vote, cast=0) | {"proxies": proxies})]


def _expired(vote: Vote, now: datetime | None = None) -> bool:
    if vote.closes_at is None:
        return False
    closes = vote.closes_at
    if closes.tzinfo is None:  # SQLite gives naive UTC back in some paths
        closes = closes.replace(tzinfo=UTC)
    return (now or utcnow()) >= closes


def cast_count(session: Session, vote_id: int) -> int:
    return session.exec(
        select(func.count()).where(BallotReceipt.vote_id == vote_id)
    ).one()


def ballot_counts(session: Session, vote: Vote) -> dict[str, Any]:
    """The counts from the stored ballots: yes/no/abstain, or marks per option and the number
    of ballots for an election."""
    table: Any = SecretBallot if vote.kind == "secret" else Ballot
    options = vote_options(vote)
    if not options:
        rows = session.exec(
            select(table.choice, func.count()).where(table.vote_id == vote.id)
            .group_by(table.choice)
        ).all()
        counts: dict[str, Any] = {c.value: 0 for c in Choice}
        for choice, n in rows:
            counts[choice] = n
        return counts
    marks = [0] * len(options)
    ballots = 0
    for raw in session.exec(select(table.marks).where(table.vote_id == vote.id)).all():
        ballots += 1
        for i in json.loads(raw or "[]"):
            marks[i] += 1
    return {"marks": marks, "ballots": ballots}


def _closed(vote: Vote) -> DomainError:
    if vote.status == VoteStatus.CANCELLED.value:
        return conflict("vote_cancelled", "Cuộc biểu quyết đã bị hủy; phiếu này không được tính.",
                        "The vote was cancelled; this ballot was not counted.")
    return conflict(
        "vote_closed",
        "Biểu quyết đã kết thúc; phiếu này không được tính.",
        "The vote is closed; this ballot was not counted.",
    )


def _check_content(vote: Vote, options: list[str], choice: str | None,
                   marks: list[int] | None) -> tuple[str, str]:
    if not options:
        if choice not in {c.value for c in Choice}:
            raise invalid(
                "bad_choice",
                "Lựa chọn phải là tán thành (yes), không tán thành (no) hoặc không ý kiến "
                "(abstain).",
                "The choice must be yes, no or abstain.",
            )
        return str(choice), ""
    picked = marks if isinstance(marks, list) else []
    if (
        not all(isinstance(i, int) and not isinstance(i, bool) and 0 <= i < len(options)
                for i in picked)
        or len(set(picked)) != len(picked)
        or not vote.min_marks <= len(picked) <= vote.max_marks
    ):
        raise invalid(
            "bad_marks",
            f"Phiếu phải chọn từ {vote.min_marks} đến {vote.max_marks} phương án khác nhau.",
            f"Mark between {vote.min_marks} and {vote.max_marks} different options.",
        )
    return "", json.dumps(sorted(picked))


@dataclass
class _Desk:
    """What every ballot of one vote checks against, read once per write transaction: the vote
    (locked for share), its meeting, everyone's role and attendance, the electorate and who has
    voted (kept up to date by the ballots cast in the transaction). A ballot box casts hundreds
    of ballots in one transaction; nothing but ballots is written in it, so the rest does not
    change while it lasts, and a receipt another process adds meanwhile is caught by the unique
    constraint (`WriteConflict`)."""

    vote: Vote
    meeting: Meeting
    options: list[str]
    roles: dict[int, str]
    absent: set[int]
    electorate: dict[int, int | None]  # voter -> who holds their proxy
    voted: set[int]  # voters whose receipt is in (this transaction's own ones included)


def _desk(session: Session, vote_id: int) -> _Desk:
    desks: dict[int, _Desk] = session.info.setdefault("voting.desks", {})
    desk = desks.get(vote_id)
    if desk is None:
        # A shared lock: ballots go in side by side, but never while the vote is being closed.
        vote = _get_vote(session, vote_id, share=True)
        meeting = get_meeting(session, vote.meeting_id)
        people = session.exec(
            select(Participant.user_id, Participant.role, Participant.attendance)
            .where(Participant.meeting_id == vote.meeting_id)).all()
        electorate = session.exec(
            select(VoteVoter.user_id, VoteVoter.proxy_user_id)
            .where(VoteVoter.vote_id == vote_id)).all()
        desk = desks[vote_id] = _Desk(
            vote, meeting, vote_options(vote),
            roles={u: r for u, r, _ in people},
            absent={u for u, _, a in people if a in ABSENT_STATES},
            electorate=dict(electorate),
            voted=set(session.exec(select(BallotReceipt.user_id)
                                   .where(BallotReceipt.vote_id == vote_id)).all()),
        )
    return desk


def _already_voted() -> DomainError:
    return DomainError(
        Kind.CONFLICT,
        "already_voted",
        "Người này đã biểu quyết trong lần này; phiếu đã ghi nhận không thay đổi được.",
        "This person has already voted in this vote; an accepted ballot cannot be changed.",
    )


class WriteConflict(DomainError):
    """`already_voted`, found by the database's unique constraint while writing, not by the
    checks before it: the transaction (or the savepoint) the ballot ran in must be rolled back.
    Every other refusal of `cast_ballot` comes before it writes anything."""

    def __init__(self, error: DomainError) -> None:
        super().__init__(error.kind, error.code, error.vi, error.en)


def _voter(desk: _Desk, actor: Actor, for_user: int | None) -> int:
    """Whose ballot this is; refuse non-members of the electorate, absent members and proxies
    the record does not show."""
    target = actor.user_id if for_user is None else for_user
    if target not in desk.electorate:
        raise forbidden(
            "not_eligible",
            "Người này không có quyền biểu quyết trong lần biểu quyết này (danh sách được chốt "
            "khi mở biểu quyết).",
            "This person may not vote in this vote (the list of voters was fixed when it opened).",
        )
    if target != actor.user_id:
        if desk.electorate[target] != actor.user_id:
            raise forbidden(
                "not_proxy",
                "Bạn không được ủy quyền biểu quyết thay người này.",
                "You hold no proxy for this person.",
            )
        return target
    if target in desk.absent:
        raise forbidden(
            "absent",
            "Bạn đang được ghi là vắng mặt nên không thể biểu quyết. Hãy điểm danh trước.",
            "You are recorded as absent and cannot vote. Check in first.",
        )
    return target


def cast_ballot(
    session: Session,
    actor: Actor,
    vote_id: int,
    choice: str | None,
    *,
    marks: list[int] | None = None,
    for_user: int | None = None,
    progress: bool = True,
) -> tuple[dict[str, Any], list[Event]]:
    """Cast one ballot. Every refusal but `WriteConflict` comes before anything is written;
    after a `WriteConflict` roll back the savepoint or transaction it ran in (the ballot box
    does). What the ballot is checked against is read once per transaction (`_Desk`).
    `progress` False leaves the progress events to the caller (a batch computes them once,
    with `progress_events`)."""
    desk = _desk(session, vote_id)
    vote = desk.vote
    permit(actor, desk.meeting.status, desk.roles.get(actor.user_id), Action.VOTE)
    must_be_running(desk.meeting)
    if vote.status != VoteStatus.OPEN.value or _expired(vote):
        raise _closed(vote)
    the_choice, the_marks = _check_content(vote, desk.options, choice, marks)
    voter = _voter(desk, actor, for_user)
    proxy = actor.user_id if voter != actor.user_id else None
    if voter in desk.voted:
        raise _already_voted()
    try:
        session.execute(insert(BallotReceipt).values(vote_id=vote_id, user_id=voter,
                                                     cast_by=proxy))
        if vote.kind == "secret":
            session.execute(insert(SecretBallot).values(
                id=secrets.token_hex(16), vote_id=vote_id, choice=the_choice, marks=the_marks))
        else:
            session.execute(insert(Ballot).values(
                vote_id=vote_id, user_id=voter, choice=the_choice, marks=the_marks,
                cast_by=proxy, cast_at=utcnow()))
    except IntegrityError:
        # Another process took this voter's receipt since the desk was read: the unique
        # constraint is the last word. The statement failed after others may have run.
        raise WriteConflict(_already_voted()) from None
    desk.voted.add(voter)
    mine: dict[str, Any] = {"vote_id": vote_id}
    if vote.kind == "secret":
        mine["secret"] = True
    elif the_marks:
        mine["marks"] = json.loads(the_marks)
    else:
        mine["choice"] = the_choice
    if proxy is not None:
        mine["for_user"] = voter
    events = [Event.for_user(vote.meeting_id, actor.user_id, "ballot.accepted", mine)]
    if progress:
        events += progress_events(session, vote)
    return mine, events


def progress_events(session: Session, vote: Vote) -> list[Event]:
    """The count cast so far for everyone; for staff, the live tally of an open vote (never of
    a secret one: live counts would let staff link ballots by timing)."""
    cast = cast_count(session, vote.id or 0)
    events = [Event(vote.meeting_id, "vote.progress",
                    {"vote_id": vote.id, "cast": cast, "eligible": vote.eligible})]
    if vote.kind != "secret":
        data: dict[str, Any] = {"vote_id": vote.id, "tally": ballot_counts(session, vote),
                                "cast": cast}
        if vote.kind == "named":  # who has not voted yet: named votes only
            data["not_voted"] = not_voted(session, vote)
        events.append(Event(vote.meeting_id, "vote.tally", data, audience=STAFF))
    return events


def progress_of(session: Session, vote_id: int) -> list[Event]:
    vote = session.get(Vote, vote_id)
    return progress_events(session, vote) if vote is not None else []


def _chair_choice(session: Session, vote: Vote) -> str | None:
    if vote.kind == "secret":
        return None
    return session.exec(
        select(Ballot.choice)
        .join(Participant, col(Participant.user_id) == col(Ballot.user_id))
        .where(Ballot.vote_id == vote.id, Participant.meeting_id == vote.meeting_id,
               Participant.role == Role.CHAIR.value)
    ).first()


def _shuffle_secret(session: Session, vote_id: int) -> None:
    """Rewrite a secret vote's ballots in random order under new random ids, so that neither
    row position nor page layout keeps the order in which they were cast."""
    rows = [(b.choice, b.marks) for b in session.exec(
        select(SecretBallot).where(SecretBallot.vote_id == vote_id)).all()]
    session.execute(delete(SecretBallot).where(col(SecretBallot.vote_id) == vote_id))
    session.flush()
    random.SystemRandom().shuffle(rows)
    for choice, marks in rows:
        session.add(SecretBallot(id=secrets.token_hex(16), vote_id=vote_id, choice=choice,
                                 marks=marks))
    session.flush()


def close_vote(
    session: Session, actor: Actor | None, vote_id: int
) -> tuple[Vote, list[Event]]:
    """Close the vote and compute its result from the stored ballots, in one transaction.
    `actor` None: the timer closes it."""
    vote = _get_vote(session, vote_id, lock=True)
    if actor is not None:
        authorize(session, actor, vote.meeting_id, Action.RUN)
    if vote.status != VoteStatus.OPEN.value:
        raise _closed(vote)
    if vote.kind == "secret":
        _shuffle_secret(session, vote_id)
    counts = ballot_counts(session, vote)
    cast = cast_count(session, vote_id)
    present = vote.present or 0
    rule = vote_rule(vote)
    if "marks" in counts:
        winners = elected(rule, counts["marks"], vote.max_marks, vote.eligible, present,
                          counts["ballots"])
        counts["elected"] = winners
        vote.passed = bool(winners)
    else:
        tally = Tally(counts["yes"], counts["no"], counts["abstain"], vote.eligible, present)
        vote.yes, vote.no, vote.abstain = tally.yes, tally.no, tally.abstain
        vote.passed = decide(rule, tally, Tie(vote.rule_tie), _chair_choice(session, vote))
    counts["cast"] = cast
    counts["eligible"] = vote.eligible
    counts["present"] = present
    vote.counts = json.dumps(counts)
    vote.status = VoteStatus.CLOSED.value
    vote.closed_at = utcnow()
    session.add(vote)
    data: dict[str, Any] = {"vote_id": vote.id, "counts": counts, "passed": vote.passed,
                            "by_timer": actor is None}
    if vote.kind == "named":
        data["ballots"] = named_ballots(session, vote)
    record.append(session, vote.meeting_id, "vote.closed", data,
                  actor.user_id if actor else None)
    return vote, [Event(vote.meeting_id, "vote.closed", vote_view(vote))]


def cancel_vote(
    session: Session, actor: Actor, vote_id: int, reason: str = ""
) -> tuple[Vote, list[Event]]:
    """Cancel an open vote: recorded, no result. Its ballots stay stored; a re-vote is new."""
    vote = _get_vote(session, vote_id, lock=True)
    authorize(session, actor, vote.meeting_id, Action.RUN)
    if vote.status != VoteStatus.OPEN.value:
        raise _closed(vote)
    vote.status = VoteStatus.CANCELLED.value
    vote.closed_at = utcnow()
    vote.cancel_reason = (reason or "").strip()[:300]
    session.add(vote)
    record.append(session, vote.meeting_id, "vote.cancelled",
                  {"vote_id": vote.id, "reason": vote.cancel_reason}, actor.user_id)
    return vote, [Event(vote.meeting_id, "vote.closed", vote_view(vote))]


def named_ballots(session: Session, vote: Vote) -> list[dict[str, Any]]:
    """Who voted what (named votes only), and who cast it for whom."""
    if vote.kind != "named":
        return []
    rows = session.exec(
        select(Ballot, User).join(User, col(User.id) == col(Ballot.user_id))
        .where(Ballot.vote_id == vote.id).order_by(col(User.full_name))
    ).all()
    return [{"user_id": b.user_id, "full_name": u.full_name, "choice": b.choice or None,
             "marks": json.loads(b.marks) if b.marks else None, "cast_by": b.cast_by}
            for b, u in rows]


def not_voted(session: Session, vote: Vote) -> list[dict[str, Any]]:
    """The electorate members without a ballot yet (shown to staff for named votes)."""
    voted = select(BallotReceipt.user_id).where(BallotReceipt.vote_id == vote.id)
    rows = session.exec(
        select(User).join(VoteVoter, col(VoteVoter.user_id) == col(User.id))
        .where(VoteVoter.vote_id == vote.id, col(VoteVoter.user_id).not_in(voted))
        .order_by(col(User.full_name))
    ).all()
    return [{"user_id": u.id, "full_name": u.full_name} for u in rows]


def has_voted(session: Session, vote_id: int, user_id: int) -> bool:
    return session.exec(
        select(BallotReceipt.id).where(BallotReceipt.vote_id == vote_id,
                                       BallotReceipt.user_id == user_id)
    ).first() is not None


def due_votes(session: Session) -> list[int]:
    """Open votes whose timer has run out (the web layer closes them)."""
    votes = session.exec(
        select(Vote).where(Vote.status == VoteStatus.OPEN.value,
                           col(Vote.closes_at).is_not(None))
    ).all()
    now = utcnow()
    return [v.id for v in votes if v.id is not None and _expired(v, now)]


def close_if_due(session: Session, vote_id: int) -> tuple[Vote | None, list[Event]]:
    vote = _get_vote(session, vote_id, lock=True)
    if vote.status != VoteStatus.OPEN.value or not _expired(vote):
        return None, []
    return close_vote(session, None, vote_id)


def set_body_rules(session: Session, actor: Actor, body_id: int, data: dict[str, Any]) -> Body:
    """The body's settings for votes: rule (or a preset), tie, quorum, proxies, default kind."""
    from meetings.access import may_prepare_for_body

    may_prepare_for_body(session, actor, body_id)
    body = session.get(Body, body_id)
    if body is None:
        raise not_found("cơ quan", "Body")
    rule, tie = _rule_from(data, body)
    preset = PRESETS.get(str(data.get("preset") or ""))
    quorum = data.get("quorum", list(preset.quorum or (0, 1)) if preset else None)
    proxies = data.get("proxies_allowed", preset.proxies if preset else body.proxies_allowed)
    kind = data.get("default_vote_kind", body.default_vote_kind)
    if quorum is not None:
        if (not isinstance(quorum, list) or len(quorum) != 2
                or not all(isinstance(x, int) for x in quorum)
                or quorum[1] <= 0 or not 0 <= quorum[0] <= quorum[1]):
            raise invalid("bad_quorum", "Số lượng tham dự cần là phân số [tử, mẫu] trong [0, 1].",
                          "The quorum must be a fraction [numerator, denominator] in [0, 1].")
        body.quorum_numerator, body.quorum_denominator = quorum
    if kind not in KINDS:
        raise invalid("bad_kind", "Hình thức biểu quyết phải là named, counts hoặc secret.",
                      "The kind must be named, counts or secret.")
    body.rule_basis, body.rule_numerator = rule.basis.value, rule.numerator
    body.rule_denominator, body.rule_strict = rule.denominator, rule.strict
    body.rule_tie, body.proxies_allowed, body.default_vote_kind = tie.value, bool(proxies), kind
    session.add(body)
    return body


def body_rules_view(body: Body) -> dict[str, Any]:
    return {
        "body_id": body.id,
        "rule": {"basis": body.rule_basis, "numerator": body.rule_numerator,
                 "denominator": body.rule_denominator, "strict": body.rule_strict,
                 "tie": body.rule_tie, "text_vi": body_rule(body).text("vi"),
                 "text_en": body_rule(body).text("en")},
        "quorum": [body.quorum_numerator, body.quorum_denominator],
        "proxies_allowed": body.proxies_allowed,
        "default_vote_kind": body.default_vote_kind,
    }


def presets_view() -> list[dict[str, Any]]:
    return [{"key": p.key, "vi": p.vi, "en": p.en,
             "rule": {"basis": p.rule.basis.value, "numerator": p.rule.numerator,
                      "denominator": p.rule.denominator, "strict": p.rule.strict,
                      "tie": p.tie.value},
             "quorum": list(p.quorum or (0, 1)), "proxies_allowed": p.proxies}
            for p in PRESETS.values()]
