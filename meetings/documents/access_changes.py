"""Which written rows can change who may see a document's pages, noticed as they are flushed.

A server remembers whom it gave a document's pages (`phonghop.page_access`), so that a page
turn in a room of a thousand tablets costs no database read per tablet. What it remembers
must go the moment a write could make it wrong: a meeting's status or publication, a
participant added, removed or given another role, a document moved, withdrawn, removed or
replaced (a new version), the meeting made confidential, a person kept out of an item, a
person's global role or account, a login revoked. This module marks the session that wrote
such a row (`changed(session)` after the commit); the database's after-commit hook passes
that on. Check-ins, page turns, votes, notes, annotations and logins write other rows, other
columns or rows that take nothing away, and leave it alone.

Unknown is changed: a bulk UPDATE or DELETE statement on one of these tables counts whatever
its columns.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState
from sqlmodel import Session, SQLModel

from meetings.models import (
    AuthSession,
    Document,
    DocumentPolicy,
    DocumentVersion,
    ItemExclusion,
    Meeting,
    Participant,
    User,
)

FLAG = "meetings.documents.access_changed"

# A class and the columns whose change matters (None: any column).
WATCHED: dict[type[SQLModel], frozenset[str] | None] = {
    Meeting: frozenset({"status", "published_at"}),
    Participant: frozenset({"meeting_id", "user_id", "role"}),
    Document: None,
    DocumentVersion: None,
    DocumentPolicy: None,
    ItemExclusion: None,
    User: frozenset({"global_role", "active"}),
    AuthSession: frozenset({"token_hash", "user_id", "expires_at", "revoked_at"}),
}
TABLES = frozenset(str(cls.__tablename__) for cls in WATCHED)
# New rows of these take nothing away from anyone (what a server remembers is only ever a
# page allowed): a login storm or a new meeting must not make every process forget.
NEW_CHANGES_NOTHING: frozenset[type[SQLModel]] = frozenset({AuthSession, User, Meeting})


def changed(session: Session) -> bool:
    """Whether this session wrote a row that may change who sees a document's pages."""
    return bool(session.info.get(FLAG))


def _row_matters(obj: Any) -> bool:
    columns = WATCHED[type(obj)]
    if columns is None:
        return True
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in columns)


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    if session.info.get(FLAG):
        return
    for obj in session.new:
        if type(obj) in WATCHED and type(obj) not in NEW_CHANGES_NOTHING:
            session.info[FLAG] = True
            return
    for obj in session.deleted:
        if type(obj) in WATCHED:
            session.info[FLAG] = True
            return
    for obj in session.dirty:
        if type(obj) in WATCHED and _row_matters(obj):
            session.info[FLAG] = True
            return


def _on_execute(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in TABLES:
        state.session.info[FLAG] = True


event.listen(Session, "before_flush", _before_flush)
event.listen(Session, "do_orm_execute", _on_execute)
