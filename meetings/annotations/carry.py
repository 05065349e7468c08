"""A new version of a document becomes current: every annotation on an older version is
carried over to it (`meetings.annotations.anchoring` decides where), in one transaction with
the new version's words, once they are read.

Placed ones move to the new version (version, page, data; rev + 1) and their owner's devices,
and those they are shared with, hear `annotation.saved`. Those that cannot be placed keep
their old version, page and data and become `unplaced`: their owner's devices hear
`annotation.saved` (the tablet lists them beside the old page's image), and whoever they were
shared with hears `annotation.deleted` (others never see an unplaced annotation). Unplaced
ones are tried again from their own version whenever a newer one comes.

Idempotent: only annotations on a version older than the current one are looked at, so
running it again (after a restart, say) changes nothing already carried over."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from meetings.annotations.anchoring import PageWords, carry_over
from meetings.annotations.store import (
    PRIVATE,
    deleted_events,
    recipients,
    saved_events,
    sharing_of,
    views,
)
from meetings.documents.library import current_version, get_version
from meetings.events import Event
from meetings.models import Annotation, DocumentPage, DocumentVersion, utcnow

DEVICE = "server:carry-over"  # names no tablet: every device applies what it hears


def stored_pages(session: Session, sha256: str, page_count: int) -> list[PageWords]:
    """A cleaned PDF's words as stored; pages whose words are not (yet) read come empty."""
    pages = [PageWords(width=0.0, height=0.0, words=[]) for _ in range(page_count)]
    for row in session.exec(select(DocumentPage).where(DocumentPage.sha256 == sha256)):
        if 1 <= row.page <= page_count:
            pages[row.page - 1] = PageWords(width=row.width, height=row.height,
                                            words=json.loads(row.words))
    return pages


def _anchor_input(annotation: Annotation) -> dict[str, Any]:
    return {"id": annotation.id, "kind": annotation.kind, "page": annotation.page,
            "data": json.loads(annotation.data)}


def carry_to_current(session: Session, document_id: int, sha256: str | None = None
                     ) -> list[Event]:
    """Carry every annotation on an older version of the document to the current one; the
    publications to make once committed. `sha256`: the cleaned PDF whose words were just
    stored; when it is no longer the current version's (a newer one came meanwhile), nothing
    is done here: the newer version's own words will carry them."""
    current = current_version(session, document_id)
    if sha256 is not None and current.sha256 != sha256:
        return []
    older = list(session.exec(
        select(Annotation).where(Annotation.document_id == document_id,
                                 col(Annotation.version) < current.number)
        .order_by(col(Annotation.version), col(Annotation.id)).with_for_update()))
    if not older:
        return []
    new_pages = stored_pages(session, current.sha256, current.page_count)
    groups: dict[int, list[Annotation]] = defaultdict(list)
    for annotation in older:
        groups[annotation.version].append(annotation)
    shares = sharing_of(session, [a.id for a in older])
    events: list[Event] = []
    for number, group in groups.items():
        version = get_version(session, document_id, number)
        old_pages = stored_pages(session, version.sha256, version.page_count)
        placements = carry_over(old_pages, new_pages, [_anchor_input(a) for a in group])
        for annotation, placement in zip(group, placements, strict=True):
            sharing = shares.get(annotation.id, PRIVATE)
            if placement["placed"] and placement["page"] is not None:
                annotation.version, annotation.page = current.number, placement["page"]
                annotation.data = json.dumps(placement["data"], ensure_ascii=False,
                                             separators=(",", ":"))
                annotation.placement = "placed"  # one unplaced before may be placed now
                annotation.placement_reason = None
                _touched(session, annotation)
                events += saved_events(session, annotation, sharing, DEVICE)
            elif annotation.placement != "unplaced":
                annotation.placement = "unplaced"
                annotation.placement_reason = placement["reason"]
                _touched(session, annotation)
                # The owner's devices move it to their unplaced list; readers lose it.
                events.append(Event.for_user(
                    annotation.meeting_id, annotation.user_id, "annotation.saved",
                    {"annotation": views(session, [annotation], annotation.user_id)[0],
                     "device": DEVICE}))
                events += deleted_events(
                    annotation, sorted(recipients(session, annotation, sharing)), DEVICE)
    session.flush()
    return events


def _touched(session: Session, annotation: Annotation) -> None:
    annotation.rev += 1
    annotation.updated_at = utcnow()
    session.add(annotation)


def stale_documents(session: Session) -> list[tuple[int, str]]:
    """Documents with annotations still placed on an older version than the current one
    (the server stopped between a new version and its carry-over), with the current
    version's cleaned PDF: read its words again and carry them over."""
    latest = (select(DocumentVersion.document_id,
                     func.max(DocumentVersion.number).label("number"))
              .group_by(col(DocumentVersion.document_id)).subquery())
    stale = session.exec(
        select(Annotation.document_id).distinct()
        .join(latest, latest.c.document_id == Annotation.document_id)
        .where(Annotation.placement == "placed", col(Annotation.version) < latest.c.number)
    ).all()
    return [(document_id, current_version(session, document_id).sha256)
            for document_id in sorted(stale)]
