"""What the archive's page of a sealed meeting shows of how the meeting went (issue 15 §2):
every version of every document, with when the room's screen first showed it (from the
record's `document.presented` entries); who spoke on each item, in order, with what they said;
and the record entry by entry, its hash chain checked and set against the digest the signed
minutes print.

The record of a meeting imported from an archival package names the exporting server's rows
(its ids are fixed by the chain): `RecordIds` says which rows they are here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from meetings import clock, record
from meetings.accounts import Actor
from meetings.documents import library
from meetings.errors import DomainError
from meetings.live.speakers import turns_by_item
from meetings.models import DocumentVersion, RecordEntry, RecordIds, User

# Where a chain check points at an entry that is itself wrong; "truncated" and "unsigned"
# point past the entries vouched for (at the entry missing, or the first one written after).
BROKEN_ENTRY = ("sequence", "link", "edited", "unsigned")


def moment(at: datetime | None) -> dict[str, str] | None:
    """A time as people read it in each language ("14 giờ 05 phút, ngày 30/11/2026"), and as
    ISO 8601 in Vietnam time."""
    if at is None:
        return None
    return {"at": clock.iso_vietnam(at), "vi": clock.moment_text(at),
            "en": clock.moment_text(at, "en")}


@dataclass(frozen=True)
class RecordNames:
    """Which rows here the ids in a meeting's record name (None: this server wrote it)."""

    ids: dict[str, dict[str, int]] | None = field(default=None)

    def of(self, kind: str, source: Any) -> int | None:
        if source is None:
            return None
        if self.ids is None:
            return int(source)
        return self.ids.get(kind, {}).get(str(source))


def record_names(session: Session, meeting_id: int) -> RecordNames:
    row = session.get(RecordIds, meeting_id)
    return RecordNames(json.loads(row.ids) if row is not None else None)


def presentations(session: Session, actor: Actor, meeting_id: int, items: list[dict[str, Any]],
                  rows: list[RecordEntry], names: RecordNames) -> list[dict[str, Any]]:
    """Per agenda item (`items`: the archive's agenda view), each document with every version:
    whether and when it was first on the screen, how many times it was put up, and where to
    download it when this archivist may (the documents' own rule: `library.downloadable`)."""
    shown: dict[tuple[int, int], list[datetime]] = {}
    for row in rows:
        if row.kind != library.PRESENTED:
            continue
        data = json.loads(row.data)
        document_id = names.of("documents", data.get("document_id"))
        if document_id is not None and isinstance(data.get("version"), int):
            shown.setdefault((document_id, data["version"]), []).append(row.at)
    ids = [d["id"] for i in items for d in i["documents"]]
    versions: dict[int, list[DocumentVersion]] = {}
    for v in session.exec(select(DocumentVersion).where(col(DocumentVersion.document_id).in_(ids))
                          .order_by(col(DocumentVersion.number))):
        versions.setdefault(v.document_id, []).append(v)
    out = []
    for item in items:
        if not item["documents"]:
            continue
        documents = []
        for d in item["documents"]:
            allowed = _may_download(session, actor, d["id"])
            documents.append({
                "id": d["id"], "title": d["title"], "withdrawn": bool(d.get("withdrawn_at")),
                "versions": [{
                    "number": v.number, "page_count": v.page_count, "sha256": v.sha256,
                    "uploaded": moment(v.created_at),
                    "presented": len(shown.get((d["id"], v.number), [])),
                    "first_presented": moment(min(shown[(d["id"], v.number)], default=None)
                                              if (d["id"], v.number) in shown else None),
                    "download": f"/api/documents/{d['id']}/pdf?v={v.number}" if allowed else None,
                } for v in versions.get(d["id"], [])],
            })
        out.append({"item_id": item["id"], "number": item["number"], "title": item["title"],
                    "documents": documents})
    return out


def _may_download(session: Session, actor: Actor, document_id: int) -> bool:
    try:
        library.downloadable(session, actor, document_id, None, original=False)
    except DomainError:
        return False
    return True


def speakers(session: Session, meeting_id: int, items: list[dict[str, Any]]
             ) -> list[dict[str, Any]]:
    """Who spoke on each item, in the order they took the floor, with the times and what the
    secretary recorded they said."""
    turns = turns_by_item(session, meeting_id)
    out = []
    for item in items:
        taken = turns.get(item["id"], [])
        if not taken:
            continue
        out.append({"item_id": item["id"], "number": item["number"], "title": item["title"],
                    "turns": [{
                        "full_name": t["full_name"], "kind": t["kind"],
                        "started": moment(_parse(t["started_at"])),
                        "ended": moment(_parse(t["ended_at"])),
                        "spoken_seconds": t["spoken_seconds"], "statement": t["statement"],
                    } for t in taken]})
    return out


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def record_view(session: Session, rows: list[RecordEntry], chain: record.ChainCheck,
                printed: str | None, names: RecordNames) -> dict[str, Any]:
    """The record entry by entry (when, what, who) with the chain's verdict: `problem` and the
    entry `seq` where it shows (`broken` on that entry), and whether the digest the chain
    reaches before the seal's entry, recomputed from the entries, is the one the minutes
    print (`digest_matches`)."""
    people = {names.of("users", r.actor_id) for r in rows} - {None}
    who = {uid: name for uid, name in session.exec(
        select(User.id, User.full_name).where(col(User.id).in_(people)))} if people else {}
    whole = record.check(rows)
    reached = None
    if whole.intact and rows:
        sealed_last = rows[-1].kind == record.SEALED and len(rows) > 1
        reached = rows[-2].digest if sealed_last else rows[-1].digest
    broken = chain.seq if chain.problem in BROKEN_ENTRY else None
    return {
        "intact": chain.intact,
        "problem": chain.problem,
        "seq": chain.seq,
        "printed_digest": printed,
        "chain_digest": reached,
        "digest_matches": printed is not None and reached == printed,
        "entries": [{
            "seq": r.seq, "at": moment(r.at), "kind": r.kind,
            "who": who.get(names.of("users", r.actor_id) or 0, ""),
            "digest": r.digest, "broken": r.seq == broken,
        } for r in rows],
    }
