"""The minutes (biên bản): drafting them from the meeting's data, editing the conclusions,
previewing, and sealing them into a PAdES-signed PDF. A sealed meeting never changes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, func, select

from meetings import record
from meetings.access import Action, authorize
from meetings.accounts import Actor
from meetings.blobs import BlobStore
from meetings.errors import conflict, invalid
from meetings.events import Event
from meetings.majority import Basis, Rule
from meetings.minutes_pdf import (
    MinutesAttendee,
    MinutesData,
    MinutesItem,
    MinutesOpinion,
    MinutesPerson,
    MinutesSpeakingTime,
    MinutesVote,
    compose_minutes,
)
from meetings.models import (
    AgendaItem,
    Body,
    BodyMember,
    Meeting,
    MeetingStatus,
    Minutes,
    Participant,
    Role,
    User,
    Vote,
    VoteStatus,
    utcnow,
)
from meetings.opinions import closed_since_previous_meeting
from meetings.preparation import items_with_documents
from meetings.signing import SignatureAppearance, sign_pdf
from meetings.speakers import speaking_time_totals
from meetings.stamps import seal_png, signature_png

VIETNAM = timezone(timedelta(hours=7), "+07:00")
DEFAULT_RECIPIENTS = ("Các thành viên dự họp",)


@dataclass(frozen=True)
class SigningKey:
    p12: bytes
    passphrase: bytes


class KeyStore:
    """Bodies' signing keys (PKCS#12) and the trust roots used to verify signatures.

    A body's `signing_p12_path` is relative to `root`; its passphrase sits beside it in a
    file of the same name ending in `.pass` (mode 0600)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def key_for(self, body: Body) -> SigningKey:
        if not body.signing_p12_path:
            raise conflict(
                "no_signing_key",
                "Cơ quan chưa được cấu hình khóa ký số. Liên hệ quản trị hệ thống.",
                "The body has no signing key configured. Ask the administrator.",
            )
        path = self.root / body.signing_p12_path
        passfile = path.with_name(path.name + ".pass")
        if not path.exists() or not passfile.exists():
            raise conflict(
                "no_signing_key",
                "Không tìm thấy tệp khóa ký số của cơ quan. Liên hệ quản trị hệ thống.",
                "The body's signing key file is missing. Ask the administrator.",
            )
        return SigningKey(path.read_bytes(), passfile.read_bytes().strip())

    def trust_roots(self) -> list[bytes]:
        trust = self.root / "trust"
        if not trust.is_dir():
            return []
        return [p.read_bytes() for p in sorted(trust.glob("*.pem"))]


def _minutes_row(session: Session, meeting_id: int) -> Minutes:
    row = session.get(Minutes, meeting_id)
    if row is None:
        row = Minutes(meeting_id=meeting_id, recipients="\n".join(DEFAULT_RECIPIENTS))
        session.add(row)
        session.flush()
    return row


