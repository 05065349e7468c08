"""archive search (issue 15 §1): the searchable passages of sealed meetings, their filters,
and each engine's full-text index, `archive_fts`:

- SQLite: an FTS5 table over `archive_entries.folded` (external content, rowid = entry id);
- PostgreSQL: a table of `tsvector`s ('simple' configuration: the text is folded in Python,
  so no `unaccent` extension, which needs a superuser) with a GIN index.

The index is filled when a meeting is sealed; meetings sealed before this revision are indexed
at start-up (`meetings.archive_search.backfill`).

Revision ID: 0050
Revises: 0021
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0050'
down_revision: str | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'archive_meetings',
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('body_id', sa.Integer(), nullable=False),
        sa.Column('starts_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=True),
        sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('signers', sa.Text(), nullable=False),
        sa.Column('participants', sa.Text(), nullable=False),
        sa.Column('votes_passed', sa.Integer(), nullable=False),
        sa.Column('votes_failed', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['body_id'], ['bodies.id'], ),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ),
        sa.PrimaryKeyConstraint('meeting_id'),
    )
    with op.batch_alter_table('archive_meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_archive_meetings_body_id'), ['body_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_archive_meetings_starts_at'), ['starts_at'],
                              unique=False)
    op.create_table(
        'archive_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=True),
        sa.Column('page', sa.Integer(), nullable=True),
        sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('folded', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('archive_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_archive_entries_meeting_id'), ['meeting_id'],
                              unique=False)
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("CREATE VIRTUAL TABLE archive_fts USING fts5("
                   "folded, content='archive_entries', content_rowid='id', "
                   "tokenize='unicode61 remove_diacritics 0')")
    else:
        op.execute("CREATE TABLE archive_fts (id INTEGER PRIMARY KEY "
                   "REFERENCES archive_entries (id) ON DELETE CASCADE, tsv tsvector NOT NULL)")
        op.execute("CREATE INDEX archive_fts_tsv ON archive_fts USING GIN (tsv)")


def downgrade() -> None:
    op.execute("DROP TABLE archive_fts")
    with op.batch_alter_table('archive_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_archive_entries_meeting_id'))
    op.drop_table('archive_entries')
    with op.batch_alter_table('archive_meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_archive_meetings_starts_at'))
        batch_op.drop_index(batch_op.f('ix_archive_meetings_body_id'))
    op.drop_table('archive_meetings')
