"""The archive's two full-text engines behind one interface: SQLite FTS5 (the embedded
default) and PostgreSQL full-text search (the server option). Both index the folded words of
`archive_entries` in the table `archive_fts` that migration 0050 made for the dialect."""

from __future__ import annotations

from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.sql import Select
from sqlmodel import Session, col

from meetings.models import ArchiveEntry


class Engine(Protocol):
    name: str

    def index(self, session: Session, first_id: int, last_id: int) -> None:
        """Index the entries whose ids are in [first_id, last_id]."""

    def unindex(self, session: Session, meeting_id: int) -> None:
        """Take a meeting's entries out of the index (before the entries are deleted)."""

    def match(self, query: Select[Any], words: list[str], floor: int | None = None
              ) -> tuple[Select[Any], Any]:
        """The query narrowed to entries holding every word (with ids above `floor`, when
        given), and a rank (smaller is better)."""

    def floor(self, session: Session, words: list[str], newest: int) -> int | None:
        """When more than `newest` entries hold every word, the id below which the older
        ones lie (ranking them all would cost a score each); else None."""

    def size(self, session: Session) -> int:
        """Bytes the index and the entries take."""


class Fts5:
    """SQLite: an FTS5 table with external content (the entries' `folded` column), ranked
    with bm25."""

    name = "sqlite-fts5"
    _fts = sa.table("archive_fts", sa.column("rowid"))

    def index(self, session: Session, first_id: int, last_id: int) -> None:
        session.execute(sa.text(
            "INSERT INTO archive_fts (rowid, folded) SELECT id, folded FROM archive_entries "
            "WHERE id BETWEEN :a AND :b"), {"a": first_id, "b": last_id})

    def unindex(self, session: Session, meeting_id: int) -> None:
        # External content: FTS5 forgets a row only when told the very text it indexed.
        session.execute(sa.text(
            "INSERT INTO archive_fts (archive_fts, rowid, folded) SELECT 'delete', id, folded "
            "FROM archive_entries WHERE meeting_id = :m"), {"m": meeting_id})

    def match(self, query: Select[Any], words: list[str], floor: int | None = None
              ) -> tuple[Select[Any], Any]:
        expression = " ".join(f'"{w}"' for w in words)  # words are letters and digits only
        query = query.join(self._fts, self._fts.c.rowid == col(ArchiveEntry.id)).where(
            sa.literal_column("archive_fts").op("MATCH")(expression))
        if floor is not None:  # on the FTS table's rowid, where FTS5 can use it
            query = query.where(self._fts.c.rowid > floor)
        return query, sa.func.bm25(sa.literal_column("archive_fts"))

    def floor(self, session: Session, words: list[str], newest: int) -> int | None:
        # FTS5 walks a doclist in rowid order at no cost; bm25 is what costs.
        found = session.execute(sa.text(
            "SELECT rowid FROM archive_fts WHERE archive_fts MATCH :m ORDER BY rowid DESC "
            "LIMIT 1 OFFSET :n"), {"m": " ".join(f'"{w}"' for w in words), "n": newest}
        ).scalar()
        return None if found is None else int(found)

    def size(self, session: Session) -> int:
        try:
            return int(session.execute(sa.text(
                "SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'archive%'")).scalar() or 0)
        except sa.exc.OperationalError:  # SQLite built without dbstat
            page = int(session.execute(sa.text("PRAGMA page_size")).scalar() or 0)
            return page * int(session.execute(sa.text("PRAGMA page_count")).scalar() or 0)


class PostgresFts:
    """PostgreSQL: `tsvector`s of the folded words ('simple' configuration: no stemming, no
    stop words, no extension) under a GIN index, ranked with ts_rank."""

    name = "postgresql-tsvector"
    _fts = sa.table("archive_fts", sa.column("id"), sa.column("tsv"))

    def index(self, session: Session, first_id: int, last_id: int) -> None:
        session.execute(sa.text(
            "INSERT INTO archive_fts (id, tsv) SELECT id, to_tsvector('simple', folded) "
            "FROM archive_entries WHERE id BETWEEN :a AND :b"), {"a": first_id, "b": last_id})

    def unindex(self, session: Session, meeting_id: int) -> None:
        session.execute(sa.text(
            "DELETE FROM archive_fts WHERE id IN "
            "(SELECT id FROM archive_entries WHERE meeting_id = :m)"), {"m": meeting_id})

    def match(self, query: Select[Any], words: list[str], floor: int | None = None
              ) -> tuple[Select[Any], Any]:
        tsquery = sa.func.to_tsquery(sa.literal_column("'simple'::regconfig"), " & ".join(words))
        query = query.join(self._fts, self._fts.c.id == col(ArchiveEntry.id)).where(
            self._fts.c.tsv.op("@@")(tsquery))
        if floor is not None:
            query = query.where(self._fts.c.id > floor)
        # Normalisation 1 (rank / (1 + log(length))): a short passage holding the words ranks
        # above a long page that holds them as often, as bm25 does on SQLite.
        return query, -sa.func.ts_rank(self._fts.c.tsv, tsquery, 1)

    def floor(self, session: Session, words: list[str], newest: int) -> int | None:
        found = session.execute(sa.text(
            "SELECT id FROM archive_fts WHERE tsv @@ to_tsquery('simple', :m) ORDER BY id DESC "
            "LIMIT 1 OFFSET :n"), {"m": " & ".join(words), "n": newest}).scalar()
        return None if found is None else int(found)

    def size(self, session: Session) -> int:
        return int(session.execute(sa.text(
            "SELECT pg_total_relation_size('archive_fts') + "
            "pg_total_relation_size('archive_entries')")).scalar() or 0)


def engine_for(session: Session) -> Engine:
    dialect = session.get_bind().dialect.name
    return Fts5() if dialect == "sqlite" else PostgresFts()
