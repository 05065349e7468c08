"""Who may do what: the permission table and the checks every action goes through.

Roles are per meeting (secretary, chair, member, guest); archivist and admin are global.
A refusal says what was refused and who may do it, in Vietnamese and English. A cancelled
meeting can only be viewed. A participant excluded from an agenda item (conflict of interest)
does not see that item's documents: to them they do not exist.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import and_
from sqlmodel import Session, col, select

from meetings.accounts import Actor
from meetings.errors import DomainError, Kind, conflict, forbidden, not_found
from meetings.models import (
    BodyMember,
    Document,
    ItemExclusion,
    Meeting,
    MeetingStatus,
    Participant,
    Role,
)
from meetings.roster import STAFF_ROLES, is_staff


class Action(StrEnum):
    VIEW = "view"
    PREPARE = "prepare"
    RUN = "run"
    VOTE = "vote"
    NOTE = "note"
    MINUTES = "minutes"
    ARCHIVE = "archive"


S, C, M, G = Role.SECRETARY.value, Role.CHAIR.value, Role.MEMBER.value, Role.GUEST.value

# The roles in a meeting that may take each action.
PERMISSIONS: dict[Action, frozenset[str]] = {
    Action.VIEW: frozenset({S, C, M, G}),
    Action.PREPARE: frozenset({S}),
    Action.RUN: frozenset({S, C}),
    Action.VOTE: frozenset({C, M}),
    Action.NOTE: frozenset({S, C, M, G}),
    Action.MINUTES: frozenset({S}),
}

# Who may download a document's original, the file as uploaded (active content included), by
# the meeting's document policy; everyone else is pointed to the cleaned copy. An admin, who
# may prepare any meeting, counts as its staff.
ORIGINALS: dict[str, frozenset[str]] = {
    "staff": frozenset({S, C}),
    "participants": frozenset({S, C, M, G}),
    "nobody": frozenset(),
}
_ORIGINALS_WHO = {
    "staff": ("Tệp gốc (như khi tải lên) chỉ dành cho thư ký và chủ tọa cuộc họp.",
              "The original file (as uploaded) is for the meeting's secretary and chair only."),
    "participants": ("Tệp gốc (như khi tải lên) chỉ dành cho người tham dự cuộc họp.",
                     "The original file (as uploaded) is for the meeting's participants only."),
    "nobody": ("Cuộc họp này không cho tải tệp gốc (như khi tải lên).",
               "This meeting gives out no original files (as uploaded)."),
}

_WHO = {
    Action.VIEW: ("người tham dự cuộc họp", "participants of the meeting"),
    Action.PREPARE: ("thư ký cuộc họp", "the meeting's secretary"),
    Action.RUN: ("thư ký hoặc chủ tọa", "the secretary or the chair"),
    Action.VOTE: ("chủ tọa và thành viên (khách mời không biểu quyết)",
                  "the chair and members (guests do not vote)"),
    Action.NOTE: ("người tham dự cuộc họp", "participants of the meeting"),
    Action.MINUTES: ("thư ký cuộc họp", "the meeting's secretary"),
    Action.ARCHIVE: ("cán bộ lưu trữ", "archivists"),
}


def refuse(action: Action) -> DomainError:
    who_vi, who_en = _WHO[action]
    return forbidden(
        "forbidden",
        f"Không có quyền thực hiện thao tác này. Chỉ {who_vi} được phép.",
        f"You may not do this. Only {who_en} may.",
    )


def role_in(session: Session, actor: Actor, meeting_id: int) -> str | None:
    return session.exec(
        select(Participant.role).where(
            Participant.meeting_id == meeting_id, Participant.user_id == actor.user_id
        )
    ).first()


def get_meeting(session: Session, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise not_found("cuộc họp", "Meeting")
    return meeting


def authorize(
    session: Session, actor: Actor, meeting_id: int, action: Action
) -> tuple[Meeting, str | None]:
    """Return the meeting and the actor's role in it, or raise a refusal.

    An admin may view and prepare any meeting; an archivist may view a sealed one."""
    meeting = get_meeting(session, meeting_id)
    return meeting, permit(actor, meeting.status, role_in(session, actor, meeting_id), action)


def read_preparation(session: Session, actor: Actor, meeting_id: int) -> Meeting:
    """What those who prepare a meeting may read of its preparation, even once it is
    cancelled (read-only): PREPARE without the cancelled meeting's refusal."""
    meeting = get_meeting(session, meeting_id)
    _permit(actor, meeting.status, role_in(session, actor, meeting_id), Action.PREPARE)
    return meeting


