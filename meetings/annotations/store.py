"""Annotations as the server keeps them: every field checked against the contract
(docs/api.md, "Annotations"), each change applied once (an idempotency key per owner), only
the owner writes, sharing on purpose, and who reads what.

Privacy is the rule everything here serves: a private annotation reaches no one but its
owner. Every read filters on the owner or on a share row naming the reader (or the meeting
the reader takes part in); every publication goes to the owner's own channel or to the user
channel of each person it is shared with, never to a channel others listen on. Someone
else's annotation is `not_found`, never `forbidden`: its existence is private too.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, or_, select

from meetings.access import (
    Action,
    authorize,
    document_visible,
    ensure_not_sealed,
    published_to_members,
    require_agenda,
)
from meetings.accounts import Actor
from meetings.annotations.anchoring import REASONS
from meetings.errors import DomainError, invalid, not_found
from meetings.events import Event
from meetings.models import (
    Annotation,
    AnnotationChange,
    AnnotationShare,
    Document,
    DocumentVersion,
    ItemExclusion,
    Meeting,
    Participant,
    User,
    utcnow,
)
from meetings.roster import is_staff
from meetings.views import iso

KINDS = ("ink", "highlight", "note", "text")
PLACEMENTS = ("placed", "unplaced")
INK_TOOLS = ("pen", "marker")
MAX_TEXT = 20_000
MAX_POINTS = 4000
MAX_RECTS = 2000
MAX_CONTEXT = 32  # characters of a quote's prefix and suffix
MAX_CHANGES = 200
MAX_KEY = 128
MAX_DEVICE = 100
MAX_SHARES = 2000
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{8,64}")
# The text notes of before (meetings.notes) keep their address: "note-<number>".
LEGACY_ID = re.compile(r"note-([0-9]{1,9})")
COLOR_PATTERN = re.compile(r"#[0-9a-fA-F]{6}")
# Fractions of the page are kept to 5 decimals (a hundred-thousandth of an A4 page's width is
# 2 µm), pressure to 3: a stroke of 4,000 points stays about 100 KB in every frame it travels.
DIGITS = 5
PRESSURE_DIGITS = 3
# Fields of an annotation the server sets; a client that sends the object back with them
# is not refused for it, and they are not read.
SERVER_FIELDS = frozenset({"owner", "sharing", "origin", "rev", "created_at", "updated_at",
                           "placement_reason"})
ANNOTATION_FIELDS = frozenset({"id", "document_id", "version", "page", "kind", "color", "data",
                               "placement"}) | SERVER_FIELDS


# --- checking what a device sends ---------------------------------------------------------


def bad(field: str, vi: str, en: str) -> DomainError:
    return invalid("bad_annotation", f"Chú thích không hợp lệ ({field}): {vi}.",
                   f"Invalid annotation ({field}): {en}.", field=field)


def _number(value: Any, field: str, low: float, high: float, digits: int = DIGITS) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or \
            not math.isfinite(value) or not low <= value <= high:
        raise bad(field, f"phải là số từ {low:g} đến {high:g}",
                  f"must be a number from {low:g} to {high:g}")
    return round(float(value), digits)


def _integer(value: Any, field: str, low: int, high: int = 2**31 - 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise bad(field, f"phải là số nguyên từ {low} trở lên", f"must be an integer of at least "
                  f"{low}")
    return value


def _text(value: Any, field: str, limit: int = MAX_TEXT) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise bad(field, f"phải là chuỗi ký tự dài tối đa {limit} ký tự",
                  f"must be a string of at most {limit} characters")
    return value


def _object(value: Any, field: str, keys: Iterable[str], required: Iterable[str]
            ) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise bad(field, "phải là một đối tượng JSON", "must be a JSON object")
    extra = sorted(set(value) - set(keys))
    if extra:
        raise bad(f"{field}.{extra[0]}", "không có trong định dạng chú thích",
                  "is not part of the annotation format")
    for name in required:
        if name not in value:
            raise bad(f"{field}.{name}", "bị thiếu", "is missing")
    return value


def _list(value: Any, field: str, low: int, high: int) -> list[Any]:
    if not isinstance(value, list) or not low <= len(value) <= high:
        raise bad(field, f"phải là danh sách từ {low} đến {high} phần tử",
                  f"must be a list of {low} to {high} items")
    return value


def _rect(value: Any, field: str) -> list[float]:
    x0, y0, x1, y1 = (_number(v, field, 0, 1) for v in _list(value, field, 4, 4))
    if x1 < x0 or y1 < y0:
        raise bad(field, "góc thứ hai phải ở bên phải và phía dưới góc thứ nhất",
                  "the second corner must be right of and below the first")
    return [x0, y0, x1, y1]


def _target(value: Any, field: str) -> dict[str, Any]:
    target = _object(value, field, ("quote", "position"), ("quote",))
    quote = _object(target["quote"], f"{field}.quote", ("exact", "prefix", "suffix"), ("exact",))
    out: dict[str, Any] = {"quote": {
        "exact": _text(quote["exact"], f"{field}.quote.exact"),
        "prefix": _text(quote.get("prefix", ""), f"{field}.quote.prefix", MAX_CONTEXT),
        "suffix": _text(quote.get("suffix", ""), f"{field}.quote.suffix", MAX_CONTEXT),
    }}
    if not out["quote"]["exact"]:
        raise bad(f"{field}.quote.exact", "không được để trống", "must not be empty")
    if "position" in target:
        position = _object(target["position"], f"{field}.position", ("start", "end"),
                           ("start", "end"))
        start = _integer(position["start"], f"{field}.position.start", 0)
        end = _integer(position["end"], f"{field}.position.end", start + 1)
        out["position"] = {"start": start, "end": end}
    return out


def check_data(kind: str, value: Any) -> dict[str, Any]:
    """The kind's data, as stored: only the contract's fields, each within its bounds."""
    if kind == "ink":
        data = _object(value, "data", ("points", "width", "tool"), ("points", "width"))
        points = []
        for i, point in enumerate(_list(data["points"], "data.points", 1, MAX_POINTS)):
            x, y, p = _list(point, f"data.points[{i}]", 3, 3)
            points.append([_number(x, f"data.points[{i}]", 0, 1),
                           _number(y, f"data.points[{i}]", 0, 1),
                           _number(p, f"data.points[{i}]", 0, 1, PRESSURE_DIGITS)])
        tool = data.get("tool", "pen")
        if tool not in INK_TOOLS:
            raise bad("data.tool", "phải là pen hoặc marker", "must be pen or marker")
        return {"points": points, "width": _number(data["width"], "data.width", 0.0001, 0.2),
                "tool": tool}
    if kind == "highlight":
        # The target (quote and position) is there whenever the page's words came with their
        # text; a confidential meeting's words come without it (meetings.documents.library:
        # page_words), and such a highlight carries over with its page, as ink does.
        data = _object(value, "data", ("rects", "target"), ("rects",))
        out: dict[str, Any] = {"rects": [_rect(r, f"data.rects[{i}]") for i, r in
                         enumerate(_list(data["rects"], "data.rects", 1, MAX_RECTS))]}
        if "target" in data:
            out["target"] = _target(data["target"], "data.target")
        return out
    if kind == "note":
        data = _object(value, "data", ("x", "y", "text", "target"), ("x", "y", "text"))
        note: dict[str, Any] = {"x": _number(data["x"], "data.x", 0, 1),
                                "y": _number(data["y"], "data.y", 0, 1),
                                "text": _text(data["text"], "data.text")}
        if "target" in data:
            note["target"] = _target(data["target"], "data.target")
        return note
    data = _object(value, "data", ("rect", "text", "size"), ("rect", "text", "size"))
    return {"rect": _rect(data["rect"], "data.rect"), "text": _text(data["text"], "data.text"),
            "size": _number(data["size"], "data.size", 0.001, 0.2)}


@dataclass(frozen=True)
class Fields:
    """An annotation as a device sent it, checked."""

    id: str
    document_id: int
    version: int
    page: int
    kind: str
    color: str
    data: dict[str, Any]
    placement: str


def annotation_id(value: Any) -> str:
    if not isinstance(value, str) or not (ID_PATTERN.fullmatch(value) or
                                          LEGACY_ID.fullmatch(value)):
        raise bad("id", "phải dài 8 đến 64 ký tự gồm chữ cái không dấu, chữ số, - và _",
                  "must be 8 to 64 characters of A-Z, a-z, 0-9, - and _")
    return value


def check_annotation(value: Any) -> Fields:
    raw = _object(value, "annotation", ANNOTATION_FIELDS,
                  ("id", "document_id", "version", "page", "kind", "color", "data"))
    kind = raw["kind"]
    if kind not in KINDS:
        raise bad("kind", "phải là ink, highlight, note hoặc text",
                  "must be ink, highlight, note or text")
    color = raw["color"]
    if not isinstance(color, str) or not COLOR_PATTERN.fullmatch(color):
        raise bad("color", "phải có dạng #rrggbb", "must look like #rrggbb")
    placement = raw.get("placement", "placed")
    if placement not in PLACEMENTS:
        raise bad("placement", "phải là placed hoặc unplaced", "must be placed or unplaced")
    return Fields(
        id=annotation_id(raw["id"]),
        document_id=_integer(raw["document_id"], "document_id", 1),
        version=_integer(raw["version"], "version", 1),
        page=_integer(raw["page"], "page", 1),
        kind=kind, color=color.lower(), data=check_data(kind, raw["data"]),
        placement=placement,
    )


@dataclass(frozen=True)
class Change:
    """One change a device sends: `put` (create or replace) or `delete`, under its key."""

    key: str
    op: str
    annotation: Any


def check_device(value: Any) -> str:
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_DEVICE:
        raise invalid("bad_field", f"Trường 'device' phải là chuỗi 1 đến {MAX_DEVICE} ký tự.",
                      f"The field 'device' must be a string of 1 to {MAX_DEVICE} characters.",
                      field="device")
    return value


def read_change(value: Any) -> Change:
    """The envelope of one change; what it carries is checked when it is applied, so that one
    bad annotation is one error result, not a refused batch."""
    if not isinstance(value, dict):
        raise invalid("bad_field", "Mỗi thay đổi phải là một đối tượng JSON.",
                      "Each change must be a JSON object.", field="changes")
    key = value.get("key")
    if not isinstance(key, str) or not 1 <= len(key) <= MAX_KEY:
        raise invalid("bad_field", f"Khóa (key) của thay đổi phải là chuỗi 1 đến {MAX_KEY} ký tự.",
                      f"A change's key must be a string of 1 to {MAX_KEY} characters.",
                      field="key")
    return Change(key=key, op=str(value.get("op")), annotation=value.get("annotation"))


def read_changes(body: dict[str, Any]) -> tuple[str, list[Change]]:
    device = check_device(body.get("device"))
    changes = body.get("changes")
    if not isinstance(changes, list) or not 1 <= len(changes) <= MAX_CHANGES:
        raise invalid("too_many_changes",
                      f"'changes' phải là danh sách từ 1 đến {MAX_CHANGES} thay đổi; gửi phần "
                      "còn lại trong lần sau.",
                      f"'changes' must be a list of 1 to {MAX_CHANGES} changes; send the rest "
                      "in another request.", field="changes")
    return device, [read_change(c) for c in changes]


# --- who sees what ------------------------------------------------------------------------


@dataclass(frozen=True)
class Sharing:
    meeting: bool
    users: frozenset[int]

    @property
    def private(self) -> bool:
        return not self.meeting and not self.users


PRIVATE = Sharing(False, frozenset())


def sharing_of(session: Session, ids: list[str]) -> dict[str, Sharing]:
    found: dict[str, tuple[bool, set[int]]] = {}
    if ids:
        for share in session.exec(select(AnnotationShare).where(
                col(AnnotationShare.annotation_id).in_(ids))):
            meeting, users = found.setdefault(share.annotation_id, (False, set()))
            if share.user_id is None:
                found[share.annotation_id] = (True, users)
            else:
                users.add(share.user_id)
    return {i: Sharing(m, frozenset(u)) for i, (m, u) in found.items()}


def recipients(session: Session, annotation: Annotation, sharing: Sharing) -> set[int]:
    """The people other than the owner who see the annotation: those it is shared with (the
    meeting: its participants) who may read its document (not withdrawn from its item;
    members and guests once the agenda is published to them)."""
    if sharing.private:
        return set()
    meeting = session.get(Meeting, annotation.meeting_id)
    document = session.get(Document, annotation.document_id)
    assert meeting is not None and document is not None
    published = published_to_members(meeting)
    people = session.exec(select(Participant.user_id, Participant.role).where(
        Participant.meeting_id == annotation.meeting_id)).all()
    excluded = set(session.exec(select(ItemExclusion.user_id).where(
        ItemExclusion.item_id == document.item_id)).all())
    return {user_id for user_id, role in people
            if user_id != annotation.user_id
            and (sharing.meeting or user_id in sharing.users)
            and (published or is_staff(role))
            and user_id not in excluded}


def _reason(code: str | None) -> dict[str, str] | None:
    """Why a new version could not place it, for the owner's list of unplaced annotations."""
    if code is None:
        return None
    vi, en = REASONS.get(code, REASONS["unreadable"])
    return {"code": code, "vi": vi, "en": en}


