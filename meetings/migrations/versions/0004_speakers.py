"""speakers list and written opinions (issue 5)

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ = (sa, sqlmodel, op)


def upgrade() -> None:
    op.create_table('opinions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('question', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('deadline', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('closed_by', sa.Integer(), nullable=True),
    sa.Column('rule_basis', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('rule_numerator', sa.Integer(), nullable=False),
    sa.Column('rule_denominator', sa.Integer(), nullable=False),
    sa.Column('rule_strict', sa.Boolean(), nullable=False),
    sa.Column('eligible', sa.Integer(), nullable=False),
    sa.Column('yes', sa.Integer(), nullable=True),
    sa.Column('no', sa.Integer(), nullable=True),
    sa.Column('abstain', sa.Integer(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['body_id'], ['bodies.id'], ),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_opinions_body_id'), 'opinions', ['body_id'], unique=False)
    op.create_index(op.f('ix_opinions_closed_at'), 'opinions', ['closed_at'], unique=False)
    op.create_index(op.f('ix_opinions_status'), 'opinions', ['status'], unique=False)
    op.create_table('opinion_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('opinion_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('choice', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('answered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['opinion_id'], ['opinions.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('opinion_id', 'user_id')
    )
    op.create_index(op.f('ix_opinion_answers_opinion_id'), 'opinion_answers', ['opinion_id'], unique=False)
    op.create_table('opinion_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('opinion_id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('filename', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('page_count', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['opinion_id'], ['opinions.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_opinion_documents_opinion_id'), 'opinion_documents', ['opinion_id'], unique=False)
    op.create_table('opinion_voters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('opinion_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['opinion_id'], ['opinions.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('opinion_id', 'user_id')
    )
    op.create_index(op.f('ix_opinion_voters_opinion_id'), 'opinion_voters', ['opinion_id'], unique=False)
    op.create_index(op.f('ix_opinion_voters_user_id'), 'opinion_voters', ['user_id'], unique=False)
    op.create_table('speaker_settings',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('default_seconds', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ),
    sa.PrimaryKeyConstraint('meeting_id')
    )
    op.create_table('speaker_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('limit_seconds', sa.Integer(), nullable=True),
    sa.Column('requested_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('ended_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('spoken_seconds', sa.Integer(), nullable=True),
    sa.Column('added_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['item_id'], ['agenda_items.id'], ),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_speaker_requests_meeting_id'), 'speaker_requests', ['meeting_id'], unique=False)
    op.create_index(op.f('ix_speaker_requests_user_id'), 'speaker_requests', ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_speaker_requests_user_id'), table_name='speaker_requests')
    op.drop_index(op.f('ix_speaker_requests_meeting_id'), table_name='speaker_requests')
    op.drop_table('speaker_requests')
    op.drop_table('speaker_settings')
    op.drop_index(op.f('ix_opinion_voters_user_id'), table_name='opinion_voters')
    op.drop_index(op.f('ix_opinion_voters_opinion_id'), table_name='opinion_voters')
    op.drop_table('opinion_voters')
    op.drop_index(op.f('ix_opinion_documents_opinion_id'), table_name='opinion_documents')
    op.drop_table('opinion_documents')
    op.drop_index(op.f('ix_opinion_answers_opinion_id'), table_name='opinion_answers')
    op.drop_table('opinion_answers')
    op.drop_index(op.f('ix_opinions_status'), table_name='opinions')
    op.drop_index(op.f('ix_opinions_closed_at'), table_name='opinions')
    op.drop_index(op.f('ix_opinions_body_id'), table_name='opinions')
    op.drop_table('opinions')
