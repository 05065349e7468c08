"""Written opinions (phiếu lấy ý kiến): a question put to a body's voting members between
meetings, with documents and a deadline.

The body's secretariat (those who may prepare its meetings) drafts the form, attaches PDFs and
sends it; the voters and the body's rule are fixed at that moment. Each voter answers once
(yes, no or abstain, with an optional comment) before the deadline; a unique constraint makes
"once" true. The form closes when the deadline passes (settled the next time anyone looks),
or earlier when every voter has answered and the secretariat closes it. The result is computed
from the stored answers with the body's rule (meetings.votes.majority) and stored with its counts;
the minutes of the body's next meeting list the forms closed since its previous meeting.

For the rule's basis, "members present" means those who answered: there is no room to be in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from meetings import clock
from meetings.access import may_prepare_for_body
from meetings.accounts import Actor
from meetings.documents.blobs import BlobStore
from meetings.errors import DomainError, Kind, conflict, forbidden, invalid, not_found
from meetings.models import (
    Body,
    BodyMember,
    Choice,
    Meeting,
    Opinion,
    OpinionAnswer,
    OpinionDocument,
    OpinionStatus,
    OpinionVoter,
    User,
    utcnow,
)
from meetings.views import iso
from meetings.votes.majority import Rule, Tally, passes, rule_of

MAX_DOCUMENTS = 20


def _text(value: str, field: str, limit: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise invalid("missing_field", f"Thiếu thông tin bắt buộc: {field}.",
                      f"A required field is missing: {field}.", field=field)
    if len(value) > limit:
        raise invalid("too_long", f"Trường {field} dài quá {limit} ký tự.",
                      f"The field {field} is longer than {limit} characters.", field=field)
    return value


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise invalid(
            "naive_time",
            "Hạn trả lời cần có múi giờ (ví dụ 2026-12-01T17:00+07:00).",
            "The deadline needs a time zone (e.g. 2026-12-01T17:00+07:00).",
        )
    return value


def _get(session: Session, opinion_id: int) -> Opinion:
    opinion = session.get(Opinion, opinion_id)
    if opinion is None:
        raise not_found("phiếu lấy ý kiến", "Written opinion form")
    return opinion


def _is_voter(session: Session, opinion_id: int, user_id: int) -> bool:
    return session.exec(
        select(OpinionVoter.id).where(
            OpinionVoter.opinion_id == opinion_id, OpinionVoter.user_id == user_id
        )
    ).first() is not None


def _may_prepare(session: Session, actor: Actor, body_id: int) -> bool:
    try:
        may_prepare_for_body(session, actor, body_id)
    except DomainError:
        return False
    return True


def _visible(session: Session, actor: Actor, opinion_id: int) -> tuple[Opinion, bool]:
    """The form and whether the actor prepares it; someone neither preparing nor asked
    does not learn it exists."""
    opinion = _get(session, opinion_id)
    preparer = _may_prepare(session, actor, opinion.body_id)
    if not preparer and (
        opinion.status == OpinionStatus.DRAFT.value
        or not _is_voter(session, opinion_id, actor.user_id)
    ):
        raise not_found("phiếu lấy ý kiến", "Written opinion form")
    return opinion, preparer


def editable_draft(session: Session, actor: Actor, opinion_id: int) -> Opinion:
    opinion, preparer = _visible(session, actor, opinion_id)
    if not preparer:
        raise forbidden(
            "forbidden",
            "Chỉ văn phòng (thư ký) của cơ quan được soạn và gửi phiếu lấy ý kiến.",
            "Only the body's secretariat may prepare and send written opinion forms.",
        )
    if opinion.status != OpinionStatus.DRAFT.value:
        raise conflict(
            "opinion_sent",
            "Phiếu đã được gửi; không sửa được nội dung và tài liệu.",
            "The form has been sent; its content and documents can no longer change.",
        )
    return opinion


def create_opinion(
    session: Session,
    actor: Actor,
    body_id: int,
    *,
    question: str,
    deadline: datetime,
    details: str = "",
) -> Opinion:
    if session.get(Body, body_id) is None or not (actor.is_admin or session.exec(
            select(BodyMember.id).where(BodyMember.body_id == body_id,
                                        BodyMember.user_id == actor.user_id)).first()):
        raise not_found("cơ quan", "Body")  # a body one is not in: as if there were none
    may_prepare_for_body(session, actor, body_id)
    opinion = Opinion(
        body_id=body_id,
        question=_text(question, "question", 500),
        details=_text(details, "details", 20_000, required=False),
        deadline=_aware(deadline),
        created_by=actor.user_id,
    )
    session.add(opinion)
    session.flush()
    return opinion


def attach_document(
    session: Session,
    blobs: BlobStore,
    actor: Actor,
    opinion_id: int,
    *,
    filename: str,
    pdf: bytes,
    page_count: int,
    title: str = "",
) -> OpinionDocument:
    """Store a PDF that the ingest pipeline has already checked and cleaned
    (meetings.documents.ingest, as for meeting documents), by content."""
    editable_draft(session, actor, opinion_id)
    count = session.exec(
        select(func.count()).where(OpinionDocument.opinion_id == opinion_id)
    ).one()
    if count >= MAX_DOCUMENTS:
        raise invalid("too_many_documents",
                      f"Mỗi phiếu có tối đa {MAX_DOCUMENTS} tài liệu.",
                      f"A form carries at most {MAX_DOCUMENTS} documents.")
    digest = blobs.put(pdf)
    filename = (filename or "tai-lieu.pdf").replace("/", "_").replace("\\", "_")[:300]
    if not filename.lower().endswith(".pdf"):  # an office file arrives converted
        filename = filename.rsplit(".", 1)[0] + ".pdf"
    doc_title = (title or "").strip() or filename.rsplit(".", 1)[0]
    document = OpinionDocument(
        opinion_id=opinion_id, title=doc_title[:300], filename=filename, sha256=digest,
        size=len(pdf), page_count=page_count,
    )
    session.add(document)
    session.flush()
    return document


def send(session: Session, actor: Actor, opinion_id: int) -> Opinion:
    """Send the form: fix the voters (the body's voting members now) and the rule."""
    opinion = editable_draft(session, actor, opinion_id)
    now = utcnow()
    if opinion.deadline <= now:
        raise invalid(
            "deadline_past",
            "Hạn trả lời đã qua. Vui lòng đặt hạn trong tương lai rồi gửi.",
            "The deadline has passed. Set a deadline in the future, then send.",
        )
    voters = session.exec(
        select(BodyMember.user_id).where(
            BodyMember.body_id == opinion.body_id, col(BodyMember.voting).is_(True)
        ).order_by(col(BodyMember.user_id))
    ).all()
    if not voters:
        raise conflict("no_voters", "Cơ quan không có thành viên biểu quyết nào.",
                       "The body has no voting members.")
    body = session.get(Body, opinion.body_id)
    assert body is not None
    for user_id in voters:
        session.add(OpinionVoter(opinion_id=opinion_id, user_id=user_id))
    opinion.rule_basis = body.rule_basis
    opinion.rule_numerator = body.rule_numerator
    opinion.rule_denominator = body.rule_denominator
    opinion.rule_strict = body.rule_strict
    opinion.eligible = len(voters)
    opinion.status = OpinionStatus.OPEN.value
    opinion.sent_at = now
    session.add(opinion)
    session.flush()
    return opinion


def answer(
    session: Session, actor: Actor, opinion_id: int, choice: str, comment: str = ""
) -> OpinionAnswer:
    if choice not in {c.value for c in Choice}:
        raise invalid(
            "bad_choice",
            "Lựa chọn phải là Đồng ý, Không đồng ý hoặc Ý kiến khác.",
            "The choice must be yes, no or abstain.",
        )
    comment = _text(comment, "comment", 5000, required=False)
    # Lock the form: an answer never slips in while it is being closed.
    opinion = session.exec(
        select(Opinion).where(Opinion.id == opinion_id).with_for_update(read=True)
    ).first()
    if opinion is None or opinion.status == OpinionStatus.DRAFT.value:
        raise not_found("phiếu lấy ý kiến", "Written opinion form")
    if not _is_voter(session, opinion_id, actor.user_id):
        if _may_prepare(session, actor, opinion.body_id):
            raise forbidden(
                "not_a_voter",
                "Không thuộc danh sách thành viên được lấy ý kiến trong phiếu này.",
                "You are not among the members asked in this form.",
            )
        raise not_found("phiếu lấy ý kiến", "Written opinion form")
    now = utcnow()
    if opinion.status == OpinionStatus.CLOSED.value or opinion.deadline <= now:
        raise conflict(
            "opinion_closed",
            f"Đã hết hạn trả lời phiếu lấy ý kiến (hạn: {clock.moment_text(opinion.deadline)}); "
            "ý kiến này không được ghi nhận.",
            f"The form closed at its deadline ({clock.moment_text(opinion.deadline, 'en')}); "
            "this answer was not recorded.",
        )
    row = OpinionAnswer(opinion_id=opinion_id, user_id=actor.user_id, choice=choice,
                        comment=comment, answered_at=now)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        raise DomainError(
            Kind.CONFLICT,
            "already_answered",
            "Đã trả lời phiếu này; ý kiến đã ghi nhận không thể thay đổi.",
            "You have already answered this form; a recorded answer cannot change.",
        ) from None
    return row


def _counts(session: Session, opinion_id: int) -> dict[str, int]:
    rows = session.exec(
        select(OpinionAnswer.choice, func.count())
        .where(OpinionAnswer.opinion_id == opinion_id)
        .group_by(OpinionAnswer.choice)
    ).all()
    counts = {c.value: 0 for c in Choice}
    for choice, n in rows:
        counts[choice] = n
    return counts


def _close(session: Session, opinion: Opinion, closed_by: int | None) -> None:
    counts = _counts(session, opinion.id or 0)
    answered = sum(counts.values())
    tally = Tally(counts["yes"], counts["no"], counts["abstain"], opinion.eligible, answered)
    rule = rule_of(opinion)
    opinion.status = OpinionStatus.CLOSED.value
    # Closed by the deadline: the result stands as at the deadline.
    opinion.closed_at = min(utcnow(), opinion.deadline) if closed_by is None else utcnow()
    opinion.closed_by = closed_by
    opinion.yes, opinion.no, opinion.abstain = tally.yes, tally.no, tally.abstain
    opinion.passed = passes(rule, tally)
    session.add(opinion)


def settle_due(session: Session) -> int:
    """Close every open form whose deadline has passed. Returns how many closed."""
    due = session.exec(
        select(Opinion)
        .where(Opinion.status == OpinionStatus.OPEN.value, Opinion.deadline <= utcnow())
        .with_for_update()
    ).all()
    for opinion in due:
        _close(session, opinion, None)
    session.flush()
    return len(due)


def close(session: Session, actor: Actor, opinion_id: int) -> Opinion:
    """Close by hand: allowed once every voter has answered, or after the deadline."""
    opinion = session.exec(
        select(Opinion).where(Opinion.id == opinion_id).with_for_update()
    ).first()
    if opinion is None:
        raise not_found("phiếu lấy ý kiến", "Written opinion form")
    _, preparer = _visible(session, actor, opinion_id)  # to others it is not there
    if not preparer:
        raise forbidden(
            "forbidden",
            "Chỉ văn phòng (thư ký) của cơ quan được kết thúc phiếu lấy ý kiến.",
            "Only the body's secretariat may close a written opinion form.",
        )
    if opinion.status == OpinionStatus.DRAFT.value:
        raise conflict("opinion_not_sent", "Phiếu chưa được gửi.", "The form has not been sent.")
    if opinion.status == OpinionStatus.CLOSED.value:
        raise conflict("opinion_closed", "Phiếu lấy ý kiến đã kết thúc.", "The form is closed.")
    answered = sum(_counts(session, opinion_id).values())
    if answered < opinion.eligible and opinion.deadline > utcnow():
        raise conflict(
            "opinion_not_due",
            f"Mới có {answered}/{opinion.eligible} thành viên trả lời và chưa đến hạn "
            f"({clock.moment_text(opinion.deadline)}). Chờ đủ ý kiến hoặc đến hạn rồi kết thúc.",
            f"Only {answered} of {opinion.eligible} members have answered and the deadline "
            f"({clock.moment_text(opinion.deadline, 'en')}) has not come. Wait for every "
            "answer or the deadline.",
        )
    _close(session, opinion, actor.user_id)
    session.flush()
    return opinion


def opinion_view(
    session: Session, actor: Actor, opinion: Opinion, *, preparer: bool, full: bool = True
) -> dict[str, Any]:
    assert opinion.id is not None
    counts = _counts(session, opinion.id)
    mine = session.exec(
        select(OpinionAnswer).where(
            OpinionAnswer.opinion_id == opinion.id, OpinionAnswer.user_id == actor.user_id
        )
    ).first()
    body = session.get(Body, opinion.body_id)
    out: dict[str, Any] = {
        "id": opinion.id,
        "body_id": opinion.body_id,
        "body": body.name if body else "",
        "question": opinion.question,
        "details": opinion.details,
        "deadline": iso(opinion.deadline),
        "status": opinion.status,
        "sent_at": iso(opinion.sent_at),
        "closed_at": iso(opinion.closed_at),
        "eligible": opinion.eligible,
        "answered": sum(counts.values()),
        "rule": rule_of(opinion).text("vi"),
        "may_answer": mine is None and opinion.status == OpinionStatus.OPEN.value
        and _is_voter(session, opinion.id, actor.user_id),
        "my_answer": {"choice": mine.choice, "comment": mine.comment,
                      "answered_at": iso(mine.answered_at)} if mine else None,
        "manage": preparer,
    }
    if opinion.status == OpinionStatus.CLOSED.value:
        out["result"] = {"yes": opinion.yes, "no": opinion.no, "abstain": opinion.abstain,
                         "passed": opinion.passed}
    if not full:
        return out
    out["documents"] = [
        {"id": d.id, "title": d.title, "filename": d.filename, "size": d.size,
         "page_count": d.page_count, "sha256": d.sha256}
        for d in session.exec(
            select(OpinionDocument).where(OpinionDocument.opinion_id == opinion.id)
            .order_by(col(OpinionDocument.id))
        )
    ]
    if preparer:
        out["tally"] = counts
        rows = session.exec(
            select(OpinionVoter.user_id, User.full_name, OpinionAnswer.choice,
                   OpinionAnswer.comment)
            .join(User, col(User.id) == col(OpinionVoter.user_id))
            .outerjoin(OpinionAnswer, (col(OpinionAnswer.opinion_id) == opinion.id)
                       & (col(OpinionAnswer.user_id) == col(OpinionVoter.user_id)))
            .where(OpinionVoter.opinion_id == opinion.id)
            .order_by(col(OpinionVoter.user_id))
        ).all()
        out["voters"] = [{"user_id": uid, "full_name": name, "choice": choice,
                          "comment": comment or ""} for uid, name, choice, comment in rows]
    return out


def show(session: Session, actor: Actor, opinion_id: int) -> dict[str, Any]:
    opinion, preparer = _visible(session, actor, opinion_id)
    return opinion_view(session, actor, opinion, preparer=preparer)


def my_opinions(session: Session, actor: Actor) -> list[dict[str, Any]]:
    """Forms I am asked to answer (sent), and every form of the bodies I prepare for."""
    asked = set(session.exec(
        select(OpinionVoter.opinion_id).where(OpinionVoter.user_id == actor.user_id)
    ).all())
    prepared_bodies = set(session.exec(
        select(BodyMember.body_id).where(
            BodyMember.user_id == actor.user_id, col(BodyMember.can_prepare).is_(True)
        )
    ).all())
    query = select(Opinion).order_by(col(Opinion.created_at).desc(), col(Opinion.id).desc())
    if not actor.is_admin:
        query = query.where(col(Opinion.id).in_(asked) | col(Opinion.body_id).in_(prepared_bodies))
    return [
        opinion_view(session, actor, o, preparer=actor.is_admin or o.body_id in prepared_bodies,
                     full=False)
        for o in session.exec(query.limit(200))
    ]


def document_of(
    session: Session, actor: Actor, opinion_id: int, document_id: int
) -> OpinionDocument:
    _visible(session, actor, opinion_id)
    document = session.get(OpinionDocument, document_id)
    if document is None or document.opinion_id != opinion_id:
        raise not_found("tài liệu", "Document")
    return document


@dataclass(frozen=True)
class ClosedOpinion:
    question: str
    deadline: datetime
    closed_at: datetime
    eligible: int
    yes: int
    no: int
    abstain: int
    passed: bool
    rule_text: str
    rule: Rule


def reported_in(session: Session, meeting: Meeting) -> list[Opinion]:
    """The forms of the meeting's body closed after the body's previous meeting began and
    before this one began (or now, while it has not begun): what its minutes report."""
    this_start = meeting.started_at or utcnow()
    previous = session.exec(
        select(Meeting)
        .where(Meeting.body_id == meeting.body_id, Meeting.id != meeting.id,
               Meeting.starts_at < meeting.starts_at)
        .order_by(col(Meeting.starts_at).desc())
        .limit(1)
    ).first()
    query = select(Opinion).where(
        Opinion.body_id == meeting.body_id,
        Opinion.status == OpinionStatus.CLOSED.value,
        col(Opinion.closed_at) <= this_start,
    )
    if previous is not None:
        query = query.where(col(Opinion.closed_at) > (previous.started_at or previous.starts_at))
    return list(session.exec(query.order_by(col(Opinion.closed_at), col(Opinion.id))))


def closed_since_previous_meeting(session: Session, meeting: Meeting) -> list[ClosedOpinion]:
    """The forms its minutes report (`reported_in`), with their results."""
    out = []
    for o in reported_in(session, meeting):
        assert o.closed_at is not None
        out.append(ClosedOpinion(
            question=o.question, deadline=o.deadline, closed_at=o.closed_at,
            eligible=o.eligible, yes=o.yes or 0, no=o.no or 0, abstain=o.abstain or 0,
            passed=bool(o.passed),
            rule_text=rule_of(o).text("vi"), rule=rule_of(o),
        ))
    return out


# The choices as the form prints them (shared/VIETNAMESE.md: Đồng ý / Không đồng ý / Ý kiến khác).
CHOICE_WORDS = {Choice.YES.value: "Đồng ý", Choice.NO.value: "Không đồng ý",
                Choice.ABSTAIN.value: "Ý kiến khác"}


@dataclass(frozen=True)
class WrittenAnswer:
    author: str
    choice: str
    comment: str


def answers_of(session: Session, opinion_id: int) -> list[WrittenAnswer]:
    """Each member's answer to a form, with the member's name, in the order they came."""
    rows = session.exec(
        select(User.full_name, OpinionAnswer.choice, OpinionAnswer.comment)
        .join(User, col(User.id) == col(OpinionAnswer.user_id))
        .where(OpinionAnswer.opinion_id == opinion_id)
        .order_by(col(OpinionAnswer.answered_at), col(OpinionAnswer.id))
    ).all()
    return [WrittenAnswer(name, choice, comment or "") for name, choice, comment in rows]