def annotation_view(annotation: Annotation, owner_name: str, sharing: Sharing,
                    viewer_id: int) -> dict[str, Any]:
    """The contract's JSON for one reader: the owner sees whom it is shared with; anyone
    else only whether it is shared with the meeting and with them by name."""
    shared: dict[str, Any] = (
        {"meeting": sharing.meeting, "users": sorted(sharing.users)}
        if viewer_id == annotation.user_id
        else {"meeting": sharing.meeting, "with_me": viewer_id in sharing.users})
    return {
        "id": annotation.id,
        "document_id": annotation.document_id,
        "version": annotation.version,
        "page": annotation.page,
        "kind": annotation.kind,
        "color": annotation.color,
        "data": json.loads(annotation.data),
        "owner": {"id": annotation.user_id, "name": owner_name},
        "sharing": shared,
        "placement": annotation.placement,
        "placement_reason": _reason(annotation.placement_reason),
        "origin": {"version": annotation.origin_version, "page": annotation.origin_page},
        "rev": annotation.rev,
        "created_at": iso(annotation.created_at),
        "updated_at": iso(annotation.updated_at),
    }


def _names(session: Session, user_ids: Iterable[int]) -> dict[int, str]:
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    rows = session.exec(select(User.id, User.full_name).where(col(User.id).in_(ids))).all()
    return {uid: name for uid, name in rows if uid is not None}


