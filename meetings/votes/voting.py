"""Votes: opening one on an item, casting ballots, closing or cancelling it, and its result.

Kinds: `named` (the record shows who voted what), `counts` (open, only the counts are shown)
and `secret`. Options: yes/no/abstain, or an election among options with a minimum and a
maximum number of marks. The rule (basis, threshold, ties), the quorum and proxies come from
the body's settings, with a per-vote override; the electorate is fixed when the vote opens.

A ballot is final, like a paper ballot in the box. One ballot per voter per vote is a unique
constraint on `ballot_receipts` (vote, voter), so it holds when two devices of the same member
press at the same instant. A secret ballot's content goes to `secret_ballots` sealed under a key
that never enters the database (meetings.votes.secrecy), with no user, no timestamp and a
random id; at close (or cancel) the contents are counted and deleted with the vote's salt.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from meetings import body_names, record, roster
from meetings.access import Action, authorize, get_meeting, permit
from meetings.accounts import Actor
from meetings.admin import audit
from meetings.agenda import get_item
from meetings.errors import DomainError, Kind, conflict, forbidden, invalid, not_found
from meetings.events import STAFF, Event
from meetings.live.running import must_be_running, open_vote_of
from meetings.live.screen import show_result, take_down_result
from meetings.models import (
    Ballot,
    BallotReceipt,
    Body,
    Choice,
    ItemExclusion,
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
from meetings.views import vote_view
from meetings.votes.majority import (
    PRESETS,
    Basis,
    Rule,
    Tally,
    Tie,
    decide,
    elected,
    quorum_required,
    rule_of,
)
from meetings.votes.secrecy import SealedBallots, Secrecy, new_salt

KINDS = ("named", "counts", "secret")
MAX_OPTIONS = 200
MAX_QUESTION = 500


def default_question(title: str) -> str:
    """What a vote on an agenda item puts when the secretary leaves the question empty, in the
    body's language whatever the secretary's screen shows (the minutes print it)."""
    return f"Thông qua {' '.join(title.split())}"[:MAX_QUESTION]


def _bad_kind() -> DomainError:
    return invalid("bad_kind",
                   "Hình thức biểu quyết phải là biểu quyết công khai ghi tên, biểu quyết công "
                   "khai hoặc bỏ phiếu kín.",
                   "The kind must be open with names, open (counts only) or a secret ballot.")


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


def _rule_from(data: dict[str, Any] | None, body: Body, *,
               decision: bool = True) -> tuple[Rule, Tie]:
    """The body's rule, or a preset by key, or an explicit rule; refusals say what is wrong.
    For a decision (a question, not an election) of a People's Committee or Council, no rule
    below the law's: more than half of all members (a stricter one, two thirds of all
    delegates for some matters, is allowed)."""
    rule, tie = rule_of(body), Tie(body.rule_tie)
    if not data:
        return rule, tie
    rule, tie = _parse_rule(data, rule, tie)
    if decision and body_names.legal_quorum(body.kind) is not None and not _meets_law(rule):
        raise invalid(
            "rule_below_law",
            "Theo luật, quyết định của Ủy ban nhân dân, Hội đồng nhân dân phải được quá nửa "
            "tổng số thành viên tán thành; không thể áp dụng điều kiện thông qua thấp hơn.",
            "By law a People's Committee or Council decides only with more than half of all "
            "its members in favour; a lower passing condition cannot be used.",
        )
    return rule, tie


def _meets_law(rule: Rule) -> bool:
    """At least as strict as more than half of all members."""
    if rule.basis is not Basis.ALL_MEMBERS:
        return False
    twice = 2 * rule.numerator
    return twice > rule.denominator or (twice == rule.denominator and rule.strict)


def _parse_rule(data: dict[str, Any], rule: Rule, tie: Tie) -> tuple[Rule, Tie]:
    if data.get("preset"):
        preset = PRESETS.get(str(data["preset"]))
        if preset is None:
            raise invalid("bad_rule", "Không có mẫu điều kiện thông qua này.",
                          "There is no such preset passing condition.")
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
            "Điều kiện thông qua không hợp lệ: tính trên tổng số thành viên, số thành viên có "
            "mặt hoặc tổng số phiếu hợp lệ; ngưỡng là một phân số lớn hơn 0 và không quá 1; khi "
            "số phiếu bằng nhau thì không thông qua hoặc theo ý kiến của chủ tọa.",
            "Invalid passing condition: a share of all members, of members present or of valid "
            "ballots; a threshold above 0 and at most 1; a tie fails or goes the chair's way.",
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
    """Open a vote on an agenda item: the one given (it must belong to the meeting), else the
    current one. An empty question becomes `default_question` of that item."""
    meeting, _ = authorize(session, actor, meeting_id, Action.RUN)
    must_be_running(meeting)
    if item_id is None:
        item_id = meeting.current_item_id
    item = get_item(session, meeting_id, item_id) if item_id is not None else None
    question = (question or "").strip() or (default_question(item.title) if item else "")
    if not question or len(question) > MAX_QUESTION:
        raise invalid(
            "bad_question",
            "Vui lòng nhập nội dung biểu quyết (tối đa 500 ký tự).",
            "Please enter the question (at most 500 characters).",
        )
    if seconds is not None and not 5 <= seconds <= 24 * 3600:
        raise invalid("bad_timer", "Thời gian biểu quyết từ 5 giây đến 24 giờ.",
                      "The timer must be between 5 seconds and 24 hours.")
    if open_vote_of(session, meeting_id) is not None:
        raise conflict(
            "vote_already_open",
            "Đang có một biểu quyết chưa kết thúc. Vui lòng kết thúc biểu quyết đó trước khi mở "
            "biểu quyết mới.",
            "A vote is already open. Close it before opening another.",
        )
    body = session.get(Body, meeting.body_id)
    assert body is not None
    kind = kind or body.default_vote_kind
    if kind not in KINDS:
        raise _bad_kind()
    the_rule, tie = _rule_from(rule, body, decision=not options)
    if kind == "secret" and tie is Tie.CHAIR:
        raise invalid(
            "secret_chair_tie",
            "Bỏ phiếu kín không thể áp dụng điều kiện 'khi số phiếu bằng nhau thì theo ý kiến chủ "
            "tọa' vì không ai biết chủ tọa đã chọn gì. Vui lòng chọn 'khi số phiếu bằng nhau thì "
            "không thông qua'.",
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
    item_id = item_id if item_id is not None else meeting.current_item_id
    # Members excluded from the item (conflict of interest) are neither voters nor part of
    # the basis: the vote is among the remaining members (docs/api.md, "Per-item exclusions").
    withdrawn = _withdrawn_from(session, item_id)
    voters = [p for p in session.exec(
        select(Participant).where(
            Participant.meeting_id == meeting_id, roster.voter_in_sql()
        ).order_by(col(Participant.id))
    ).all() if p.user_id not in withdrawn]
    present = sum(1 for p in voters if roster.is_present(p.attendance))
    required = quorum_required(len(voters), body.quorum_numerator, body.quorum_denominator)
    if present < required and body_names.legal_quorum(body.kind) is not None:
        raise conflict(
            "no_quorum",
            f"Chưa đủ số thành viên tham dự theo quy định: có mặt {present}, cần {required}. "
            "Theo luật, phiên họp của Ủy ban nhân dân, Hội đồng nhân dân chỉ biểu quyết khi "
            "có ít nhất hai phần ba số thành viên; không thể bỏ qua điều kiện này.",
            f"No quorum: {present} present, {required} required. By law a People's Committee "
            "or Council votes only with at least two thirds of its members present; this "
            "cannot be overridden.",
        )
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
        item_id=item_id,
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
        ballot_salt=new_salt() if kind == "secret" else None,
        opened_at=now,
        closes_at=now + timedelta(seconds=seconds) if seconds else None,
    )
    session.add(vote)
    session.flush()
    assert vote.id is not None
    proxies: list[dict[str, Any]] = []
    for p in voters:
        proxy = (p.proxy_user_id if body.proxies_allowed and roster.is_away(p.attendance)
                 else None)
        session.add(VoteVoter(vote_id=vote.id, user_id=p.user_id,
                              present=roster.is_present(p.attendance),
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
         "withdrawn": sorted(withdrawn),
         "rule": the_rule.text(), "tie": tie.value,
         "closes_at": vote.closes_at.isoformat() if vote.closes_at else None},
        actor.user_id,
    )
    # Who holds whose proxy is public (the record shows it): each holder's tablet finds its
    # second ballot here without a request of its own.
    return vote, [*take_down_result(session, meeting),
                  Event(meeting_id, "vote.opened", vote_view(vote, cast=0) | {"proxies": proxies})]


def _withdrawn_from(session: Session, item_id: int | None) -> set[int]:
    if item_id is None:
        return set()
    return set(session.exec(select(ItemExclusion.user_id)
                            .where(ItemExclusion.item_id == item_id)).all())


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
    """The counts from the stored ballots of an open or named vote: yes/no/abstain, or marks
    per option and the number of ballots for an election. (A secret vote's ballots are
    counted once, at close: `_count_secret`.)"""
    options = vote_options(vote)
    if not options:
        rows = session.exec(
            select(Ballot.choice, func.count()).where(Ballot.vote_id == vote.id)
            .group_by(Ballot.choice)
        ).all()
        return _tally_choices(rows)
    return _tally_marks(len(options), session.exec(
        select(Ballot.marks).where(Ballot.vote_id == vote.id)).all())


def _tally_choices(rows: Any) -> dict[str, Any]:
    counts: dict[str, Any] = {c.value: 0 for c in Choice}
    for choice, n in rows:
        counts[choice] += n
    return counts


def _tally_marks(options: int, contents: Any) -> dict[str, Any]:
    marks = [0] * options
    ballots = 0
    for raw in contents:
        ballots += 1
        for i in json.loads(raw or "[]"):
            marks[i] += 1
    return {"marks": marks, "ballots": ballots}


def _sealing(vote: Vote, secrecy: Secrecy | None) -> SealedBallots:
    if secrecy is None or vote.ballot_salt is None or vote.id is None:
        raise RuntimeError("a secret vote's ballots need the server's ballot secret")
    return secrecy.for_vote(vote.id, vote.ballot_salt, len(vote_options(vote)))


def _count_secret(session: Session, vote: Vote, secrecy: Secrecy | None) -> dict[str, Any]:
    """Open every sealed ballot of the vote once, to count them."""
    seal = _sealing(vote, secrecy)
    contents = [seal.open(sealed) for sealed in session.exec(
        select(SecretBallot.sealed).where(SecretBallot.vote_id == vote.id)).all()]
    options = vote_options(vote)
    if options:
        return _tally_marks(len(options), contents)
    return _tally_choices((c, 1) for c in contents)


def _forget_secret(session: Session, vote: Vote) -> None:
    """Delete a secret vote's sealed ballots and its salt: with the salt gone, nothing left
    anywhere can open a copy of them. The web layer then has the database forget the deleted
    rows (meetings.db.Database.forget_deleted)."""
    session.execute(delete(SecretBallot).where(col(SecretBallot.vote_id) == vote.id))
    vote.ballot_salt = None


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
                "Lựa chọn phải là Tán thành, Không tán thành hoặc Không biểu quyết.",
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
    seal: SealedBallots | None  # a secret vote's sealing
    roles: dict[int, str]
    absent: set[int]
    electorate: dict[int, int | None]  # voter -> who holds their proxy
    withdrawn: set[int]  # excluded from the vote's item: no ballot, not even as a proxy
    voted: set[int]  # voters whose receipt is in (this transaction's own ones included)


def _desk(session: Session, vote_id: int, secrecy: Secrecy | None) -> _Desk:
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
            _sealing(vote, secrecy) if vote.kind == "secret" else None,
            roles={u: r for u, r, _ in people},
            absent={u for u, _, a in people if roster.is_away(a)},
            electorate=dict(electorate),
            withdrawn=_withdrawn_from(session, vote.item_id),
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
    if actor.user_id in desk.withdrawn or target in desk.withdrawn:
        raise forbidden(
            "withdrawn_from_item",
            "Thành viên đã được ghi nhận không tham gia nội dung này (xung đột lợi ích) nên "
            "không biểu quyết nội dung này; phiếu không được ghi nhận.",
            "This member is excluded from this agenda item (conflict of interest) and does not "
            "vote on it; the ballot was not recorded.",
        )
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
                "Không được ủy quyền biểu quyết thay người này.",
                "You hold no proxy for this person.",
            )
        return target
    if target in desk.absent:
        raise forbidden(
            "absent",
            "Đang được ghi nhận là vắng mặt nên không thể biểu quyết. Vui lòng điểm danh trước.",
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
    secrecy: Secrecy | None = None,
) -> tuple[dict[str, Any], list[Event]]:
    """Cast one ballot. Every refusal but `WriteConflict` comes before anything is written;
    after a `WriteConflict` roll back the savepoint or transaction it ran in (the ballot box
    does). What the ballot is checked against is read once per transaction (`_Desk`).
    `progress` False leaves the progress events to the caller (a batch computes them once,
    with `progress_events`). A secret ballot needs `secrecy`, the server's ballot secret."""
    desk = _desk(session, vote_id, secrecy)
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
        if desk.seal is not None:
            session.execute(insert(SecretBallot).values(
                id=secrets.token_hex(16), vote_id=vote_id,
                sealed=desk.seal.seal(the_marks or the_choice)))
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


