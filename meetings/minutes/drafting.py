"""The minutes (biên bản): drafting them from the meeting's data, editing the conclusions,
previewing, and sealing them into a PAdES-signed PDF. A sealed meeting never changes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, func, select

from meetings import archive_search, body_names, clock, record, roster
from meetings.access import Action, authorize
from meetings.accounts import Actor
from meetings.admin import audit
from meetings.agenda import items_with_documents, numbers
from meetings.body_names import BodyKind
from meetings.documents.blobs import BlobStore
from meetings.errors import conflict, invalid
from meetings.events import Event
from meetings.exclusions import withdrawals
from meetings.live.speakers import (
    speakers_by_item,
    speaking_time_totals,
    speeches_by_item,
    turns_by_item,
)
from meetings.minutes import wording
from meetings.minutes.layout import (
    MinutesAttendee,
    MinutesData,
    MinutesItem,
    MinutesOpinion,
    MinutesPerson,
    MinutesSpeakingTime,
    MinutesSpeech,
    compose_minutes,
)
from meetings.minutes.signer_images import seal_of, signature_of
from meetings.minutes.signing import SignatureAppearance, sign_pdf, signer_of
from meetings.minutes.votes import minutes_vote
from meetings.models import (
    AgendaItem,
    Body,
    BodyMember,
    Document,
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
from meetings.votes.opinions import closed_since_previous_meeting


def default_recipients(body: Body) -> tuple[str, ...]:
    """The "Nơi nhận" a new draft starts with (editable): the recipients the administrator
    set for the body, else the body's own members."""
    own = wording.recipients(body.recipients.split("\n")) if body.recipients.strip() else ()
    return own or body_names.default_recipients(body.name, body.kind)


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


def _recipients_of(session: Session, meeting: Meeting, row: Minutes | None) -> tuple[str, ...]:
    if row is not None:
        return wording.recipients(row.recipients.split("\n"))
    body = session.get(Body, meeting.body_id)
    assert body is not None
    return default_recipients(body)


def _minutes_row(session: Session, meeting: Meeting) -> Minutes:
    assert meeting.id is not None
    row = session.get(Minutes, meeting.id)
    if row is None:
        row = Minutes(meeting_id=meeting.id,
                      recipients="\n".join(_recipients_of(session, meeting, None)))
        session.add(row)
        session.flush()
    return row