def views(session: Session, rows: list[Annotation], viewer_id: int) -> list[dict[str, Any]]:
    names = _names(session, (a.user_id for a in rows))
    shares = sharing_of(session, [a.id for a in rows])
    return [annotation_view(a, names.get(a.user_id, ""), shares.get(a.id, PRIVATE), viewer_id)
            for a in rows]


def _readable_document(session: Session, actor: Actor, document_id: int
                       ) -> tuple[Document, str | None]:
    document = session.get(Document, document_id)
    if document is None:
        raise not_found("tài liệu", "Document")
    meeting, role = authorize(session, actor, document.meeting_id, Action.VIEW)
    require_agenda(actor, meeting, role)
    document_visible(session, actor, document)
    return document, role


def visible_annotations(session: Session, actor: Actor, document_id: int) -> dict[str, Any]:
    """Every annotation the actor may see on the document (all its versions): their own, and
    others' shared with them by name or with the meeting they take part in (an admin or an
    archivist who is not a participant is not "the meeting"). `unplaced`: the actor's own
    that a new version could not place."""
    _, role = _readable_document(session, actor, document_id)
    mine = list(session.exec(select(Annotation).where(
        Annotation.document_id == document_id, Annotation.user_id == actor.user_id)))
    to_me = col(AnnotationShare.user_id) == actor.user_id
    if role is not None:
        to_me = or_(to_me, col(AnnotationShare.user_id).is_(None))
    shared_ids = select(AnnotationShare.annotation_id).where(to_me)
    theirs = list(session.exec(select(Annotation).where(
        Annotation.document_id == document_id, Annotation.user_id != actor.user_id,
        Annotation.placement == "placed", col(Annotation.id).in_(shared_ids))))
    rows = sorted(mine + theirs, key=lambda a: (a.version, a.page, a.created_at, a.id))
    out = views(session, rows, actor.user_id)
    return {"annotations": [v for v in out if v["placement"] == "placed"],
            "unplaced": [v for v in out if v["placement"] == "unplaced"]}


