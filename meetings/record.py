"""The meeting record: an append-only, hash-chained log of what happened in a meeting.

Each entry's digest is SHA-256 over the previous digest and the entry's canonical JSON, so the
last digest, printed in the sealed minutes, vouches for every entry before it.
"""

from __future__ import annotations

import hashlib
import json
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
    prev = GENESIS
    for expected_seq, row in enumerate(rows, start=1):
        if row.seq != expected_seq or row.prev_digest != prev:
            return None
        expected = _digest(prev, row.seq, row.at.isoformat(), row.actor_id, row.kind, row.data)
        if expected != row.digest:
            return None
        prev = row.digest
    return prev
