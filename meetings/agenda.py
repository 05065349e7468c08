"""The agenda: its items and sub-items (one level: "1.1", "1.2" under item 1), their order
and numbers, and every change to them: added, edited, deleted, reordered.

Before the meeting starts these are free edits. Once it runs the secretary may still adapt the
agenda, but every change is kept in the meeting record and announced live to every tablet
(`agenda.amended`); an item that was presented or has votes cannot be deleted. The agenda is
open to changes until the meeting ends.

`AgendaItem.position` orders the whole agenda, each sub-item right after its item; the
numbers people read ("2", "2.1") are counted from that order, never stored.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from meetings import record
from meetings.access import Action, authorize, ensure_not_sealed
from meetings.accounts import Actor
from meetings.documents.library import agenda_audience, purge
from meetings.errors import conflict, invalid, not_found
from meetings.events import Event
from meetings.fields import text_field
from meetings.models import (
    AgendaItem,
    Document,
    ItemExclusion,
    Meeting,
    MeetingStatus,
    RecordEntry,
    SpeakerRequest,
    Vote,
    utcnow,
)
from meetings.views import item_view

MAX_MINUTES = 24 * 60


def ensure_editable(meeting: Meeting) -> None:
    ensure_not_sealed(meeting)
    if meeting.status == MeetingStatus.ENDED.value:
        raise conflict(
            "meeting_closed",
            "Cuộc họp đã kết thúc; không thể thay đổi nội dung chuẩn bị.",
            "The meeting has ended; its preparation can no longer change.",
        )


# --- reading the agenda -----------------------------------------------------------------


def ordered_items(session: Session, meeting_id: int) -> list[AgendaItem]:
    return list(session.exec(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting_id)
        .order_by(col(AgendaItem.position), col(AgendaItem.id))
    ))


def numbers(items: list[AgendaItem]) -> dict[int, str]:
    """Each item's number as people read it: items 1, 2, 3; the sub-items of item 2 are 2.1,
    2.2, counted in the agenda's order."""
    out: dict[int, str] = {}
    top = 0
    children: dict[int, int] = {}
    for item in items:
        assert item.id is not None
        if item.parent_id is None:
            top += 1
            out[item.id] = str(top)
    for item in items:
        if item.parent_id is not None and item.id is not None:
            children[item.parent_id] = children.get(item.parent_id, 0) + 1
            out[item.id] = f"{out.get(item.parent_id, '?')}.{children[item.parent_id]}"
    return out


def items_with_documents(
    session: Session, meeting_id: int, *, withdrawn: bool = False
) -> list[tuple[AgendaItem, list[Document]]]:
    """The items in order, each with its documents in order; withdrawn documents only when
    asked (the minutes and the archive keep them)."""
    items = ordered_items(session, meeting_id)
    query = select(Document).where(Document.meeting_id == meeting_id)
    if not withdrawn:
        query = query.where(col(Document.withdrawn_at).is_(None))
    by_item: dict[int, list[Document]] = {}
    for d in session.exec(query.order_by(col(Document.position), col(Document.id))):
        by_item.setdefault(d.item_id, []).append(d)
    return [(i, by_item.get(i.id or 0, [])) for i in items]


def agenda_view(session: Session, meeting_id: int, *, withdrawn: bool = False
                ) -> list[dict[str, Any]]:
    rows = items_with_documents(session, meeting_id, withdrawn=withdrawn)
    labels = numbers([i for i, _ in rows])
    return [item_view(i, ds, number=labels[i.id or 0]) for i, ds in rows]


def get_item(session: Session, meeting_id: int, item_id: int) -> AgendaItem:
    item = session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting_id:
        raise not_found("nội dung họp", "Agenda item")
    return item


def number_of(session: Session, item: AgendaItem) -> str:
    return numbers(ordered_items(session, item.meeting_id)).get(item.id or 0, "")


# --- telling the room ---------------------------------------------------------------------


def changed(meeting: Meeting, reason: str, change: str | None = None,
            **details: Any) -> list[Event]:
    """`agenda.changed` (tablets reload the agenda), and while the meeting runs
    `agenda.amended`: what changed, for every tablet to announce."""
    assert meeting.id is not None
    events = [Event(meeting.id, "agenda.changed", {"reason": reason},
                    audience=agenda_audience(meeting))]
    if change is not None and meeting.status == MeetingStatus.RUNNING.value:
        events.append(Event(meeting.id, "agenda.amended",
                            {"change": change, "at": utcnow().isoformat()} | details))
    return events