def mine_on(session: Session, actor: Actor, document_id: int) -> list[Annotation]:
    return list(session.exec(select(Annotation).where(
        Annotation.document_id == document_id, Annotation.user_id == actor.user_id)))


# --- publications -------------------------------------------------------------------------


def saved_events(session: Session, annotation: Annotation, sharing: Sharing, device: str, *,
                 before: set[int] | None = None, owner: bool = True) -> list[Event]:
    """annotation.saved to the owner's devices and to everyone it is shared with, each with
    their own view; annotation.deleted to those it was shared with (`before`) and no longer
    is."""
    names = _names(session, [annotation.user_id])
    now = recipients(session, annotation, sharing)
    targets = ([annotation.user_id] if owner else []) + sorted(now)
    events = [Event.for_user(annotation.meeting_id, uid, "annotation.saved", {
        "annotation": annotation_view(annotation, names.get(annotation.user_id, ""), sharing,
                                      uid), "device": device}) for uid in targets]
    gone = sorted((before or set()) - now)
    return events + deleted_events(annotation, gone, device)


def deleted_events(annotation: Annotation, user_ids: Iterable[int], device: str
                   ) -> list[Event]:
    return [Event.for_user(annotation.meeting_id, uid, "annotation.deleted", {
        "id": annotation.id, "document_id": annotation.document_id, "device": device})
        for uid in user_ids]


