"""The archive's two full-text engines behind one interface: SQLite FTS5 (the embedded
default) and PostgreSQL full-text search (the server option). Both index the folded words of
`archive_entries` in the table `archive_fts` that migrations 0050 and 0100 made for the
dialect.

A search asks an engine for the newest passages that hold every word and pass the filters and
access rules, each with its rank, in one walk down the index: newest first is the order both
indexes give for free; an archivist's bodies are narrowed by the index itself (a token per
passage, `words.body_facet`); the other filters read each passage's meeting and kind beside
the index (`kind`, `meeting_id`: never the row holding the passage's text) and
`archive_meetings`; and the rank is computed only for the rows returned."""

from __future__ import annotations

from typing import Any, Protocol

import sqlalchemy as sa
from sqlmodel import Session, col

from meetings.archive_search.words import body_facet
from meetings.models import ArchiveMeeting


class Engine(Protocol):
    name: str
    kind: Any  # the passage's kind and meeting, as the walk reads them (for `where`)
    meeting_id: Any

    def index(self, session: Session, ids: list[int]) -> None:
        """Index the entries with these ids."""

    def unindex(self, session: Session, meeting_id: int) -> None:
        """Take a meeting's entries out of the index (before the entries are deleted)."""

    def newest(self, session: Session, words: list[str], where: list[Any], limit: int,
               bodies: list[int] | None = None) -> list[tuple[int, float]]:
        """The newest `limit` passages holding every word, of one of `bodies` (None: any)
        and meeting `where` (clauses on `ArchiveMeeting` and the engine's `kind` and
        `meeting_id`), newest first, each with its rank (smaller is better)."""

    def size(self, session: Session) -> int:
        """Bytes the index and the entries take."""


def _walk(joined: Any, fts_id: Any, meeting_id: Any, match: Any, rank: Any, where: list[Any],
          limit: int) -> sa.Select[Any]:
    return (sa.select(fts_id, rank.label("rank"))
            .select_from(joined.join(ArchiveMeeting,
                                     col(ArchiveMeeting.meeting_id) == meeting_id))
            .where(match, *where).order_by(fts_id.desc()).limit(limit))


class Fts5:
    """SQLite: an FTS5 table with external content (the entries' `folded` and `facets`
    columns), ranked with bm25; each passage's meeting and kind in `archive_fts_passages`."""

    name = "sqlite-fts5"
    _fts = sa.table("archive_fts", sa.column("rowid"))
    _passages = sa.table("archive_fts_passages", sa.column("id"), sa.column("meeting_id"),
                         sa.column("kind"))
    kind = _passages.c.kind
    meeting_id = _passages.c.meeting_id

    def index(self, session: Session, ids: list[int]) -> None:
        session.execute(
            sa.text("INSERT INTO archive_fts_passages (id, meeting_id, kind) "
                    "SELECT id, meeting_id, kind FROM archive_entries WHERE id IN :ids")
            .bindparams(sa.bindparam("ids", expanding=True)), {"ids": ids})
        session.execute(
            sa.text("INSERT INTO archive_fts (rowid, folded, facets) SELECT id, folded, facets "
                    "FROM archive_entries WHERE id IN :ids")
            .bindparams(sa.bindparam("ids", expanding=True)), {"ids": ids})

    def unindex(self, session: Session, meeting_id: int) -> None:
        # External content: FTS5 forgets a row only when told the very text it indexed.
        session.execute(sa.text(
            "INSERT INTO archive_fts (archive_fts, rowid, folded, facets) "
            "SELECT 'delete', id, folded, facets FROM archive_entries WHERE meeting_id = :m"),
            {"m": meeting_id})
        session.execute(sa.text("DELETE FROM archive_fts_passages WHERE meeting_id = :m"),
                        {"m": meeting_id})

    def newest(self, session: Session, words: list[str], where: list[Any], limit: int,
               bodies: list[int] | None = None) -> list[tuple[int, float]]:
        if bodies == []:
            return []
        expression = " ".join(f'"{w}"' for w in words)  # words are letters and digits only
        if bodies is not None:
            expression = (f"({expression}) AND facets : ("
                          + " OR ".join(f'"{body_facet(b)}"' for b in bodies) + ")")
        table: Any = sa.literal_column("archive_fts")
        # the facets column weighs nothing in the rank: it is a filter, not words
        joined = self._fts.join(self._passages, self._passages.c.id == self._fts.c.rowid)
        query = _walk(joined, self._fts.c.rowid, self.meeting_id, table.op("MATCH")(expression),
                      sa.func.bm25(table, 1.0, 0.0), where, limit)
        return [(int(i), float(r)) for i, r in session.execute(query).all()]

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
    _fts = sa.table("archive_fts", sa.column("id"), sa.column("tsv"), sa.column("meeting_id"),
                    sa.column("kind"))
    kind = _fts.c.kind
    meeting_id = _fts.c.meeting_id

    def index(self, session: Session, ids: list[int]) -> None:
        session.execute(
            sa.text("INSERT INTO archive_fts (id, tsv, meeting_id, kind) "
                    "SELECT id, to_tsvector('simple', folded || ' ' || facets), meeting_id, kind "
                    "FROM archive_entries WHERE id IN :ids")
            .bindparams(sa.bindparam("ids", expanding=True)), {"ids": ids})

    def unindex(self, session: Session, meeting_id: int) -> None:
        session.execute(sa.text("DELETE FROM archive_fts WHERE meeting_id = :m"),
                        {"m": meeting_id})

    def newest(self, session: Session, words: list[str], where: list[Any], limit: int,
               bodies: list[int] | None = None) -> list[tuple[int, float]]:
        if bodies == []:
            return []
        config: Any = sa.literal_column("'simple'::regconfig")
        ranked = sa.func.to_tsquery(config, " & ".join(words))
        wanted = ranked if bodies is None else sa.func.to_tsquery(
            config, " & ".join(words) + " & (" + " | ".join(body_facet(b) for b in bodies) + ")")
        # Normalisation 1 (rank / (1 + log(length))): a short passage holding the words ranks
        # above a long page that holds them as often, as bm25 does on SQLite. The body's
        # token narrows; only the words rank.
        query = _walk(self._fts, self._fts.c.id, self.meeting_id, self._fts.c.tsv.op("@@")(wanted),
                      -sa.func.ts_rank(self._fts.c.tsv, ranked, 1), where, limit)
        return [(int(i), float(r)) for i, r in session.execute(query).all()]

    def size(self, session: Session) -> int:
        return int(session.execute(sa.text(
            "SELECT pg_total_relation_size('archive_fts') + "
            "pg_total_relation_size('archive_entries')")).scalar() or 0)


def engine_for(session: Session) -> Engine:
    dialect = session.get_bind().dialect.name
    return Fts5() if dialect == "sqlite" else PostgresFts()
