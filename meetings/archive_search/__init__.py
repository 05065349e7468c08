"""The archive's full-text search (issue 15 §1): what a sealed meeting puts in the index (its
heading, agenda, conclusions, the signed minutes page by page, every version of every document
page by page, the written opinion forms its minutes report and each member's answer), and the
search with its filters, access rules, ranking and snippets.

One interface, two engines (`engines`): SQLite FTS5 and PostgreSQL full-text search; both
index the text folded here (`words`: đ -> d, no diacritics), so "bien ban" finds "biên bản"
and the other way round, in any word order.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pymupdf
import sqlalchemy as sa
from sqlmodel import Session, col, select

from meetings import roster
from meetings.access import archive_bodies, require_archivist
from meetings.accounts import Actor
from meetings.archive_search.engines import Engine, Fts5, PostgresFts, engine_for
from meetings.archive_search.words import (
    Segment,
    body_facet,
    clean,
    exact_count,
    exact_words,
    folded_words,
    snippet,
    terms,
)
from meetings.documents.blobs import BlobStore
from meetings.errors import invalid
from meetings.models import (
    AgendaItem,
    ArchiveEntry,
    ArchiveMeeting,
    Body,
    Document,
    DocumentPage,
    DocumentPolicy,
    DocumentVersion,
    Meeting,
    MeetingStatus,
    Minutes,
    Opinion,
    OpinionStatus,
    Participant,
    User,
    Vote,
)
from meetings.text import fold
from meetings.views import meeting_view
from meetings.votes.opinions import CHOICE_WORDS, answers_of, reported_in

__all__ = ["Engine", "Filters", "Fts5", "PostgresFts", "backfill", "bulk_store", "engine_for",
           "index_meeting", "parse_number", "search", "unindex_meeting"]

MAX_HITS = 200  # ranked passages read per query; meetings are listed by their best one
# A query whose words are on more passages (that pass the filters and access rules) than this
# ranks the newest of them only: each ranked passage costs a score, and with 200,000 pages a
# word like "của" is on nearly all (bench/archive.py).
BROAD = 1000
HITS_PER_MEETING = 3
VOTE_RESULTS = ("passed", "failed", "none")
ACCESS_LEVELS = ("normal", "confidential")
# What a confidential meeting shows its participants only: the documents, and the answers
# members wrote to the forms its minutes report (the minutes print the counts only).
RESTRICTED_KINDS = ("document", "opinion_answer")


# --- Indexing ---------------------------------------------------------------------------------


def _entry(meeting_id: int, kind: str, title: str, text: str, author: str = "", *,
           document_id: int | None = None, version: int | None = None, page: int | None = None,
           opinion_id: int | None = None) -> ArchiveEntry:
    text = clean(text)
    return ArchiveEntry(meeting_id=meeting_id, kind=kind, title=clean(title)[:300], text=text,
                        folded=folded_words(text), author=clean(author)[:300],
                        document_id=document_id, version=version, page=page,
                        opinion_id=opinion_id)


def _with_facets(rows: list[ArchiveEntry], body_id: int) -> list[ArchiveEntry]:
    for row in rows:
        row.facets = body_facet(body_id)
    return rows


def passages(session: Session, blobs: BlobStore, meeting: Meeting) -> list[ArchiveEntry]:
    """Everything of a sealed meeting that the archive searches, one passage per page."""
    assert meeting.id is not None
    mid = meeting.id
    body = session.get(Body, meeting.body_id)
    out = [_entry(mid, "meeting", meeting.title,
                  " ".join([meeting.title, meeting.place, body.name if body else ""]))]
    items = session.exec(select(AgendaItem).where(AgendaItem.meeting_id == mid)
                         .order_by(col(AgendaItem.position))).all()
    for item in items:
        out.append(_entry(mid, "item", item.title, f"{item.title} {item.presenter}"))
        if item.conclusion.strip():
            out.append(_entry(mid, "conclusion", item.title, item.conclusion))
    minutes = session.get(Minutes, mid)
    if minutes is not None and minutes.general_conclusion.strip():
        out.append(_entry(mid, "conclusion", "Kết luận chung", minutes.general_conclusion))
    if minutes is not None and minutes.signed_sha256 and blobs.exists(minutes.signed_sha256):
        # (a missing file is the integrity check's to report; the rest is still indexed)
        with pymupdf.open(stream=blobs.get(minutes.signed_sha256), filetype="pdf") as pdf:
            for number, page in enumerate(pdf, start=1):
                out.append(_entry(mid, "minutes", "Biên bản", page.get_text(), page=number))
    documents = session.exec(select(Document, DocumentVersion)
                             .join(DocumentVersion,
                                   col(DocumentVersion.document_id) == col(Document.id))
                             .where(Document.meeting_id == mid)
                             .order_by(col(Document.id), col(DocumentVersion.number))).all()
    for document, version in documents:
        pages = session.exec(select(DocumentPage).where(DocumentPage.sha256 == version.sha256)
                             .order_by(col(DocumentPage.page))).all()
        for page in pages:
            words = " ".join(str(w[4]) for w in json.loads(page.words or "[]"))
            out.append(_entry(mid, "document", document.title, words, document_id=document.id,
                              version=version.number, page=page.page))
    for opinion in reported_in(session, meeting):
        out.extend(opinion_passages(session, mid, opinion))
    return _with_facets(out, meeting.body_id)


def opinion_passages(session: Session, meeting_id: int, opinion: Opinion) -> list[ArchiveEntry]:
    """A written opinion form the meeting's minutes report: its question and details, then
    each member's answer (the choice as the form prints it, and the comment), under the
    member's name; the author's name is searched too."""
    oid = opinion.id
    out = [_entry(meeting_id, "opinion", opinion.question,
                  f"{opinion.question} {opinion.details}", opinion_id=oid)]
    for answer in answers_of(session, oid or 0):
        out.append(_entry(meeting_id, "opinion_answer", opinion.question,
                          f"{answer.author}: {CHOICE_WORDS.get(answer.choice, '')}. "
                          f"{answer.comment}", author=answer.author, opinion_id=oid))
    return _with_facets(out, opinion.body_id)


def facets(session: Session, meeting: Meeting) -> ArchiveMeeting:
    """What the filters read of a sealed meeting."""
    assert meeting.id is not None
    minutes = session.get(Minutes, meeting.id)
    body = session.get(Body, meeting.body_id)
    people = session.exec(select(Participant.role, User.full_name)
                          .join(User, col(User.id) == col(Participant.user_id))
                          .where(Participant.meeting_id == meeting.id)).all()
    signers = [minutes.signer_name or "" if minutes else ""] + [
        name for role, name in people if roster.is_staff(role)]
    votes = session.exec(select(Vote.passed).where(Vote.meeting_id == meeting.id)).all()
    return ArchiveMeeting(
        meeting_id=meeting.id, body_id=meeting.body_id, starts_at=meeting.starts_at,
        number=minutes.number if minutes else None, code=(body.code if body else "").upper(),
        signers=_names(signers), participants=_names([name for _r, name in people]),
        votes_passed=sum(1 for p in votes if p is True),
        votes_failed=sum(1 for p in votes if p is False),
    )


def _names(names: list[str]) -> str:
    return "".join(f"| {fold(n)} " for n in names if n.strip()) + "|"


def store(session: Session, engine: Engine, rows: list[ArchiveEntry]) -> None:
    """Add passages to the entries and the engine's index."""
    if not rows:
        return
    session.add_all(rows)
    session.flush()
    engine.index(session, [r.id or 0 for r in rows])


