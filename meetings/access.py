"""Who may do what: the permission table and the checks every action goes through.

Roles are per meeting (secretary, chair, member, guest); archivist and admin are global.
A refusal says what was refused and who may do it, in Vietnamese and English.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import and_
from sqlmodel import Session, col, select

from meetings.accounts import Actor
from meetings.errors import DomainError, Kind, forbidden, not_found
from meetings.models import BodyMember, Meeting, MeetingStatus, Participant, Role


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
        f"Bạn không có quyền thực hiện thao tác này. Chỉ {who_vi} được phép.",
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


def permit(actor: Actor, status: str, role: str | None, action: Action) -> str | None:
    """The role, when it (or the actor's standing) allows the action in a meeting of this
    status; else a refusal."""
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
    if role is None and not actor.is_admin and not actor.is_archivist:
        # Do not reveal that a meeting exists to someone who is not in it.
        raise not_found("cuộc họp", "Meeting")
    raise refuse(action)


def require_archivist(actor: Actor) -> None:
    if not actor.is_archivist:
        raise refuse(Action.ARCHIVE)


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
