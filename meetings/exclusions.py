"""Per-item exclusions (conflict of interest): the secretary keeps a participant out of one
agenda item, with the reason.

What follows from an exclusion is decided where each thing is decided: `meetings.access`
hides the item's documents from them (the same 404 as a document that does not exist), the
vote opened on the item leaves them out of its electorate and of its basis
(`meetings.votes.voting`), and the minutes say under the item that they withdrew. This module
keeps the list and shows the agenda as each person may see it.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from meetings import record
from meetings.access import Action, authorize, ensure_not_sealed, withdrawn_items
from meetings.accounts import Actor
from meetings.agenda import agenda_view, get_item
from meetings.errors import conflict, invalid, not_found
from meetings.events import Event
from meetings.models import (
    ItemExclusion,
    Meeting,
    MeetingStatus,
    Participant,
    Role,
    User,
    Vote,
    VoteStatus,
)


def _changeable(session: Session, meeting: Meeting, item_id: int) -> None:
    ensure_not_sealed(meeting)
    if meeting.status not in (MeetingStatus.DRAFT.value, MeetingStatus.RUNNING.value):
        raise conflict("meeting_closed",
                       "Cuộc họp đã kết thúc; không thể thay đổi người tham gia từng nội dung.",
                       "The meeting has ended; who takes part in each item can no longer change.")
    voting = session.exec(select(Vote.id).where(Vote.item_id == item_id,
                                                Vote.status == VoteStatus.OPEN.value)).first()
    if voting is not None:
        raise conflict(
            "vote_open",
            "Đang biểu quyết nội dung này; danh sách biểu quyết đã được chốt khi mở. Vui lòng "
            "thay đổi sau khi kết thúc biểu quyết.",
            "A vote on this item is open and its voters were fixed when it opened. Change this "
            "after the vote is closed.",
        )


def _participant(session: Session, meeting_id: int, user_id: int) -> Participant:
    p = session.exec(select(Participant).where(Participant.meeting_id == meeting_id,
                                               Participant.user_id == user_id)).first()
    if p is None:
        raise invalid("not_participant",
                      "Người này không có tên trong danh sách tham dự cuộc họp.",
                      "This person is not on the meeting's list of participants.")
    return p


def exclude(session: Session, actor: Actor, meeting_id: int, item_id: int, user_id: int,
            reason: str) -> tuple[dict[str, Any], list[Event]]:
    meeting, _ = authorize(session, actor, meeting_id, Action.PREPARE)
    get_item(session, meeting_id, item_id)
    _changeable(session, meeting, item_id)
    p = _participant(session, meeting_id, user_id)
    if p.role == Role.SECRETARY.value:
        raise invalid("secretary_not_excluded",
                      "Thư ký cuộc họp quản lý tài liệu của mọi nội dung nên không thể bị loại "
                      "khỏi một nội dung. Vui lòng giao việc thư ký cho người khác trước.",
                      "The meeting's secretary handles every item's documents and cannot be "
                      "excluded from one. Make someone else the secretary first.")
    reason = (reason or "").strip()
    if not reason:
        raise invalid("reason_required",
                      "Vui lòng nêu lý do (ví dụ: có quyền lợi liên quan đến nội dung này).",
                      "Please give the reason (e.g. a personal interest in this item).",
                      field="reason")
    if len(reason) > 300:
        raise invalid("too_long", "Lý do dài quá 300 ký tự.",
                      "The reason is longer than 300 characters.", field="reason")
    row = session.exec(select(ItemExclusion).where(ItemExclusion.item_id == item_id,
                                                   ItemExclusion.user_id == user_id)).first()
    if row is None:
        row = ItemExclusion(meeting_id=meeting_id, item_id=item_id, user_id=user_id,
                            reason=reason, created_by=actor.user_id)
    row.reason = reason
    session.add(row)
    session.flush()
    record.append(session, meeting_id, "item.excluded",
                  {"item_id": item_id, "user_id": user_id, "reason": reason}, actor.user_id)
    # Tablets reload the agenda: the excluded person's loses the item's documents.
    return ({"item_id": item_id, "user_id": user_id, "reason": reason},
            [Event(meeting_id, "agenda.changed", {"reason": "exclusions"})])


def readmit(session: Session, actor: Actor, meeting_id: int, item_id: int, user_id: int
            ) -> list[Event]:
    meeting, _ = authorize(session, actor, meeting_id, Action.PREPARE)
    get_item(session, meeting_id, item_id)
    _changeable(session, meeting, item_id)
    row = session.exec(select(ItemExclusion).where(ItemExclusion.item_id == item_id,
                                                   ItemExclusion.user_id == user_id)).first()
    if row is None:
        raise not_found("việc không tham gia nội dung này", "Exclusion")
    session.delete(row)
    record.append(session, meeting_id, "item.readmitted",
                  {"item_id": item_id, "user_id": user_id}, actor.user_id)
    return [Event(meeting_id, "agenda.changed", {"reason": "exclusions"})]


def withdrawals(session: Session, meeting_id: int) -> dict[int, list[dict[str, Any]]]:
    """Per item, who is excluded and why, in the order they were excluded."""
    rows = session.exec(
        select(ItemExclusion, User).join(User, col(User.id) == col(ItemExclusion.user_id))
        .where(ItemExclusion.meeting_id == meeting_id).order_by(col(ItemExclusion.id))).all()
    out: dict[int, list[dict[str, Any]]] = {}
    for row, user in rows:
        out.setdefault(row.item_id, []).append(
            {"user_id": user.id, "full_name": user.full_name, "reason": row.reason})
    return out


def agenda_for(session: Session, actor: Actor, meeting_id: int, *, staff: bool
               ) -> list[dict[str, Any]]:
    """The agenda as this person may see it (numbered, meetings.agenda): an item they are
    excluded from is listed, marked `withdrawn`, without its documents; the staff see who is
    excluded from each."""
    hidden = withdrawn_items(session, meeting_id, actor.user_id)
    who = withdrawals(session, meeting_id) if staff else {}
    items = []
    for view in agenda_view(session, meeting_id):
        withdrawn = view["id"] in hidden
        if withdrawn:
            view["documents"] = []
        view["withdrawn"] = withdrawn
        if staff:
            view["exclusions"] = who.get(view["id"], [])
        items.append(view)
    return items
