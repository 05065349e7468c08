"""A meeting's documents after upload: their versions, the words on their pages, search
(with or without Vietnamese diacritics, with hit boxes), who may read them (members once the
agenda is published to them), who may download them, and the meeting's document policy
(confidential: watermarked pages, no downloads; who gets the originals as uploaded)."""

from __future__ import annotations

import json
from itertools import accumulate
from typing import Any

from sqlmodel import Session, col, delete, select

from meetings import deadlines, record
from meetings.access import (
    ORIGINALS,
    Action,
    authorize,
    document_visible,
    ensure_not_sealed,
    may_download_original,
    published_to_members,
    require_agenda,
    role_in,
    withdrawn_items,
)
from meetings.accounts import Actor
from meetings.annotations.store import purge_document
from meetings.documents.blobs import BlobStore
from meetings.documents.ingest import Ingested
from meetings.errors import conflict, forbidden, invalid, not_found
from meetings.events import MEETING, STAFF, Event
from meetings.models import (
    Document,
    DocumentPage,
    DocumentPolicy,
    DocumentVersion,
    Meeting,
    MeetingStatus,
    utcnow,
)
from meetings.text import fold

MAX_HITS = 500
SNIPPET_WORDS = 6  # words shown either side of a hit in a result list


def store_version(
    session: Session, blobs: BlobStore, document: Document, ingested: Ingested, *,
    number: int, filename: str, user_id: int,
) -> DocumentVersion:
    """Keep both files by content, and the words of each page (once per content)."""
    assert document.id is not None
    sha = blobs.put(ingested.pdf)
    original_sha = blobs.put(ingested.original)
    version = DocumentVersion(
        document_id=document.id, number=number, sha256=sha, original_sha256=original_sha,
        original_filename=filename, original_type=ingested.original_type,
        original_size=len(ingested.original), page_count=ingested.page_count,
        removed=json.dumps(ingested.removed), uploaded_by=user_id,
    )
    session.add(version)
    if ingested.pages:
        store_pages(session, sha, ingested.pages)
    # The document row names what the secretary uploaded (as before cleaning existed);
    # tablets are shown the version's cleaned PDF.
    document.sha256 = original_sha
    document.size = len(ingested.original)
    document.page_count = ingested.page_count
    session.add(document)
    session.flush()
    return version


def store_pages(session: Session, sha256: str, pages: list[dict[str, Any]]) -> None:
    """The words of each page of a cleaned PDF, once per content, folded for search."""
    known = session.exec(select(DocumentPage.id).where(DocumentPage.sha256 == sha256)).first()
    if known is not None:
        return
    for number, page in enumerate(pages, start=1):
        words = page["words"]
        session.add(DocumentPage(
            sha256=sha256, page=number, width=page["width"], height=page["height"],
            search_text=" ".join(fold(w[4]) for w in words),
            words=json.dumps(words, ensure_ascii=False),
        ))


def version_view(v: DocumentVersion) -> dict[str, Any]:
    return {
        "number": v.number,
        "sha256": v.sha256,
        "original_sha256": v.original_sha256,
        "original_filename": v.original_filename,
        "original_type": v.original_type,
        "original_size": v.original_size,
        "page_count": v.page_count,
        "removed": json.loads(v.removed or "{}"),
        "created_at": v.created_at.isoformat(),
    }


def current_version(session: Session, document_id: int) -> DocumentVersion:
    version = session.exec(
        select(DocumentVersion).where(DocumentVersion.document_id == document_id)
        .order_by(col(DocumentVersion.number).desc())
    ).first()
    if version is None:
        raise not_found("phiên bản tài liệu", "Document version")
    return version


def get_version(session: Session, document_id: int, number: int | None) -> DocumentVersion:
    if number is None:
        return current_version(session, document_id)
    version = session.exec(
        select(DocumentVersion).where(DocumentVersion.document_id == document_id,
                                      DocumentVersion.number == number)
    ).first()
    if version is None:
        raise not_found("phiên bản tài liệu", "Document version")
    return version


