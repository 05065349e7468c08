"""The audit log: who did what and when (logins, ok and failed; role changes; deactivations;
keys, vote rules, quorums and retention periods; the scans of seals and signatures; seals;
disposals of sealed meetings), for the administrator to read and filter.

An entry is written in the same transaction as the change it records, so a change that was
rolled back leaves no entry; a failed login has nothing to roll back and writes its own.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from meetings.errors import invalid
from meetings.models import AuditEntry, User, utcnow

# The action codes an entry may carry; the web app names each in Vietnamese and English.
ACTIONS = (
    "login.ok", "login.failed", "login.throttled", "login.unlocked",
    "user.created", "user.edited", "user.role", "user.deactivated", "user.reactivated",
    "user.password_reset", "user.devices_wiped",
    "body.created", "body.edited", "body.kind", "body.quorum", "body.rules",
    "body.member_added", "body.member_edited", "body.member_removed",
    "body.key_generated", "body.key_installed", "body.retention",
    "body.seal_set", "body.seal_removed", "user.signature_set", "user.signature_removed",
    "meeting.role", "minutes.sealed", "archive.disposed",
)
PAGE = 100


def record(session: Session, actor_id: int | None, action: str, target: str = "",
           **details: Any) -> AuditEntry:
    assert action in ACTIONS, action
    entry = AuditEntry(at=utcnow(), actor_id=actor_id, action=action, target=target[:200],
                       details=json.dumps(details, ensure_ascii=False, default=str))
    session.add(entry)
    return entry


def entries(session: Session, *, actor_id: int | None = None, action: str | None = None,
            since: datetime | None = None, until: datetime | None = None,
            before_id: int | None = None, limit: int = PAGE) -> list[dict[str, Any]]:
    """The newest entries first, filtered; `before_id` pages on (the last id seen).
    `action` may name one code ("login.failed") or a family ("login")."""
    if action and action not in ACTIONS and not any(a.startswith(action + ".")
                                                    for a in ACTIONS):
        raise invalid("bad_action", "Không có loại thao tác này trong nhật ký.",
                      "There is no such action in the audit log.")
    query = select(AuditEntry, User).join(
        User, col(User.id) == col(AuditEntry.actor_id), isouter=True)
    if actor_id is not None:
        query = query.where(AuditEntry.actor_id == actor_id)
    if action:
        query = query.where((col(AuditEntry.action) == action)
                            | col(AuditEntry.action).startswith(action + "."))
    if since is not None:
        query = query.where(col(AuditEntry.at) >= since)
    if until is not None:
        query = query.where(col(AuditEntry.at) < until)
    if before_id is not None:
        query = query.where(col(AuditEntry.id) < before_id)
    rows = session.exec(query.order_by(col(AuditEntry.id).desc()).limit(max(1, min(limit, PAGE))))
    return [entry_view(e, u) for e, u in rows]


def entry_view(e: AuditEntry, actor: User | None) -> dict[str, Any]:
    return {
        "id": e.id,
        "at": e.at.isoformat(),
        "actor_id": e.actor_id,
        "actor": {"username": actor.username, "full_name": actor.full_name} if actor else None,
        "action": e.action,
        "target": e.target,
        "details": json.loads(e.details or "{}"),
    }