# --- changing it --------------------------------------------------------------------------


def _tree(items: list[AgendaItem]) -> list[tuple[AgendaItem, list[AgendaItem]]]:
    kids: dict[int, list[AgendaItem]] = {}
    for item in items:
        if item.parent_id is not None:
            kids.setdefault(item.parent_id, []).append(item)
    return [(i, kids.get(i.id or 0, [])) for i in items if i.parent_id is None]


def _renumber(session: Session, tree: list[tuple[AgendaItem, list[AgendaItem]]]) -> None:
    position = 0
    for item, children in tree:
        for row, parent in [(item, None), *((c, item.id) for c in children)]:
            position += 1
            if row.position != position or row.parent_id != parent:
                row.position, row.parent_id = position, parent
                session.add(row)
    session.flush()


def _minutes(planned_minutes: int) -> int:
    if not 0 <= planned_minutes <= MAX_MINUTES:
        raise invalid(
            "bad_minutes",
            f"Thời lượng dự kiến phải từ 0 đến {MAX_MINUTES} phút.",
            f"Planned minutes must be between 0 and {MAX_MINUTES}.",
        )
    return planned_minutes


def _prepare(session: Session, actor: Actor, meeting_id: int) -> Meeting:
    meeting, _ = authorize(session, actor, meeting_id, Action.PREPARE)
    ensure_editable(meeting)
    return meeting


def add_item(
    session: Session,
    actor: Actor,
    meeting_id: int,
    *,
    title: str,
    presenter: str = "",
    planned_minutes: int = 0,
    parent_id: int | None = None,
) -> tuple[AgendaItem, list[Event]]:
    """A new item at the end of the agenda, or a sub-item at the end of its item's."""
    meeting = _prepare(session, actor, meeting_id)
    if parent_id is not None:
        parent = get_item(session, meeting_id, parent_id)
        if parent.parent_id is not None:
            raise invalid(
                "bad_parent",
                "Nội dung con chỉ đặt dưới một nội dung chính (chương trình có một cấp nội "
                "dung con).",
                "A sub-item goes under a main item (the agenda has one level of sub-items).",
            )
    item = AgendaItem(
        meeting_id=meeting_id,
        position=0,
        title=text_field(title, "title", 500),
        presenter=text_field(presenter, "presenter", 200, required=False),
        planned_minutes=_minutes(planned_minutes),
        parent_id=parent_id,
    )
    session.add(item)
    session.flush()
    tree = _tree([i for i in ordered_items(session, meeting_id) if i.id != item.id])
    if parent_id is None:
        tree.append((item, []))
    else:
        tree = [(i, [*cs, item] if i.id == parent_id else cs) for i, cs in tree]
    _renumber(session, tree)
    number = number_of(session, item)
    record.append(session, meeting_id, "item.added",
                  {"item_id": item.id, "number": number, "title": item.title,
                   "parent_id": parent_id}, actor.user_id)
    return item, changed(meeting, "items", "item.added", number=number, title=item.title)


def edit_item(
    session: Session,
    actor: Actor,
    meeting_id: int,
    item_id: int,
    *,
    title: str | None = None,
    presenter: str | None = None,
    planned_minutes: int | None = None,
) -> tuple[AgendaItem, list[Event]]:
    meeting = _prepare(session, actor, meeting_id)
    item = get_item(session, meeting_id, item_id)
    changes: dict[str, Any] = {}
    if title is not None and title.strip() != item.title:
        item.title = changes["title"] = text_field(title, "title", 500)
    if presenter is not None and presenter.strip() != item.presenter:
        item.presenter = changes["presenter"] = text_field(presenter, "presenter", 200,
                                                           required=False)
    if planned_minutes is not None and planned_minutes != item.planned_minutes:
        item.planned_minutes = changes["planned_minutes"] = _minutes(planned_minutes)
    if not changes:
        return item, []
    session.add(item)
    session.flush()
    number = number_of(session, item)
    record.append(session, meeting_id, "item.edited",
                  {"item_id": item_id, "number": number, "changes": changes}, actor.user_id)
    return item, changed(meeting, "items", "item.edited", number=number, title=item.title)