# --- changes ------------------------------------------------------------------------------


def writable_document(session: Session, actor: Actor, document_id: int) -> Document:
    """A document the actor may annotate: they read it, take part in its meeting, and the
    meeting is not sealed."""
    document = session.get(Document, document_id)
    if document is None:
        raise not_found("tài liệu", "Document")
    meeting, role = authorize(session, actor, document.meeting_id, Action.NOTE)
    require_agenda(actor, meeting, role)
    document_visible(session, actor, document)
    ensure_not_sealed(meeting)
    return document


def owned(session: Session, actor: Actor, annotation_id: str) -> Annotation:
    found = session.get(Annotation, annotation_id)
    if found is None or found.user_id != actor.user_id:
        raise not_found("chú thích", "Annotation")
    return found


def version_page_count(session: Session, document_id: int, number: int) -> int:
    count = session.exec(select(DocumentVersion.page_count).where(
        DocumentVersion.document_id == document_id, DocumentVersion.number == number)).first()
    if count is None:
        raise bad("version", "tài liệu không có phiên bản này", "the document has no such version")
    return count


def check_page(page: int, page_count: int) -> None:
    if not 1 <= page <= page_count:
        raise invalid("bad_page", f"Trang phải từ 1 đến {page_count}.",
                      f"The page must be between 1 and {page_count}.", field="page")