def close_vote(
    session: Session, actor: Actor | None, vote_id: int, secrecy: Secrecy | None = None
) -> tuple[Vote, list[Event]]:
    """Close the vote and compute its result from the stored ballots, in one transaction.
    `actor` None: the timer closes it. A secret vote's ballots are opened with `secrecy`,
    counted, and deleted with the vote's salt."""
    vote = _get_vote(session, vote_id, lock=True)
    if actor is not None:
        authorize(session, actor, vote.meeting_id, Action.RUN)
    if vote.status != VoteStatus.OPEN.value:
        raise _closed(vote)
    if vote.kind == "secret":
        counts = _count_secret(session, vote, secrecy)
        _forget_secret(session, vote)
    else:
        counts = ballot_counts(session, vote)
    cast = cast_count(session, vote_id)
    present = vote.present or 0
    rule = rule_of(vote)
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
    return vote, [Event(vote.meeting_id, "vote.closed", vote_view(vote)),
                  show_result(session, get_meeting(session, vote.meeting_id), vote)]


def cancel_vote(
    session: Session, actor: Actor, vote_id: int, reason: str = ""
) -> tuple[Vote, list[Event]]:
    """Cancel an open vote: recorded, no result; a re-vote is new. A named or counts vote's
    ballots stay stored; a secret vote's are deleted unopened, with its salt."""
    vote = _get_vote(session, vote_id, lock=True)
    authorize(session, actor, vote.meeting_id, Action.RUN)
    if vote.status != VoteStatus.OPEN.value:
        raise _closed(vote)
    if vote.kind == "secret":
        _forget_secret(session, vote)
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