def was_presented(session: Session, meeting: Meeting, item_id: int) -> bool:
    """Shown in the room at some point: the current item, or one the record says was
    presented (the first item from the start), or one speakers asked the floor on."""
    if meeting.current_item_id == item_id:
        return True
    for data in session.exec(
        select(col(RecordEntry.data)).where(
            RecordEntry.meeting_id == meeting.id,
            col(RecordEntry.kind).in_(("item.presented", "meeting.started")))
    ):
        if json.loads(data).get("item_id") == item_id:
            return True
    return session.exec(
        select(SpeakerRequest.id).where(SpeakerRequest.item_id == item_id)
    ).first() is not None


def delete_item(session: Session, actor: Actor, meeting_id: int, item_id: int
                ) -> list[Event]:
    """Before the start the item goes with its documents; after it, only an item with no
    documents left (move them first), and never one that was presented or has votes."""
    meeting = _prepare(session, actor, meeting_id)
    item = get_item(session, meeting_id, item_id)
    number = number_of(session, item)
    if session.exec(select(AgendaItem.id).where(AgendaItem.parent_id == item_id)).first():
        raise conflict(
            "item_has_subitems",
            f"Nội dung {number} có nội dung con. Vui lòng xóa hoặc chuyển các nội dung con "
            "trước.",
            f"Item {number} has sub-items. Delete or move them first.",
        )
    if session.exec(select(Vote.id).where(Vote.item_id == item_id)).first() is not None:
        raise conflict(
            "item_has_votes",
            f"Nội dung {number} đã có biểu quyết; không thể xóa vì kết quả biểu quyết thuộc "
            "biên bản cuộc họp.",
            f"Item {number} has votes; it cannot be deleted, since its votes belong to the "
            "minutes.",
        )
    if was_presented(session, meeting, item_id):
        raise conflict(
            "item_presented",
            f"Nội dung {number} đã được trình bày tại cuộc họp; không thể xóa.",
            f"Item {number} has been presented in the meeting; it cannot be deleted.",
        )
    documents = list(session.exec(select(Document).where(Document.item_id == item_id)))
    if documents and meeting.status != MeetingStatus.DRAFT.value:
        raise conflict(
            "item_has_documents",
            f"Nội dung {number} có tài liệu đã gửi đến thành viên. Vui lòng chuyển tài liệu "
            "sang nội dung khác trước khi xóa.",
            f"Item {number} has documents the members have received. Move them to another "
            "item before deleting it.",
        )
    for document in documents:
        purge(session, document)
    # Who was kept out of it (meetings.exclusions) goes with the item: there is nothing left
    # to keep them out of.
    session.execute(delete(ItemExclusion).where(col(ItemExclusion.item_id) == item_id))
    session.delete(item)
    session.flush()
    _renumber(session, _tree(ordered_items(session, meeting_id)))
    record.append(session, meeting_id, "item.deleted",
                  {"item_id": item_id, "number": number, "title": item.title,
                   "documents": [d.id for d in documents]}, actor.user_id)
    return changed(meeting, "items", "item.deleted", number=number, title=item.title)


Order = list[tuple[int, list[int]]]


def reorder(session: Session, actor: Actor, meeting_id: int, order: Order) -> list[Event]:
    """Set the agenda's order: the items, each with its sub-items. Every item is named
    exactly once; any item may become a sub-item of another, or a main item again, as long
    as the agenda keeps one level of sub-items."""
    meeting = _prepare(session, actor, meeting_id)
    items = {i.id: i for i in ordered_items(session, meeting_id)}
    named = [i for i, _ in order] + [c for _, cs in order for c in cs]
    if len(named) != len(set(named)):
        raise invalid("bad_order", "Mỗi nội dung chỉ được nêu một lần.",
                      "Name each item once.")
    if set(named) != set(items):
        raise conflict(
            "stale_agenda",
            "Chương trình họp vừa được thay đổi. Vui lòng tải lại trang rồi sắp xếp lại.",
            "The agenda has just changed. Reload the page, then reorder again.",
        )
    before = [(i.id, [c.id for c in cs]) for i, cs in _tree(list(items.values()))]
    if before == order:
        return []
    _renumber(session, [(items[i], [items[c] for c in cs]) for i, cs in order])
    labels = numbers(ordered_items(session, meeting_id))
    record.append(session, meeting_id, "agenda.reordered",
                  {"order": [[i, cs] for i, cs in order],
                   "numbers": {str(k): v for k, v in labels.items()}}, actor.user_id)
    return changed(meeting, "items", "agenda.reordered")