def put_annotation(session: Session, actor: Actor, value: Any, device: str
                   ) -> tuple[Annotation, list[Event]]:
    fields = check_annotation(value)
    document = writable_document(session, actor, fields.document_id)
    check_page(fields.page, version_page_count(session, document.id or 0, fields.version))
    found = session.get(Annotation, fields.id)
    if found is not None and found.user_id != actor.user_id:
        raise not_found("chú thích", "Annotation")
    if found is not None and found.document_id != fields.document_id:
        raise bad("document_id", "một chú thích không chuyển sang tài liệu khác được",
                  "an annotation does not move to another document")
    data = json.dumps(fields.data, ensure_ascii=False, separators=(",", ":"))
    if found is None:
        annotation = Annotation(
            id=fields.id, user_id=actor.user_id, meeting_id=document.meeting_id,
            document_id=fields.document_id, version=fields.version, page=fields.page,
            kind=fields.kind, color=fields.color, data=data, placement=fields.placement,
            origin_version=fields.version, origin_page=fields.page)
    else:
        annotation = found
        annotation.version, annotation.page, annotation.kind = (
            fields.version, fields.page, fields.kind)
        annotation.color, annotation.data, annotation.placement = (
            fields.color, data, fields.placement)
        if fields.placement == "placed":  # the owner put it back on a page
            annotation.placement_reason = None
        annotation.rev += 1
        annotation.updated_at = utcnow()
    session.add(annotation)
    session.flush()
    sharing = sharing_of(session, [annotation.id]).get(annotation.id, PRIVATE)
    return annotation, saved_events(session, annotation, sharing, device)


def delete_annotation(session: Session, actor: Actor, annotation: Annotation, device: str
                      ) -> list[Event]:
    writable_document(session, actor, annotation.document_id)
    sharing = sharing_of(session, [annotation.id]).get(annotation.id, PRIVATE)
    audience = recipients(session, annotation, sharing)
    session.exec(delete(AnnotationShare).where(
        col(AnnotationShare.annotation_id) == annotation.id))
    session.delete(annotation)
    session.flush()
    return deleted_events(annotation, [annotation.user_id, *sorted(audience)], device)


def _result(change: Change, status: str, annotation: Annotation | None, session: Session,
            actor: Actor) -> dict[str, Any]:
    out: dict[str, Any] = {"key": change.key, "status": status}
    if annotation is not None:
        out["annotation"] = views(session, [annotation], actor.user_id)[0]
    return out


def error_result(key: str, exc: DomainError) -> dict[str, Any]:
    out: dict[str, Any] = {"key": key, "status": "error", "error": exc.code,
                           "message": f"{exc.vi} / {exc.en}", "message_vi": exc.vi,
                           "message_en": exc.en}
    if exc.details:
        out["details"] = exc.details
    return out


def apply_change(session: Session, actor: Actor, device: str, change: Change
                 ) -> tuple[dict[str, Any], list[Event]]:
    """Apply one change once. A key this owner used before answers `duplicate` with the
    annotation as it is now, and changes nothing; a refusal is an `error` result (the
    device keeps or drops the change, by its code). Nothing is written before every check
    has passed, so a refused change leaves no trace."""
    seen = session.exec(select(AnnotationChange).where(
        AnnotationChange.user_id == actor.user_id, AnnotationChange.key == change.key)).first()
    if seen is not None:
        current = session.get(Annotation, seen.annotation_id)
        if current is not None and current.user_id != actor.user_id:
            current = None
        return _result(change, "duplicate", current, session, actor), []
    try:
        # A savepoint: the same key sent twice at once (a tablet that came back while its
        # first try was still on its way) meets the unique key of the one that got there
        # first, and is answered as the duplicate it is.
        with session.begin_nested():
            target, done_id, events = _apply(session, actor, device, change)
            session.add(AnnotationChange(user_id=actor.user_id, key=change.key,
                                         annotation_id=done_id))
            session.flush()
    except DomainError as exc:
        return error_result(change.key, exc), []
    except IntegrityError:
        seen = session.exec(select(AnnotationChange).where(
            AnnotationChange.user_id == actor.user_id,
            AnnotationChange.key == change.key)).first()
        if seen is None:
            raise
        current = session.get(Annotation, seen.annotation_id)
        return _result(change, "duplicate", current if current is not None and
                       current.user_id == actor.user_id else None, session, actor), []
    return _result(change, "applied", target, session, actor), events


def _apply(session: Session, actor: Actor, device: str, change: Change
           ) -> tuple[Annotation | None, str, list[Event]]:
    if change.op == "put":
        annotation, events = put_annotation(session, actor, change.annotation, device)
        return annotation, annotation.id, events
    if change.op == "delete":
        raw = change.annotation
        ident = annotation_id(raw.get("id") if isinstance(raw, dict) else None)
        return None, ident, delete_annotation(session, actor, owned(session, actor, ident), device)
    raise invalid("bad_field", "Thao tác (op) phải là put hoặc delete.",
                  "The operation (op) must be put or delete.", field="op")