def bulk_store(session: Session, engine: Engine, rows: list[dict[str, Any]]) -> None:
    """Add many passages at once (ids given by the caller, the only writer): a bulk load
    such as the benchmark's. Each row: meeting_id, kind, title, text and optionally
    document_id, version, page; `folded` and `facets` are computed here (the meetings are
    in `archive_meetings` already)."""
    if not rows:
        return
    body_of = dict(session.execute(
        sa.select(col(ArchiveMeeting.meeting_id), col(ArchiveMeeting.body_id))
        .where(col(ArchiveMeeting.meeting_id).in_({r["meeting_id"] for r in rows}))).all())
    values = [{"document_id": None, "version": None, "page": None} | r
              | {"text": clean(r["text"]), "folded": folded_words(r["text"]),
                 "facets": body_facet(body_of[r["meeting_id"]])} for r in rows]
    session.execute(sa.insert(ArchiveEntry), values)
    engine.index(session, [r["id"] for r in rows])


def index_meeting(session: Session, blobs: BlobStore, meeting_id: int) -> int:
    """Index a sealed meeting (in the transaction that seals it); the number of passages."""
    meeting = session.get(Meeting, meeting_id)
    assert meeting is not None and meeting.status == MeetingStatus.SEALED.value
    if session.get(ArchiveMeeting, meeting_id) is not None:
        return 0
    session.add(facets(session, meeting))
    rows = passages(session, blobs, meeting)
    store(session, engine_for(session), rows)
    return len(rows)