def standing(session: Session, actor: Actor, meeting_id: int, action: Action
             ) -> tuple[str | None, str]:
    """The actor's role in the meeting and the meeting's status, when the action is allowed;
    `authorize` without loading the meeting. One query of two columns: every tablet that
    connects asks it (a reconnect storm of 1,000 tablets, all at once)."""
    row = session.execute(
        select(col(Meeting.status), col(Participant.role))
        .select_from(Meeting)
        .outerjoin(Participant, and_(col(Participant.meeting_id) == col(Meeting.id),
                                     col(Participant.user_id) == actor.user_id))
        .where(col(Meeting.id) == meeting_id)
    ).first()
    if row is None:
        raise not_found("cuộc họp", "Meeting")
    status, role = row
    return permit(actor, status, role, action), status


# What may still be done in a cancelled meeting: look at it.
_READ_ONLY = frozenset({Action.VIEW, Action.ARCHIVE})


def permit(actor: Actor, status: str, role: str | None, action: Action) -> str | None:
    """The role, when it (or the actor's standing) allows the action in a meeting of this
    status; else a refusal."""
    if status == MeetingStatus.DISPOSED.value:
        # Nothing of it is left to read or change; an archivist finds its tombstone in the
        # archive (`meetings.disposal`), anyone else learns nothing of it.
        if not actor.is_archivist:
            raise not_found("cuộc họp", "Meeting")
        raise conflict(
            "meeting_disposed",
            "Hồ sơ lưu trữ của cuộc họp đã được tiêu hủy khi hết thời hạn lưu trữ; chỉ còn "
            "thông tin tiêu hủy trong kho lưu trữ.",
            "The meeting's records were disposed of when their retention period ended; only "
            "the record of the disposal is left in the archive.")
    allowed = _permit(actor, status, role, action)
    if status == MeetingStatus.CANCELLED.value and action not in _READ_ONLY:
        raise conflict(
            "meeting_cancelled",
            "Cuộc họp đã bị hủy; nội dung chỉ còn để xem, không thể thay đổi.",
            "The meeting was cancelled; it can be viewed but no longer changed.",
        )
    return allowed


def ensure_not_sealed(meeting: Meeting) -> None:
    """A sealed meeting never changes: its minutes are signed over what it holds."""
    if meeting.status == MeetingStatus.SEALED.value:
        raise conflict(
            "meeting_sealed",
            "Biên bản cuộc họp đã được ký số và phát hành; cuộc họp không thể thay đổi nữa.",
            "The meeting's minutes are signed and sealed; the meeting can no longer change.",
        )


def _permit(actor: Actor, status: str, role: str | None, action: Action) -> str | None:
    if role is not None and role in PERMISSIONS.get(action, frozenset()):
        return role
    if actor.is_admin and action in (Action.VIEW, Action.PREPARE):
        return role
    if (
        actor.is_archivist
        and action == Action.VIEW
        and status == MeetingStatus.SEALED.value
    ):
        return role
    archived = actor.is_archivist and status == MeetingStatus.SEALED.value
    if role is None and not actor.is_admin and not archived:
        # Do not reveal that a meeting exists to someone who is not in it (an archivist
        # learns of a meeting once it is sealed: it is in the archive).
        raise not_found("cuộc họp", "Meeting")
    raise refuse(action)


def may_download_original(actor: Actor, role: str | None, originals: str) -> None:
    """The decision for the original files of a meeting whose policy says `originals`."""
    if role in ORIGINALS[originals] or (actor.is_admin and originals != "nobody"):
        return
    vi, en = _ORIGINALS_WHO[originals]
    raise forbidden("original_withheld",
                    f"{vi} Vui lòng tải bản PDF đã gỡ bỏ nội dung tự chạy (mã lệnh, tệp đính kèm).",
                    f"{en} Please download the cleaned PDF (without scripts or attached files).")