def close_if_due(session: Session, vote_id: int, secrecy: Secrecy | None = None
                 ) -> tuple[Vote | None, list[Event]]:
    vote = _get_vote(session, vote_id, lock=True)
    if vote.status != VoteStatus.OPEN.value or not _expired(vote):
        return None, []
    return close_vote(session, None, vote_id, secrecy)


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
    legal = body_names.legal_quorum(body.kind)
    if legal is not None and "quorum" not in data:
        quorum = None  # a preset never moves the quorum the law fixes
    if quorum is not None:
        if (not isinstance(quorum, list) or len(quorum) != 2
                or not all(isinstance(x, int) for x in quorum)
                or quorum[1] <= 0 or not 0 <= quorum[0] <= quorum[1]):
            raise invalid("bad_quorum", "Số lượng tham dự cần là phân số [tử, mẫu] trong [0, 1].",
                          "The quorum must be a fraction [numerator, denominator] in [0, 1].")
        from meetings.admin.bodies import check_quorum

        # Zero (no quorum) only from an administrator, on purpose (meetings.admin.bodies).
        check_quorum(body, (quorum[0], quorum[1]),
                     allow_zero=actor.is_admin and data.get("allow_zero_quorum") is True)
    if proxies and body_names.parse_kind(body.kind) is body_names.BodyKind.PEOPLE_COUNCIL:
        raise invalid(
            "proxies_forbidden_by_law",
            "Theo luật, đại biểu Hội đồng nhân dân không được biểu quyết thay người khác; không "
            "thể cho phép ủy quyền biểu quyết.",
            "By law a People's Council delegate may not vote on another's behalf; proxies "
            "cannot be allowed.",
        )
    before = body_rules_view(body)
    if kind not in KINDS:
        raise _bad_kind()
    body.rule_basis, body.rule_numerator = rule.basis.value, rule.numerator
    body.rule_denominator, body.rule_strict = rule.denominator, rule.strict
    body.rule_tie, body.proxies_allowed, body.default_vote_kind = tie.value, bool(proxies), kind
    if quorum is not None:
        body.quorum_numerator, body.quorum_denominator = quorum
    session.add(body)
    after = body_rules_view(body)
    if after != before:
        audit.record(session, actor.user_id, "body.rules", body.name,
                     before={k: before[k] for k in ("rule", "quorum", "proxies_allowed",
                                                    "default_vote_kind")},
                     after={k: after[k] for k in ("rule", "quorum", "proxies_allowed",
                                                  "default_vote_kind")})
    return body


def body_rules_view(body: Body) -> dict[str, Any]:
    return {
        "body_id": body.id,
        "rule": {"basis": body.rule_basis, "numerator": body.rule_numerator,
                 "denominator": body.rule_denominator, "strict": body.rule_strict,
                 "tie": body.rule_tie, "text_vi": rule_of(body).text("vi"),
                 "text_en": rule_of(body).text("en")},
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