def _not_sealed(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.SEALED.value:
        raise conflict(
            "meeting_sealed",
            "Biên bản đã được ký số và phát hành; không thể chỉnh sửa.",
            "The minutes are signed and issued; they cannot change.",
        )


def minutes_view(session: Session, actor: Actor, meeting_id: int) -> dict[str, Any]:
    meeting, _ = authorize(session, actor, meeting_id, Action.VIEW)
    row = session.get(Minutes, meeting_id)
    items = items_with_documents(session, meeting_id)
    turns = turns_by_item(session, meeting_id)
    return {
        "meeting_id": meeting_id,
        "status": meeting.status,
        "number": row.number if row else None,
        "general_conclusion": row.general_conclusion if row else "",
        # One list: the entries the secretary edits; the filing line always ends it, once.
        "recipients": list(_recipients_of(session, meeting, row)),
        "filing": wording.FILING,
        # Each item's turns carry what the secretary recorded of them (PUT .../statement).
        "items": [{"id": i.id, "title": i.title, "conclusion": i.conclusion,
                   "turns": turns.get(i.id or 0, [])} for i, _ in items],
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
    row = _minutes_row(session, meeting)
    if general_conclusion is not None:
        if len(general_conclusion) > 50_000:
            raise invalid("too_long", "Kết luận quá dài.", "The conclusion is too long.")
        row.general_conclusion = general_conclusion.strip()
    if recipients is not None:
        clean = wording.recipients(recipients)
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


def _participant_id(session: Session, meeting: Meeting, role: str) -> int | None:
    return session.exec(
        select(Participant.user_id)
        .where(Participant.meeting_id == meeting.id, Participant.role == role)
    ).first()


def _title(session: Session, body_id: int, user: User) -> str:
    member = session.exec(
        select(BodyMember).where(BodyMember.body_id == body_id, BodyMember.user_id == user.id)
    ).first()
    return member.title if member else ""


def gather(session: Session, meeting: Meeting, *, number: int | None, draft: bool) -> MinutesData:
    """Collect the minutes' content from the database, in the body's language."""
    assert meeting.id is not None
    body = session.get(Body, meeting.body_id)
    assert body is not None
    row = _minutes_row(session, meeting)
    people = session.exec(
        select(Participant, User)
        .join(User, col(User.id) == col(Participant.user_id))
        .where(Participant.meeting_id == meeting.id)
        .order_by(col(Participant.id))
    ).all()
    names = {u.id: u.full_name for _p, u in people}
    attendees = tuple(
        MinutesAttendee(
            name=u.full_name,
            title=_title(session, body.id or 0, u),
            role=p.role,
            present=roster.is_present(p.attendance),
            note=p.absence_reason if roster.is_away(p.attendance) else "",
            attendance=p.attendance,
            proxy=(names.get(p.proxy_user_id, "")
                   if body.proxies_allowed and p.proxy_user_id and roster.is_away(p.attendance)
                   else ""),
        )
        for p, u in people
    )
    members = body_names.members_noun(body.name, body.kind)
    member_word = body_names.member_word(body.name, body.kind)
    delegates = body_names.kind_of(body.name, body.kind) is BodyKind.PEOPLE_COUNCIL
    votes = list(
        session.exec(select(Vote).where(Vote.meeting_id == meeting.id).order_by(col(Vote.id)))
    )
    spoke = speakers_by_item(session, meeting.id)
    said = speeches_by_item(session, meeting.id)
    items: list[MinutesItem] = []
    excluded = withdrawals(session, meeting.id)
    agenda = items_with_documents(session, meeting.id, withdrawn=True)
    labels = numbers([i for i, _ in agenda])
    for item, docs in agenda:
        item_votes = tuple(
            minutes_vote(session, v, members=members, member_word=member_word,
                         delegates=delegates)
            for v in votes
            if v.item_id == item.id and v.status != VoteStatus.OPEN.value
        )
        items.append(
            MinutesItem(
                position=labels[item.id or 0],
                title=item.title,
                presenter=item.presenter,
                documents=tuple(document_line(d) for d in docs),
                conclusion=item.conclusion,
                votes=item_votes,
                speakers=tuple(spoke.get(item.id or 0, ())),
                speeches=tuple(MinutesSpeech(name, statement)
                               for name, statement in said.get(item.id or 0, ())),
                withdrawn=tuple(wording.withdrawal(w["full_name"], w["reason"])
                                for w in excluded.get(item.id or 0, [])),
            )
        )
    started = clock.in_vietnam(meeting.started_at or meeting.starts_at)
    digest = record.verify_chain(record.entries(session, meeting.id))
    if digest is None:
        raise conflict(
            "record_broken",
            "Nhật ký diễn biến cuộc họp không toàn vẹn (chuỗi băm bị sai). Không thể lập biên "
            "bản.",
            "The meeting record is not intact (hash chain broken). The minutes cannot be made.",
        )
    return MinutesData(
        parent_body=body.parent_name.upper() if body_names.has_parent_line(body.name, body.kind)
        else "",
        body=body_names.full_name(body.name, body.kind).upper(),
        body_lines=body_names.header_lines(body.name, body.kind),
        members=members,
        member_word=member_word,
        body_code=body.code or "BB",
        number=number,
        place_name=body.place_name,
        meeting_date=started.date(),
        title=meeting.title,
        location=meeting.place,
        started_at=started,
        ended_at=clock.in_vietnam(meeting.ended_at) if meeting.ended_at else None,
        chair=_person(session, meeting, Role.CHAIR.value),
        secretary=_person(session, meeting, Role.SECRETARY.value),
        attendees=attendees,
        items=tuple(items),
        general_conclusion=row.general_conclusion,
        recipients=wording.recipients(row.recipients.split("\n")),
        record_digest=digest,
        draft=draft,
        **speaking_and_opinions(session, meeting, delegates=delegates),
    )


def document_line(document: Document) -> str:
    """A document as the minutes name it, marked when it reached the members after the
    deadline (meetings.deadlines) or was withdrawn once the meeting had started."""
    marks = [text for text, on in (("bổ sung sau thời hạn", document.late),
                                   ("đã rút", document.withdrawn_at is not None)) if on]
    return document.title + "".join(f" ({m})" for m in marks)


def speaking_and_opinions(session: Session, meeting: Meeting, *,
                          delegates: bool = False) -> dict[str, Any]:
    """The minutes' speaking times and the written opinions closed since the previous
    meeting (meetings.live.speakers, meetings.votes.opinions), as MinutesData fields."""
    assert meeting.id is not None
    return {
        "speaking_times": tuple(
            MinutesSpeakingTime(name=t.full_name, turns=t.turns, seconds=t.seconds)
            for t in speaking_time_totals(session, meeting.id)
        ),
        "written_opinions": tuple(
            MinutesOpinion(question=o.question, closed_at=o.closed_at, eligible=o.eligible,
                           yes=o.yes, no=o.no, abstain=o.abstain, passed=o.passed,
                           rule_text=o.rule.text("vi", delegates=delegates))
            for o in closed_since_previous_meeting(session, meeting)
        ),
    }


def preview(session: Session, actor: Actor, meeting_id: int) -> bytes:
    meeting, _ = authorize(session, actor, meeting_id, Action.MINUTES)
    _not_sealed(meeting)
    return compose_minutes(gather(session, meeting, number=None, draft=True)).pdf


def _next_number(session: Session, body_id: int, year: int) -> int:
    start = clock.year_start(year)
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
            "Chỉ ký số và phát hành biên bản sau khi cuộc họp kết thúc.",
            "The minutes can be signed and issued only after the meeting has ended.",
        )
    body = session.get(Body, meeting.body_id)
    assert body is not None
    key = keys.key_for(body)
    now = utcnow()
    number = _next_number(session, body.id or 0, clock.in_vietnam(now).year)
    data = gather(session, meeting, number=number, draft=False)
    composed = compose_minutes(data)
    chair = data.chair if data.chair.name else data.secretary
    signer = signer_of(key.p12, key.passphrase)
    # Only scans someone uploaded: the chair's own signature, the body's own seal.
    chair_id = _participant_id(session, meeting,
                               Role.CHAIR.value if data.chair.name else Role.SECRETARY.value)
    signature = signature_of(session, chair_id) if chair_id is not None else None
    seal_scan = seal_of(session, body.id or 0)
    signed = sign_pdf(
        composed.pdf,
        key.p12,
        key.passphrase,
        field_name="ChuToa",
        signing_time=clock.in_vietnam(now),
        reason=f"Ký biên bản cuộc họp số {number:02d}/BB-{data.body_code}",
        location=body.place_name or meeting.place,
        appearance=SignatureAppearance(
            box=composed.chair_box,
            signer_title=chair.title or body.signer_title,
            seal_png=seal_scan.png if seal_scan else None,
            signature_png=signature.png if signature else None,
            seal_width_mm=seal_scan.width_mm if seal_scan else None,
        ),
    )
    digest = blobs.put(signed)
    row = _minutes_row(session, meeting)
    row.number = number
    row.sealed_at = now
    row.sealed_by = actor.user_id
    row.signed_sha256 = digest
    row.signer_name = signer
    row.record_digest = data.record_digest
    session.add(row)
    meeting.status = MeetingStatus.SEALED.value
    session.add(meeting)
    record.append(
        session, meeting_id, "minutes.sealed",
        {"number": number, "sha256": digest, "record_digest": data.record_digest},
        actor.user_id,
    )
    archive_search.index_meeting(session, blobs, meeting_id)
    audit.record(session, actor.user_id, "minutes.sealed",
                 f"{number:02d}/BB-{data.body_code}", meeting_id=meeting_id, title=meeting.title,
                 signer=signer)
    return row, [Event(meeting_id, "minutes.sealed",
                       {"number": number, "sha256": digest, "status": meeting.status})]
