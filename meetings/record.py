"""The meeting record: an append-only, hash-chained log of what happened in a meeting.

Each entry's digest is SHA-256 over the previous digest and the entry's canonical JSON, so the
last digest, printed in the sealed minutes, vouches for every entry before it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from meetings.models import Meeting, RecordEntry, utcnow

GENESIS = "0" * 64


def _canonical(seq: int, at: str, actor_id: int | None, kind: str, data: str) -> bytes:
    return json.dumps(
        {"seq": seq, "at": at, "actor": actor_id, "kind": kind, "data": data},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def _digest(prev: str, seq: int, at: str, actor_id: int | None, kind: str, data: str) -> str:
    return hashlib.sha256(prev.encode() + _canonical(seq, at, actor_id, kind, data)).hexdigest()


def append(
    session: Session, meeting_id: int, kind: str, data: dict[str, Any], actor_id: int | None
) -> RecordEntry:
    # Lock the meeting row so that two writers on PostgreSQL cannot take the same seq.
    session.exec(select(Meeting.id).where(Meeting.id == meeting_id).with_for_update()).first()
    last = session.exec(
        select(RecordEntry)
        .where(RecordEntry.meeting_id == meeting_id)
        .order_by(col(RecordEntry.seq).desc())
        .limit(1)
    ).first()
    seq = 1 if last is None else last.seq + 1
    prev = GENESIS if last is None else last.digest
    at = utcnow()
    payload = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    entry = RecordEntry(
        meeting_id=meeting_id,
        seq=seq,
        at=at,
        actor_id=actor_id,
        kind=kind,
        data=payload,
        prev_digest=prev,
        digest=_digest(prev, seq, at.isoformat(), actor_id, kind, payload),
    )
    session.add(entry)
    session.flush()
    return entry


def entries(session: Session, meeting_id: int) -> list[RecordEntry]:
    return list(
        session.exec(
            select(RecordEntry)
            .where(RecordEntry.meeting_id == meeting_id)
            .order_by(col(RecordEntry.seq))
        )
    )


def verify_chain(rows: list[RecordEntry]) -> str | None:
    """Return the last digest if the chain is whole and unaltered, else None."""
    return check(rows).last_digest


def as_json(session: Session, meeting_id: int) -> dict[str, Any]:
    """The record as a file holds it (`nhat-ky.json`): every entry as stored, digests included,
    so that anyone can check the chain again without this software."""
    rows = entries(session, meeting_id)
    return {
        "meeting_id": meeting_id,
        "intact": verify_chain(rows) is not None,
        "entries": [{"seq": r.seq, "at": r.at.isoformat(), "actor_id": r.actor_id,
                     "kind": r.kind, "data": r.data, "prev_digest": r.prev_digest,
                     "digest": r.digest} for r in rows],
    }


SEALED = "minutes.sealed"


@dataclass(frozen=True)
class ChainCheck:
    """What checking a meeting's record found. `problem` is None when the record is whole:
    "sequence" (an entry missing or out of order), "link" (an entry does not name the one
    before it), "edited" (an entry's content no longer matches its digest), "truncated" (the
    record stops before the digest the signed minutes carry) or "unsigned" (that digest is not
    in the record at all); `seq` is the entry where it shows."""

    problem: str | None
    seq: int | None = None
    last_digest: str | None = None

    @property
    def intact(self) -> bool:
        return self.problem is None


def check(rows: list[RecordEntry], signed_digest: str | None = None) -> ChainCheck:
    """Check the chain link by link and, when the minutes are sealed, against the digest they
    carry (`signed_digest`): the record must reach that digest and end with the seal itself,
    so entries cut off the end show as well as entries changed, removed or moved."""
    prev = GENESIS
    for expected_seq, row in enumerate(rows, start=1):
        if row.seq != expected_seq:
            return ChainCheck("sequence", expected_seq)
        if row.prev_digest != prev:
            return ChainCheck("link", row.seq)
        expected = _digest(prev, row.seq, row.at.isoformat(), row.actor_id, row.kind, row.data)
        if expected != row.digest:
            return ChainCheck("edited", row.seq)
        prev = row.digest
    if signed_digest is None:
        return ChainCheck(None, None, prev)
    signed_at = next((i for i, row in enumerate(rows) if row.digest == signed_digest), None)
    if signed_at is None:
        # A whole chain that never reaches the signed digest has lost its end (the seal's
        # entry with it); one that holds a seal of its own vouches for other minutes.
        sealed = any(row.kind == SEALED for row in rows)
        return ChainCheck("unsigned" if sealed else "truncated", len(rows) + 1)
    after = rows[signed_at + 1:]
    if not after:
        return ChainCheck("truncated", signed_at + 2)  # the seal's own entry was cut off
    if len(after) > 1 or after[0].kind != SEALED or \
            json.loads(after[0].data).get("record_digest") != signed_digest:
        # The seal's entry is the record's last word; anything else was written afterwards.
        return ChainCheck("unsigned", signed_at + 2)
    return ChainCheck(None, None, prev)