def unindex_meeting(session: Session, meeting_id: int) -> None:
    """Take a meeting out of the archive's search: its passages, their index rows and what
    the filters read of it (a disposal, `meetings.disposal`)."""
    engine_for(session).unindex(session, meeting_id)
    session.execute(sa.delete(ArchiveEntry).where(col(ArchiveEntry.meeting_id) == meeting_id))
    session.execute(sa.delete(ArchiveMeeting).where(col(ArchiveMeeting.meeting_id) == meeting_id))


def backfill(session: Session, blobs: BlobStore) -> int:
    """Index the sealed meetings not in the index yet (sealed before migration 0050), and the
    written opinions of indexed meetings (sealed before migration 0100)."""
    missing = session.exec(
        select(Meeting.id).where(Meeting.status == MeetingStatus.SEALED.value,
                                 col(Meeting.id).not_in(select(ArchiveMeeting.meeting_id)))
    ).all()
    for meeting_id in missing:
        index_meeting(session, blobs, meeting_id or 0)
    _backfill_opinions(session)
    return len(missing)


def _backfill_opinions(session: Session) -> None:
    """Closed forms not in the index, each under the first sealed meeting of its body that
    began after it closed, when that meeting's minutes report it. (The forms closed since the
    body's last meeting began are looked at again at each start: they are few.)"""
    forms = session.exec(
        select(Opinion).where(Opinion.status == OpinionStatus.CLOSED.value,
                              col(Opinion.id).not_in(
                                  select(ArchiveEntry.opinion_id)
                                  .where(col(ArchiveEntry.opinion_id).is_not(None))))
    ).all()
    rows: list[ArchiveEntry] = []
    for opinion in forms:
        assert opinion.closed_at is not None
        meeting = session.exec(
            select(Meeting).join(ArchiveMeeting,
                                 col(ArchiveMeeting.meeting_id) == col(Meeting.id))
            .where(Meeting.body_id == opinion.body_id,
                   col(Meeting.started_at) >= opinion.closed_at)
            .order_by(col(Meeting.starts_at)).limit(1)).first()
        if meeting is not None and meeting.id is not None and any(
                o.id == opinion.id for o in reported_in(session, meeting)):
            rows.extend(opinion_passages(session, meeting.id, opinion))
    store(session, engine_for(session), rows)


# --- Searching --------------------------------------------------------------------------------


NUMBER = re.compile(r"^(?:s[oố]\s*:?\s*)?0*(\d{1,6})\s*(?:/\s*bb\s*-\s*([\w.-]+))?$", re.I)


def parse_number(text: str) -> tuple[int, str]:
    """'Số 05/BB-UBND' -> (5, 'UBND'); '5' -> (5, '')."""
    found = NUMBER.match(" ".join(text.split()))
    if found is None:
        raise invalid("bad_number", "Số biên bản phải có dạng 05 hoặc 05/BB-UBND.",
                      "A minutes number looks like 05 or 05/BB-UBND.", field="number")
    return int(found.group(1)), (found.group(2) or "").upper()