def viewable(session: Session, actor: Actor, document_id: int) -> Document:
    """The document, for someone in its meeting who may read it: members and guests once
    the agenda is published to them. A withdrawn document stays readable (it was sent; the
    record and the archive keep it)."""
    document = session.get(Document, document_id)
    if document is None:
        raise not_found("tài liệu", "Document")
    meeting, role = authorize(session, actor, document.meeting_id, Action.VIEW)
    require_agenda(actor, meeting, role)
    document_visible(session, actor, document)
    return document


def purge(session: Session, document: Document) -> None:
    """A document removed before the meeting started is gone: its versions, and the
    annotations on it, with it. The files stay in the blob store (stored by content, they may be
    another document's too; the record names them)."""
    purge_document(session, document.id or 0)
    session.exec(delete(DocumentVersion).where(col(DocumentVersion.document_id) == document.id))
    session.delete(document)
    session.flush()


def versions(session: Session, actor: Actor, document_id: int) -> list[DocumentVersion]:
    viewable(session, actor, document_id)
    return list(session.exec(
        select(DocumentVersion).where(DocumentVersion.document_id == document_id)
        .order_by(col(DocumentVersion.number))
    ))


def may_replace(session: Session, actor: Actor, document_id: int) -> int:
    """Checked before an upload is read, so only the secretary can make the server work;
    the document's meeting."""
    document = session.get(Document, document_id)
    if document is None:
        raise not_found("tài liệu", "Document")
    meeting, _ = authorize(session, actor, document.meeting_id, Action.PREPARE)
    ensure_not_sealed(meeting)
    return document.meeting_id


def replace_document(
    session: Session, blobs: BlobStore, actor: Actor, document_id: int, *,
    filename: str, ingested: Ingested,
) -> tuple[DocumentVersion, list[Event]]:
    """A new version of a document; the old ones stay in the record and the blob store."""
    document = session.get(Document, document_id)
    if document is None:
        raise not_found("tài liệu", "Document")
    meeting, _ = authorize(session, actor, document.meeting_id, Action.PREPARE)
    ensure_not_sealed(meeting)  # again: the meeting may have been sealed during the ingest
    if document.withdrawn_at is not None:
        raise conflict("document_withdrawn",
                       "Tài liệu đã được rút khỏi cuộc họp; không thay được phiên bản mới.",
                       "The document was withdrawn from the meeting; it takes no new version.")
    previous = current_version(session, document_id)
    if blobs.exists(previous.original_sha256) and \
            previous.original_sha256 == _sha(ingested.original):
        raise conflict("same_version", "Tệp này giống hệt phiên bản hiện tại.",
                       "This file is the same as the current version.")
    version = store_version(session, blobs, document, ingested, number=previous.number + 1,
                            filename=safe_filename(filename), user_id=actor.user_id)
    document.late = deadlines.is_late(utcnow(), meeting.documents_due_on)
    session.add(document)
    record.append(session, document.meeting_id, "document.version",
                  {"document_id": document_id, "version": version.number,
                   "sha256": version.sha256, "original_sha256": version.original_sha256,
                   "pages": version.page_count, "late": document.late}, actor.user_id)
    if meeting.current_document_id == document_id:
        record_presented(session, meeting, actor.user_id)  # the screen shows the new one
    return version, [Event(document.meeting_id, "document.version", {
        "document_id": document_id, "version": version.number, "sha256": version.sha256,
        "original_sha256": version.original_sha256, "page_count": version.page_count,
        "previous_page_count": previous.page_count, "late": document.late,
    }, audience=agenda_audience(meeting))]


PRESENTED = "document.presented"


def record_presented(session: Session, meeting: Meeting, actor_id: int | None) -> None:
    """Note in the record which version of which document the room's screen shows from now
    on: when the secretary puts a document up, and when the one up gets a new version. The
    archive lists every version presented and when from these (`meetings.archive_page`)."""
    if meeting.current_document_id is None or meeting.status != MeetingStatus.RUNNING.value:
        return
    version = current_version(session, meeting.current_document_id)
    record.append(session, meeting.id or 0, PRESENTED,
                  {"item_id": meeting.current_item_id,
                   "document_id": meeting.current_document_id, "version": version.number},
                  actor_id)