def published_to_members(meeting: Meeting) -> bool:
    """Members and guests see a draft meeting's title, time and place from the start, and
    its agenda and documents once the secretary has published them (until then they are
    still being prepared); once the meeting runs, they see everything."""
    return meeting.status != MeetingStatus.DRAFT.value or meeting.published_at is not None


def sees_agenda(actor: Actor, meeting: Meeting, role: str | None) -> bool:
    """Whether the actor sees the meeting's agenda and documents: the staff (secretary,
    chair) and admins always; members and guests once they are published to them."""
    return published_to_members(meeting) or is_staff(role) or actor.is_admin


def require_agenda(actor: Actor, meeting: Meeting, role: str | None) -> None:
    if not sees_agenda(actor, meeting, role):
        raise forbidden(
            "not_published",
            "Tài liệu họp chưa được phát hành. Vui lòng chờ thư ký cuộc họp phát hành tài liệu.",
            "The meeting's documents are not published yet. Please wait for the secretary "
            "to publish them.",
        )


def require_archivist(actor: Actor) -> None:
    if not actor.is_archivist:
        raise refuse(Action.ARCHIVE)


def archive_bodies(session: Session, actor: Actor) -> list[int] | None:
    """The bodies whose archive an archivist reads: those they belong to; an archivist who
    belongs to no body keeps the whole archive (a province's archive office), and so does an
    admin. None: every body."""
    if actor.is_admin:
        return None
    bodies = session.exec(select(BodyMember.body_id).where(BodyMember.user_id == actor.user_id)
                          ).all()
    return list(bodies) or None


def may_prepare_for_body(session: Session, actor: Actor, body_id: int) -> None:
    if actor.is_admin:
        return
    member = session.exec(
        select(BodyMember).where(BodyMember.body_id == body_id, BodyMember.user_id == actor.user_id)
    ).first()
    if member is None or not member.can_prepare:
        raise DomainError(
            Kind.FORBIDDEN,
            "forbidden",
            "Chỉ văn phòng (thư ký) của cơ quan mới được tạo cuộc họp cho cơ quan này.",
            "Only the body's secretariat may create meetings for it.",
        )


def withdrawn_items(session: Session, meeting_id: int, user_id: int) -> set[int]:
    """The agenda items of a meeting that this person is excluded from."""
    return set(session.exec(
        select(ItemExclusion.item_id).where(ItemExclusion.meeting_id == meeting_id,
                                            ItemExclusion.user_id == user_id)
    ).all())


def is_withdrawn(session: Session, item_id: int, user_id: int) -> bool:
    return session.exec(
        select(ItemExclusion.id).where(ItemExclusion.item_id == item_id,
                                       ItemExclusion.user_id == user_id)
    ).first() is not None


def document_visible(session: Session, actor: Actor, document: Document) -> None:
    """Refuse a document of an item the actor is excluded from with the very 404 of a
    document that does not exist: its existence is not theirs to know."""
    if is_withdrawn(session, document.item_id, actor.user_id):
        raise not_found("tài liệu", "Document")


def may_unlock(session: Session, actor: Actor, user_id: int) -> bool:
    """Who may clear an account's login throttle on the day: an administrator, someone who
    prepares meetings for a body the person belongs to, or the secretary or chair of a
    meeting the person takes part in (a guest belongs to no body)."""
    if actor.is_admin:
        return True
    staff_bodies = select(BodyMember.body_id).where(
        BodyMember.user_id == actor.user_id, BodyMember.can_prepare == True  # noqa: E712
    )
    if session.exec(select(BodyMember.id).where(
            BodyMember.user_id == user_id, col(BodyMember.body_id).in_(staff_bodies))).first():
        return True
    return runs_a_meeting_of(session, actor.user_id, user_id)


def runs_a_meeting_of(session: Session, staff_id: int, user_id: int) -> bool:
    """Whether `staff_id` is the secretary or chair of a meeting `user_id` takes part in."""
    run_meetings = select(Participant.meeting_id).where(
        Participant.user_id == staff_id, col(Participant.role).in_(STAFF_ROLES))
    return session.exec(select(Participant.id).where(
        Participant.user_id == user_id, col(Participant.meeting_id).in_(run_meetings))
    ).first() is not None