@dataclass(frozen=True)
class Filters:
    text: str = ""
    body_id: int | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None
    number: str = ""
    signer: str = ""
    participant: str = ""
    vote: str = ""  # passed, failed, none
    access: str = ""  # normal, confidential
    limit: int = 50
    offset: int = 0


def _confidential() -> Any:
    # (uncorrelated: evaluated once per query, not once per passage walked)
    return col(ArchiveMeeting.meeting_id).in_(
        select(DocumentPolicy.meeting_id).where(col(DocumentPolicy.confidential).is_(True)))


def _where(session: Session, actor: Actor, f: Filters) -> list[Any]:
    """The filters and the archivist's scope, on `archive_meetings`."""
    out: list[Any] = []
    bodies = archive_bodies(session, actor)
    if bodies is not None:
        out.append(col(ArchiveMeeting.body_id).in_(bodies))
    if f.body_id is not None:
        out.append(col(ArchiveMeeting.body_id) == f.body_id)
    if f.date_from is not None:
        out.append(col(ArchiveMeeting.starts_at) >= f.date_from)
    if f.date_to is not None:
        out.append(col(ArchiveMeeting.starts_at) <= f.date_to)
    if f.number.strip():
        number, code = parse_number(f.number)
        out.append(col(ArchiveMeeting.number) == number)
        if code:
            out.append(col(ArchiveMeeting.code) == code)
    for column, wanted in ((ArchiveMeeting.signers, f.signer),
                           (ArchiveMeeting.participants, f.participant)):
        if fold(wanted):
            escaped = fold(wanted).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            out.append(col(column).like(f"%{escaped}%", escape="\\"))
    if f.vote:
        if f.vote not in VOTE_RESULTS:
            raise invalid("bad_vote", "Kết quả biểu quyết phải là passed, failed hoặc none.",
                          "The vote result must be passed, failed or none.", field="vote")
        out.append({"passed": col(ArchiveMeeting.votes_passed) > 0,
                    "failed": col(ArchiveMeeting.votes_failed) > 0,
                    "none": sa.and_(col(ArchiveMeeting.votes_passed) == 0,
                                    col(ArchiveMeeting.votes_failed) == 0)}[f.vote])
    if f.access:
        if f.access not in ACCESS_LEVELS:
            raise invalid("bad_access", "Mức độ tiếp cận phải là normal hoặc confidential.",
                          "The access level must be normal or confidential.", field="access")
        out.append(_confidential() if f.access == "confidential" else ~_confidential())
    return out


def _bodies_asked(session: Session, actor: Actor, f: Filters) -> list[int] | None:
    """The bodies a search is narrowed to (the body filter within the archivist's scope),
    for the index to narrow by itself (`words.body_facet`); None: every body."""
    scope = archive_bodies(session, actor)
    if f.body_id is None:
        return scope
    return [f.body_id] if scope is None or f.body_id in scope else []


def _may_read_confidential(actor: Actor, engine: Engine) -> Any:
    """A confidential meeting's documents, and the members' written answers its minutes
    report, are read by its participants and by admins (who may view any meeting); its other
    passages (minutes, agenda, the forms' questions, which the minutes print) stay findable."""
    if actor.is_admin:
        return sa.true()
    return sa.or_(engine.kind.not_in(RESTRICTED_KINDS), ~_confidential(),
                  col(ArchiveMeeting.meeting_id).in_(
                      select(Participant.meeting_id).where(Participant.user_id == actor.user_id)))


def bodies(session: Session, actor: Actor) -> list[dict[str, Any]]:
    """The bodies whose sealed meetings the actor may search (for the body filter)."""
    scope = archive_bodies(session, actor)
    query = select(Body).where(sa.exists().where(col(ArchiveMeeting.body_id) == col(Body.id)))
    if scope is not None:
        query = query.where(col(Body.id).in_(scope))
    return [{"id": b.id, "name": b.name} for b in session.exec(query.order_by(col(Body.name)))]


def search(session: Session, actor: Actor, f: Filters, engine: Engine | None = None
           ) -> dict[str, Any]:
    """Sealed meetings that hold every word of the query (accents ignored, any order), best
    first, each with its best passages (page, snippet); without words, the meetings the
    filters keep, newest first."""
    require_archivist(actor)
    return _search(session, actor, f, engine) | {"bodies": bodies(session, actor)}