def agenda_audience(meeting: Meeting) -> str:
    """Who hears of a change to the agenda or its documents: everyone once the members see
    them, else only the staff (a draft's agenda is not the members' until published)."""
    return MEETING if published_to_members(meeting) else STAFF


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def safe_filename(filename: str) -> str:
    return (filename or "tai-lieu.pdf").replace("/", "_").replace("\\", "_")[:300]


def _needle(query: str) -> str:
    needle = fold(query or "")
    if len(needle) < 2:
        raise invalid("short_query", "Hãy nhập ít nhất 2 ký tự để tìm.",
                      "Type at least 2 characters to search.")
    if len(needle) > 200:
        raise invalid("long_query", "Từ khóa tìm kiếm dài quá 200 ký tự.",
                      "The search text is longer than 200 characters.")
    return needle


def _matches(row: DocumentPage, needle: str) -> tuple[list[list[float]], dict[str, str]]:
    """The boxes of every word a match touches, and a snippet around the first match."""
    words = json.loads(row.words)
    lengths = [len(fold(w[4])) for w in words]
    starts = [0, *accumulate(n + 1 for n in lengths)][:-1]  # each word's place in search_text
    boxes: list[list[float]] = []
    first: list[int] = []  # the words of the first match, for the snippet
    i = row.search_text.find(needle)
    while i != -1 and len(boxes) < MAX_HITS:
        end = i + len(needle)
        touched = [k for k, start in enumerate(starts)
                   if start < end and start + lengths[k] > i]
        boxes.extend(words[k][:4] for k in touched)
        first = first or touched
        i = row.search_text.find(needle, end)
    return boxes, _snippet(words, first)


def _snippet(words: list[list[Any]], touched: list[int]) -> dict[str, str]:
    """The words of the first match as written (with their diacritics), a few either side."""
    if not touched:
        return {"before": "", "match": "", "after": ""}
    first, last = touched[0], touched[-1]
    text = [str(w[4]) for w in words]
    return {"before": " ".join(text[max(0, first - SNIPPET_WORDS):first]),
            "match": " ".join(text[first:last + 1]),
            "after": " ".join(text[last + 1:last + 1 + SNIPPET_WORDS])}


def _search(session: Session, shas: dict[str, list[Document]], needle: str, *,
            confidential: bool) -> list[dict[str, Any]]:
    """The pages that hold `needle`. In a confidential meeting a hit gives no text: only the
    document, its title, the page and where on it (the boxes, to highlight on the watermarked
    page image), so nothing can be copied out of search without the watermark."""
    if not shas:
        return []
    rows = session.exec(
        select(DocumentPage)
        .where(col(DocumentPage.sha256).in_(list(shas)),
               col(DocumentPage.search_text).contains(needle, autoescape=True))
        .order_by(col(DocumentPage.page))
        .limit(MAX_HITS)
    )
    hits = []
    for row in rows:
        boxes, snippet = _matches(row, needle)
        for document in shas[row.sha256]:
            hits.append({"document_id": document.id, "title": document.title,
                         "page": row.page, "boxes": boxes,
                         "snippet": None if confidential else snippet})
    return hits


def search_document(session: Session, actor: Actor, document_id: int, query: str
                    ) -> list[dict[str, Any]]:
    needle = _needle(query)
    document = viewable(session, actor, document_id)
    return _search(session, {current_version(session, document_id).sha256: [document]}, needle,
                   confidential=policy(session, document.meeting_id).confidential)