def apply_changes(session: Session, actor: Actor, device: str, changes: list[Change]
                  ) -> tuple[list[dict[str, Any]], list[Event]]:
    results, events = [], []
    for change in changes:
        result, more = apply_change(session, actor, device, change)
        results.append(result)
        events += more
    return results, events


# --- sharing ------------------------------------------------------------------------------


def read_sharing(body: dict[str, Any]) -> Sharing:
    meeting = body.get("meeting", False)
    users = body.get("users", [])
    if not isinstance(meeting, bool):
        raise invalid("bad_field", "Trường 'meeting' phải là true hoặc false.",
                      "The field 'meeting' must be true or false.", field="meeting")
    if not isinstance(users, list) or len(users) > MAX_SHARES or not all(
            isinstance(u, int) and not isinstance(u, bool) and 0 < u < 2**31 for u in users):
        raise invalid("bad_field", "Trường 'users' phải là danh sách mã người dùng.",
                      "The field 'users' must be a list of user ids.", field="users")
    return Sharing(meeting, frozenset(users))


def _check_people(session: Session, document: Document, owner_id: int, sharing: Sharing
                  ) -> None:
    if not sharing.users:
        return
    taking_part = set(session.exec(select(Participant.user_id).where(
        Participant.meeting_id == document.meeting_id)).all())
    strangers = sorted(sharing.users - taking_part - {owner_id})
    if strangers or owner_id in sharing.users:
        raise invalid("bad_share",
                      "Chỉ chia sẻ được với người tham dự khác của cuộc họp.",
                      "An annotation can be shared only with other participants of the "
                      "meeting.", users=strangers or [owner_id])


def _share(session: Session, annotation: Annotation, sharing: Sharing, device: str
           ) -> list[Event]:
    before_sharing = sharing_of(session, [annotation.id]).get(annotation.id, PRIVATE)
    before = recipients(session, annotation, before_sharing)
    session.exec(delete(AnnotationShare).where(
        col(AnnotationShare.annotation_id) == annotation.id))
    if sharing.meeting:
        session.add(AnnotationShare(annotation_id=annotation.id, user_id=None))
    for user_id in sorted(sharing.users):
        session.add(AnnotationShare(annotation_id=annotation.id, user_id=user_id))
    annotation.rev += 1
    annotation.updated_at = utcnow()
    session.add(annotation)
    session.flush()
    return saved_events(session, annotation, sharing, device, before=before)


def share_annotation(session: Session, actor: Actor, annotation_id_: str, sharing: Sharing,
                     device: str = "") -> tuple[dict[str, Any], list[Event]]:
    """Share one of the actor's annotations with the meeting and/or named participants;
    empty takes it back (those who saw it are told `annotation.deleted`)."""
    annotation = owned(session, actor, annotation_id(annotation_id_))
    document = writable_document(session, actor, annotation.document_id)
    _check_people(session, document, actor.user_id, sharing)
    events = _share(session, annotation, sharing, device)
    return views(session, [annotation], actor.user_id)[0], events


def share_document(session: Session, actor: Actor, document_id: int, sharing: Sharing,
                   device: str = "") -> tuple[list[dict[str, Any]], list[Event]]:
    """The same for every annotation of the actor's on the document."""
    document = writable_document(session, actor, document_id)
    _check_people(session, document, actor.user_id, sharing)
    rows = sorted(mine_on(session, actor, document_id), key=lambda a: a.id)
    events: list[Event] = []
    for annotation in rows:
        events += _share(session, annotation, sharing, device)
    return views(session, rows, actor.user_id), events


def purge_document(session: Session, document_id: int) -> None:
    """A document removed before the meeting started takes its annotations with it."""
    ids = select(Annotation.id).where(Annotation.document_id == document_id)
    session.exec(delete(AnnotationShare).where(col(AnnotationShare.annotation_id).in_(ids)))
    session.exec(delete(Annotation).where(col(Annotation.document_id) == document_id))
