"""annotations (issue 11 §2): ink, highlights, notes and text boxes on pages, who they are
shared with, and the changes already applied; the private text notes become annotations of
kind `note` (id "note-<old id>", top right of their page) and the `notes` table goes.

Revision ID: 0070
Revises: 0060
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0070'
down_revision: str | None = '0060'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOTE_COLOR = '#f9a825'  # the sticky note's yellow (static/js: the notes' default colour)


def upgrade() -> None:
    op.create_table(
        'annotations',
        sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('page', sa.Integer(), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('color', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column('data', sa.Text(), nullable=False),
        sa.Column('placement', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('origin_version', sa.Integer(), nullable=False),
        sa.Column('origin_page', sa.Integer(), nullable=False),
        sa.Column('rev', sa.Integer(), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('annotations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annotations_document_id'), ['document_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_annotations_meeting_id'), ['meeting_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_annotations_user_id'), ['user_id'], unique=False)
    op.create_table(
        'annotation_shares',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('annotation_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['annotation_id'], ['annotations.id'], ),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('annotation_shares', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annotation_shares_annotation_id'),
                              ['annotation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_annotation_shares_user_id'), ['user_id'],
                              unique=False)
    op.create_table(
        'annotation_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column('annotation_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('applied_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'key'),
    )
    _notes_to_annotations()
    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notes_user_id'))
        batch_op.drop_index(batch_op.f('ix_notes_document_id'))
    op.drop_table('notes')


def _notes_to_annotations() -> None:
    """Every private note, kept whole: on the page it was written on, of the document's
    current version (notes had no version: they were read against the current one)."""
    bind = op.get_bind()
    when = sqlmodel.sql.sqltypes.UTCDateTime
    notes = sa.table('notes', sa.column('id', sa.Integer), sa.column('user_id', sa.Integer),
                     sa.column('document_id', sa.Integer), sa.column('page', sa.Integer),
                     sa.column('text', sa.Text), sa.column('created_at', when()),
                     sa.column('updated_at', when()))
    documents = sa.table('documents', sa.column('id', sa.Integer),
                         sa.column('meeting_id', sa.Integer))
    versions = sa.table('document_versions', sa.column('document_id', sa.Integer),
                        sa.column('number', sa.Integer))
    newest = (sa.select(sa.func.max(versions.c.number))
              .where(versions.c.document_id == notes.c.document_id).scalar_subquery())
    rows = bind.execute(
        sa.select(notes.c.id, notes.c.user_id, notes.c.document_id, notes.c.page, notes.c.text,
                  notes.c.created_at, notes.c.updated_at, documents.c.meeting_id,
                  newest.label('version'))
        .select_from(notes.join(documents, documents.c.id == notes.c.document_id))
        .order_by(notes.c.id)).all()
    table = sa.table(
        'annotations', sa.column('id', sa.String), sa.column('user_id', sa.Integer),
        sa.column('meeting_id', sa.Integer), sa.column('document_id', sa.Integer),
        sa.column('version', sa.Integer), sa.column('page', sa.Integer),
        sa.column('kind', sa.String), sa.column('color', sa.String),
        sa.column('data', sa.Text), sa.column('placement', sa.String),
        sa.column('origin_version', sa.Integer), sa.column('origin_page', sa.Integer),
        sa.column('rev', sa.Integer),
        sa.column('created_at', sqlmodel.sql.sqltypes.UTCDateTime()),
        sa.column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime()))
    moved = [{
        'id': f'note-{r.id}', 'user_id': r.user_id, 'meeting_id': r.meeting_id,
        'document_id': r.document_id, 'version': r.version or 1, 'page': r.page,
        'kind': 'note', 'color': NOTE_COLOR,
        'data': json.dumps({'x': 0.95, 'y': 0.05, 'text': r.text}, ensure_ascii=False),
        'placement': 'placed', 'origin_version': r.version or 1, 'origin_page': r.page,
        'rev': 1, 'created_at': r.created_at, 'updated_at': r.updated_at,
    } for r in rows]
    if moved:
        op.bulk_insert(table, moved)


def downgrade() -> None:
    op.create_table(
        'notes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('page', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notes_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notes_user_id'), ['user_id'], unique=False)
    # Sticky notes go back to text notes (with a new id); ink, highlights and text boxes had
    # no place before this revision and are dropped.
    bind = op.get_bind()
    annotations = sa.table(
        'annotations', sa.column('id', sa.String), sa.column('user_id', sa.Integer),
        sa.column('document_id', sa.Integer), sa.column('page', sa.Integer),
        sa.column('kind', sa.String), sa.column('data', sa.Text),
        sa.column('created_at', sqlmodel.sql.sqltypes.UTCDateTime()),
        sa.column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime()))
    rows = bind.execute(
        sa.select(annotations.c.user_id, annotations.c.document_id, annotations.c.page,
                  annotations.c.data, annotations.c.created_at, annotations.c.updated_at)
        .where(annotations.c.kind == 'note')
        .order_by(annotations.c.created_at, annotations.c.id)).all()
    notes = sa.table(
        'notes', sa.column('user_id', sa.Integer), sa.column('document_id', sa.Integer),
        sa.column('page', sa.Integer), sa.column('text', sa.Text),
        sa.column('created_at', sqlmodel.sql.sqltypes.UTCDateTime()),
        sa.column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime()))
    back = [{'user_id': r.user_id, 'document_id': r.document_id, 'page': r.page,
             'text': json.loads(r.data).get('text', ''), 'created_at': r.created_at,
             'updated_at': r.updated_at} for r in rows]
    back = [n for n in back if n['text'].strip()]
    if back:
        op.bulk_insert(notes, back)
    op.drop_table('annotation_changes')
    with op.batch_alter_table('annotation_shares', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annotation_shares_user_id'))
        batch_op.drop_index(batch_op.f('ix_annotation_shares_annotation_id'))
    op.drop_table('annotation_shares')
    with op.batch_alter_table('annotations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annotations_user_id'))
        batch_op.drop_index(batch_op.f('ix_annotations_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_annotations_document_id'))
    op.drop_table('annotations')