def search_meeting(session: Session, actor: Actor, meeting_id: int, query: str
                   ) -> list[dict[str, Any]]:
    needle = _needle(query)
    meeting, role = authorize(session, actor, meeting_id, Action.VIEW)
    require_agenda(actor, meeting, role)
    withdrawn = withdrawn_items(session, meeting_id, actor.user_id)
    shas: dict[str, list[Document]] = {}
    for d in session.exec(select(Document).where(Document.meeting_id == meeting_id,
                                                 col(Document.item_id).not_in(withdrawn),
                                                 col(Document.withdrawn_at).is_(None))
                          .order_by(col(Document.id))):
        shas.setdefault(current_version(session, d.id or 0).sha256, []).append(d)
    hits = _search(session, shas, needle, confidential=policy(session, meeting_id).confidential)
    return sorted(hits, key=lambda h: (h["document_id"], h["page"]))


def policy(session: Session, meeting_id: int) -> DocumentPolicy:
    found = session.get(DocumentPolicy, meeting_id)
    return found or DocumentPolicy(meeting_id=meeting_id)


def policy_view(p: DocumentPolicy) -> dict[str, Any]:
    return {"confidential": p.confidential, "downloads": p.downloads and not p.confidential,
            "originals": p.originals}


def downloadable(session: Session, actor: Actor, document_id: int, number: int | None, *,
                 original: bool) -> tuple[Document, DocumentVersion]:
    """A version to download: its cleaned PDF, or with `original` the file as uploaded
    (active content included), which the policy gives only to some (`originals`)."""
    document = viewable(session, actor, document_id)
    rules = policy(session, document.meeting_id)
    if not policy_view(rules)["downloads"]:
        raise forbidden("downloads_off",
                        "Cuộc họp này không cho phép tải tài liệu về; vui lòng xem trên máy tính "
                        "bảng.",
                        "This meeting does not allow downloading documents; view them on the "
                        "tablet.")
    if original:
        may_download_original(actor, role_in(session, actor, document.meeting_id),
                              rules.originals)
    return document, get_version(session, document_id, number)


def set_policy(session: Session, actor: Actor, meeting_id: int, *, confidential: bool,
               downloads: bool, originals: str = "staff"
               ) -> tuple[DocumentPolicy, list[Event]]:
    meeting, _ = authorize(session, actor, meeting_id, Action.PREPARE)
    ensure_not_sealed(meeting)
    if originals not in ORIGINALS:
        raise invalid("bad_field", "originals phải là staff, participants hoặc nobody.",
                      "originals must be staff, participants or nobody.", field="originals")
    current = session.get(DocumentPolicy, meeting_id) or DocumentPolicy(meeting_id=meeting_id)
    current.confidential = confidential
    current.downloads = downloads and not confidential
    current.originals = originals
    session.add(current)
    session.flush()
    record.append(session, meeting_id, "documents.policy", policy_view(current), actor.user_id)
    return current, [Event(meeting_id, "documents.policy", policy_view(current))]


def meeting_of(session: Session, document: Document) -> Meeting:
    meeting = session.get(Meeting, document.meeting_id)
    assert meeting is not None
    return meeting


def page_words(session: Session, actor: Actor, document_id: int, page: int,
               number: int | None) -> dict[str, Any]:
    """The words of one page of a version (the current one by default), for highlights that
    snap to the text and for quotes (docs/api.md, "Annotations": the page text is the words
    joined by single spaces). In a confidential meeting the words come without their text,
    as search hits do: nothing can be copied out without the watermark."""
    document = viewable(session, actor, document_id)
    version = get_version(session, document_id, number)
    if not 1 <= page <= version.page_count:
        raise invalid("bad_page", f"Trang phải từ 1 đến {version.page_count}.",
                      f"The page must be between 1 and {version.page_count}.")
    row = session.exec(select(DocumentPage).where(DocumentPage.sha256 == version.sha256,
                                                  DocumentPage.page == page)).first()
    words: list[list[Any]] = json.loads(row.words) if row is not None else []
    confidential = policy(session, document.meeting_id).confidential
    if confidential:
        words = [[*w[:4], ""] for w in words]
    return {"document_id": document_id, "page": page, "version": version.number,
            "width": row.width if row is not None else None,
            "height": row.height if row is not None else None,
            "text": None if confidential else " ".join(str(w[4]) for w in words),
            "confidential": confidential, "words": words}