def _search(session: Session, actor: Actor, f: Filters, engine: Engine | None
            ) -> dict[str, Any]:
    where = _where(session, actor, f)
    words = terms(f.text)
    limit = max(1, min(f.limit, 200))
    if not words:
        listing = (select(ArchiveMeeting.meeting_id).where(*where)
                   .order_by(col(ArchiveMeeting.starts_at).desc()).limit(limit).offset(f.offset))
        ids = list(session.exec(listing).all())
        return {"meetings": _meetings(session, [(i, []) for i in ids], []), "words": [],
                "broad": False}
    engine = engine or engine_for(session)
    newest = engine.newest(session, words, [*where, _may_read_confidential(actor, engine)],
                           BROAD + 1, _bodies_asked(session, actor, f))
    broad = len(newest) > BROAD
    ranked = [i for i, _rank in sorted(newest[:BROAD], key=lambda ir: (ir[1], ir[0]))][:MAX_HITS]
    rows = session.execute(sa.select(*HIT_COLUMNS).where(col(ArchiveEntry.id).in_(ranked))).all()
    entries = {row.id: row for row in rows}
    # The engine ranks the folded words; among its best, the passages holding the words as
    # typed (diacritics and all) come first, the engine's order kept otherwise.
    typed = sorted(exact_words(f.text) - set(words))  # typed with diacritics
    order = sorted(range(len(ranked)),
                   key=lambda i: (-exact_count(entries[ranked[i]].text, typed) if typed else 0,
                                  i))
    grouped: dict[int, list[Any]] = {}
    for i in order:
        entry = entries[ranked[i]]
        grouped.setdefault(entry.meeting_id, []).append(entry)
    chosen = list(grouped.items())[f.offset:f.offset + limit]
    return {"meetings": _meetings(session, chosen, words), "words": words, "broad": broad}


# What a hit shows of its passage (not `folded`, which only the engines read).
HIT_COLUMNS = (col(ArchiveEntry.id), col(ArchiveEntry.meeting_id), col(ArchiveEntry.kind),
               col(ArchiveEntry.title), col(ArchiveEntry.text), col(ArchiveEntry.author),
               col(ArchiveEntry.document_id), col(ArchiveEntry.version), col(ArchiveEntry.page),
               col(ArchiveEntry.opinion_id))


def _meetings(session: Session, chosen: list[tuple[int, list[Any]]],
              words: list[str]) -> list[dict[str, Any]]:
    """The chosen meetings as the archive lists them (three queries, whatever their number)."""
    ids = [mid for mid, _ in chosen]
    meetings = {m.id: m for m in session.exec(select(Meeting).where(col(Meeting.id).in_(ids)))}
    minutes = {m.meeting_id: m for m in session.exec(
        select(Minutes).where(col(Minutes.meeting_id).in_(ids)))}
    bodies = {b.id: b for b in session.exec(
        select(Body).where(col(Body.id).in_({m.body_id for m in meetings.values()})))}
    out = []
    for mid, hits in chosen:
        meeting, row = meetings[mid], minutes.get(mid)
        view = meeting_view(meeting, bodies.get(meeting.body_id))
        view["minutes_number"] = row.number if row else None
        view["sealed_at"] = row.sealed_at.isoformat() if row and row.sealed_at else None
        view["hit_count"] = len(hits)
        view["hits"] = [_hit(e, words) for e in hits[:HITS_PER_MEETING]]
        out.append(view)
    return out


def _hit(entry: Any, words: list[str]) -> dict[str, Any]:
    return {
        "kind": entry.kind,
        "title": entry.title,
        "document_id": entry.document_id,
        "version": entry.version,
        "page": entry.page,
        "opinion_id": entry.opinion_id,
        "author": entry.author or None,
        "snippet": [_segment(s) for s in snippet(entry.text, words)],
    }


def _segment(s: Segment) -> dict[str, Any]:
    return {"text": s.text, "hit": s.hit}