def _not_sealed(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.SEALED.value:
        raise conflict(
            "meeting_sealed",
            "Biên bản đã được ký số và niêm phong; không thể sửa đổi.",
            "The minutes are signed and sealed; they cannot change.",
        )


def minutes_view(session: Session, actor: Actor, meeting_id: int) -> dict[str, Any]:
    meeting, _ = authorize(session, actor, meeting_id, Action.VIEW)
    row = session.get(Minutes, meeting_id)
    items = items_with_documents(session, meeting_id)
    return {
        "meeting_id": meeting_id,
        "status": meeting.status,
        "number": row.number if row else None,
        "general_conclusion": row.general_conclusion if row else "",
        "recipients": (row.recipients if row else "\n".join(DEFAULT_RECIPIENTS)).split("\n"),
        "items": [{"id": i.id, "title": i.title, "conclusion": i.conclusion} for i, _ in items],
        "sealed_at": row.sealed_at.isoformat() if row and row.sealed_at else None,
        "signer": row.signer_name if row else None,
        "signed_sha256": row.signed_sha256 if row else None,
        "record_digest": row.record_digest if row else None,
    }


def edit_minutes(
    session: Session,
    actor: Actor,
    meeting_id: int,
    *,
    general_conclusion: str | None = None,
    recipients: list[str] | None = None,
    item_conclusions: dict[int, str] | None = None,
) -> None:
    meeting, _ = authorize(session, actor, meeting_id, Action.MINUTES)
    _not_sealed(meeting)
    row = _minutes_row(session, meeting_id)
    if general_conclusion is not None:
        if len(general_conclusion) > 50_000:
            raise invalid("too_long", "Kết luận quá dài.", "The conclusion is too long.")
        row.general_conclusion = general_conclusion.strip()
    if recipients is not None:
        clean = [r.strip() for r in recipients if r.strip()]
        if len(clean) > 50 or any(len(r) > 300 for r in clean):
            raise invalid("bad_recipients", "Danh sách nơi nhận không hợp lệ.",
                          "The list of recipients is invalid.")
        row.recipients = "\n".join(clean)
    session.add(row)
    for item_id, text in (item_conclusions or {}).items():
        item = session.get(AgendaItem, item_id)
        if item is None or item.meeting_id != meeting_id:
            raise invalid("bad_item", "Nội dung họp không thuộc cuộc họp này.",
                          "The agenda item does not belong to this meeting.")
        if len(text) > 50_000:
            raise invalid("too_long", "Kết luận quá dài.", "The conclusion is too long.")
        item.conclusion = text.strip()
        session.add(item)
    record.append(session, meeting_id, "minutes.edited", {}, actor.user_id)


def _person(session: Session, meeting: Meeting, role: str) -> MinutesPerson:
    row = session.exec(
        select(User, Participant)
        .join(Participant, col(Participant.user_id) == col(User.id))
        .where(Participant.meeting_id == meeting.id, Participant.role == role)
    ).first()
    if row is None:
        return MinutesPerson(name="", title="")
    user, _ = row
    return MinutesPerson(name=user.full_name, title=_title(session, meeting.body_id, user))


def _title(session: Session, body_id: int, user: User) -> str:
    member = session.exec(
        select(BodyMember).where(BodyMember.body_id == body_id, BodyMember.user_id == user.id)
    ).first()
    return member.title if member else ""


def gather(session: Session, meeting: Meeting, *, number: int | None, draft: bool) -> MinutesData:
    """Collect the minutes' content from the database."""
    assert meeting.id is not None
    body = session.get(Body, meeting.body_id)
    assert body is not None
    row = _minutes_row(session, meeting.id)
    people = session.exec(
        select(Participant, User)
        .join(User, col(User.id) == col(Participant.user_id))
        .where(Participant.meeting_id == meeting.id)
        .order_by(col(Participant.id))
    ).all()
    attendees = tuple(
        MinutesAttendee(
            name=u.full_name,
            title=_title(session, body.id or 0, u),
            role=p.role,
            present=p.checked_in_at is not None,
        )
        for p, u in people
    )
    votes = list(
        session.exec(select(Vote).where(Vote.meeting_id == meeting.id).order_by(col(Vote.id)))
    )
    items: list[MinutesItem] = []
    for item, docs in items_with_documents(session, meeting.id):
        item_votes = tuple(
            MinutesVote(
                question=v.question,
                yes=v.yes or 0,
                no=v.no or 0,
                abstain=v.abstain or 0,
                not_voted=v.eligible - _cast_of(v),
                eligible=v.eligible,
                passed=v.passed if v.status == VoteStatus.CLOSED.value else None,
                rule_text=Rule(Basis(v.rule_basis), v.rule_numerator, v.rule_denominator,
                               v.rule_strict).text("vi"),
                **vote_minutes_extras(session, v),
            )
            for v in votes
            if v.item_id == item.id and v.status != VoteStatus.OPEN.value
        )
        items.append(
            MinutesItem(
                position=item.position,
                title=item.title,
                presenter=item.presenter,
                documents=tuple(d.title for d in docs),
                conclusion=item.conclusion,
                votes=item_votes,
            )
        )
    started = (meeting.started_at or meeting.starts_at).astimezone(VIETNAM)
    digest = record.verify_chain(record.entries(session, meeting.id))
    if digest is None:
        raise conflict(
            "record_broken",
            "Hồ sơ cuộc họp không toàn vẹn (chuỗi băm bị sai). Không thể lập biên bản.",
            "The meeting record is not intact (hash chain broken). The minutes cannot be made.",
        )
    return MinutesData(
        parent_body=body.parent_name.upper(),
        body=body.name.upper(),
        body_code=body.code or "BB",
        number=number,
        place_name=body.place_name,
        meeting_date=started.date(),
        title=meeting.title,
        location=meeting.place,
        started_at=started,
        ended_at=meeting.ended_at.astimezone(VIETNAM) if meeting.ended_at else None,
        chair=_person(session, meeting, Role.CHAIR.value),
        secretary=_person(session, meeting, Role.SECRETARY.value),
        attendees=attendees,
        items=tuple(items),
        general_conclusion=row.general_conclusion,
        recipients=tuple(r for r in row.recipients.split("\n") if r.strip()),
        record_digest=digest,
        draft=draft,
        **speaking_and_opinions(session, meeting),
    )


def speaking_and_opinions(session: Session, meeting: Meeting) -> dict[str, Any]:
    """The minutes' speaking times and the written opinions closed since the previous
    meeting (meetings.speakers, meetings.opinions), as MinutesData fields."""
    assert meeting.id is not None
    return {
        "speaking_times": tuple(
            MinutesSpeakingTime(name=t.full_name, turns=t.turns, seconds=t.seconds)
            for t in speaking_time_totals(session, meeting.id)
        ),
        "written_opinions": tuple(
            MinutesOpinion(question=o.question, closed_at=o.closed_at, eligible=o.eligible,
                           yes=o.yes, no=o.no, abstain=o.abstain, passed=o.passed,
                           rule_text=o.rule_text)
            for o in closed_since_previous_meeting(session, meeting)
        ),
    }


def preview(session: Session, actor: Actor, meeting_id: int) -> bytes:
    meeting, _ = authorize(session, actor, meeting_id, Action.MINUTES)
    _not_sealed(meeting)
    return compose_minutes(gather(session, meeting, number=None, draft=True)).pdf


def _next_number(session: Session, body_id: int, year: int) -> int:
    start = datetime(year, 1, 1, tzinfo=VIETNAM).astimezone(UTC)
    count = session.exec(
        select(func.count())
        .select_from(Minutes)
        .join(Meeting, col(Meeting.id) == col(Minutes.meeting_id))
        .where(
            Meeting.body_id == body_id,
            col(Minutes.sealed_at).is_not(None),
            col(Minutes.sealed_at) >= start,
        )
    ).one()
    return int(count) + 1


def seal(
    session: Session, blobs: BlobStore, keys: KeyStore, actor: Actor, meeting_id: int
) -> tuple[Minutes, list[Event]]:
    """Number, compose and sign the minutes, and freeze the meeting."""
    # Lock the meeting: two seals at once must not both pass the checks below.
    session.exec(select(Meeting.id).where(Meeting.id == meeting_id).with_for_update()).first()
    meeting, _ = authorize(session, actor, meeting_id, Action.MINUTES)
    _not_sealed(meeting)
    if meeting.status != MeetingStatus.ENDED.value:
        raise conflict(
            "meeting_not_ended",
            "Chỉ niêm phong biên bản sau khi cuộc họp kết thúc.",
            "The minutes can be sealed only after the meeting has ended.",
        )
    body = session.get(Body, meeting.body_id)
    assert body is not None
    key = keys.key_for(body)
    now = utcnow()
    number = _next_number(session, body.id or 0, now.astimezone(VIETNAM).year)
    data = gather(session, meeting, number=number, draft=False)
    composed = compose_minutes(data)
    chair = data.chair if data.chair.name else data.secretary
    signed = sign_pdf(
        composed.pdf,
        key.p12,
        key.passphrase,
        field_name="ChuToa",
        signing_time=now.astimezone(VIETNAM),
        reason=f"Ký biên bản cuộc họp số {number:02d}/BB-{data.body_code}",
        location=body.place_name or meeting.place,
        appearance=SignatureAppearance(
            box=composed.chair_box,
            signer_name=chair.name,
            signer_title=chair.title or body.signer_title,
            seal_png=seal_png(body.name.upper(), body.place_name),
            signature_png=signature_png(chair.name),
        ),
    )
    digest = blobs.put(signed)
    row = _minutes_row(session, meeting_id)
    row.number = number
    row.sealed_at = now
    row.sealed_by = actor.user_id
    row.signed_sha256 = digest
    row.signer_name = chair.name
    row.record_digest = data.record_digest
    session.add(row)
    meeting.status = MeetingStatus.SEALED.value
    session.add(meeting)
    record.append(
        session, meeting_id, "minutes.sealed",
        {"number": number, "sha256": digest, "record_digest": data.record_digest},
        actor.user_id,
    )
    return row, [Event(meeting_id, "minutes.sealed",
                       {"number": number, "sha256": digest, "status": meeting.status})]


# --- votes (issue 5): kinds, quorum override, elections, names ----------------------------


def _cast_of(v: Vote) -> int:
    if v.counts:
        return int(json.loads(v.counts).get("cast", 0))
    return (v.yes or 0) + (v.no or 0) + (v.abstain or 0)


KIND_VI = {"named": "biểu quyết công khai, ghi tên", "counts": "biểu quyết công khai",
           "secret": "bỏ phiếu kín"}
CHOICE_VI = {"yes": "Tán thành", "no": "Không tán thành", "abstain": "Không ý kiến"}


def vote_minutes_extras(session: Session, v: Vote) -> dict[str, Any]:
    from meetings.voting import named_ballots, vote_options

    lines = [f"Hình thức: {KIND_VI.get(v.kind, v.kind)}."]
    if v.quorum_overridden:
        lines.append(f"Biểu quyết được mở khi chưa đủ số lượng tham dự (có mặt {v.present}, "
                     f"cần {v.quorum_required}), theo quyết định của chủ tọa.")
    if v.rule_tie == "chair":
        lines.append("Trường hợp hòa phiếu: quyết định theo phía có ý kiến của chủ tọa.")
    if v.status == VoteStatus.CANCELLED.value and v.cancel_reason:
        lines.append(f"Lý do hủy: {v.cancel_reason}.")
    options = vote_options(v)
    counts = json.loads(v.counts) if v.counts else {}
    if options and counts:
        elected = set(counts.get("elected", []))
        lines.append("Kết quả từng phương án: " + "; ".join(
            f"{o}: {m} phiếu" + (" (trúng cử)" if i in elected else "")
            for i, (o, m) in enumerate(zip(options, counts["marks"], strict=True))) + ".")
    if v.kind == "named" and v.status == VoteStatus.CLOSED.value:
        groups: dict[str, list[str]] = {}
        for b in named_ballots(session, v):
            label = CHOICE_VI.get(b["choice"] or "", "")
            if options:
                label = "Chọn " + ", ".join(options[i] for i in b["marks"] or []) \
                    if b["marks"] else "Không chọn phương án nào"
            holder = session.get(User, b["cast_by"]) if b["cast_by"] else None
            proxy = f" (do {holder.full_name} biểu quyết thay)" if holder else ""
            groups.setdefault(label, []).append(b["full_name"] + proxy)
        for label, people in groups.items():
            lines.append(f"{label}: {', '.join(people)}.")
    return {"details": tuple(lines), "election": bool(options)}
