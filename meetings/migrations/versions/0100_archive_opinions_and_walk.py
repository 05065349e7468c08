"""archive search (issue 15 §1), written opinions and speed:

- a passage may be a written opinion form (phiếu lấy ý kiến) reported in a sealed meeting's
  minutes, or one member's answer to it: `archive_entries.author` names the member,
  `opinion_id` the form (the forms of meetings sealed before this revision are indexed at
  start-up, `meetings.archive_search.backfill`);
- each passage's meeting and kind where the engine's index walks them (on SQLite the narrow
  table `archive_fts_passages`, on PostgreSQL two columns of `archive_fts`), so that a search
  applies the filters and access rules without reading the passages' text;
- `archive_entries.facets`: a token naming the meeting's body ("zzbody3",
  `meetings.archive_search.words.body_facet`), which the index holds beside the words so that
  it narrows a search to an archivist's bodies by itself. On SQLite the FTS5 table is made
  again with a second column for it (weighted 0 in the rank) and rebuilt; on PostgreSQL the
  token is added to each `tsvector`.

Revision ID: 0100
Revises: 0090
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0100'
down_revision: str | None = '0090'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('archive_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('author', sqlmodel.sql.sqltypes.AutoString(length=300),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('opinion_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_archive_entries_opinion_id'), ['opinion_id'],
                              unique=False)
        batch_op.add_column(sa.Column('facets', sqlmodel.sql.sqltypes.AutoString(length=200),
                                      nullable=False, server_default=''))
    op.execute("UPDATE archive_entries SET facets = 'zzbody' || (SELECT m.body_id FROM "
               "archive_meetings m WHERE m.meeting_id = archive_entries.meeting_id)")
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("CREATE TABLE archive_fts_passages (id INTEGER PRIMARY KEY "
                   "REFERENCES archive_entries (id), meeting_id INTEGER NOT NULL, "
                   "kind VARCHAR(16) NOT NULL)")
        op.execute("INSERT INTO archive_fts_passages (id, meeting_id, kind) "
                   "SELECT id, meeting_id, kind FROM archive_entries")
        op.execute("DROP TABLE archive_fts")
        op.execute("CREATE VIRTUAL TABLE archive_fts USING fts5("
                   "folded, facets, content='archive_entries', content_rowid='id', "
                   "tokenize='unicode61 remove_diacritics 0')")
        op.execute("INSERT INTO archive_fts (archive_fts) VALUES ('rebuild')")
    else:
        op.execute("ALTER TABLE archive_fts ADD COLUMN meeting_id INTEGER, "
                   "ADD COLUMN kind VARCHAR(16)")
        op.execute("UPDATE archive_fts SET tsv = archive_fts.tsv || to_tsvector('simple', "
                   "e.facets), meeting_id = e.meeting_id, kind = e.kind "
                   "FROM archive_entries e WHERE e.id = archive_fts.id")
        op.execute("ALTER TABLE archive_fts ALTER COLUMN meeting_id SET NOT NULL, "
                   "ALTER COLUMN kind SET NOT NULL")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("DROP TABLE archive_fts_passages")
        op.execute("DROP TABLE archive_fts")
        op.execute("CREATE VIRTUAL TABLE archive_fts USING fts5("
                   "folded, content='archive_entries', content_rowid='id', "
                   "tokenize='unicode61 remove_diacritics 0')")
        op.execute("INSERT INTO archive_fts (archive_fts) VALUES ('rebuild')")
    else:
        op.execute("ALTER TABLE archive_fts DROP COLUMN meeting_id, DROP COLUMN kind")
        op.execute("UPDATE archive_fts SET tsv = to_tsvector('simple', e.folded) "
                   "FROM archive_entries e WHERE e.id = archive_fts.id")
    with op.batch_alter_table('archive_entries', schema=None) as batch_op:
        batch_op.drop_column('facets')
        batch_op.drop_index(batch_op.f('ix_archive_entries_opinion_id'))
        batch_op.drop_column('opinion_id')
        batch_op.drop_column('author')
