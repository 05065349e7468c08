"""retention and disposal (issue 15 §4): each body's retention period per kind of record, and
the tombstones of sealed meetings disposed of after theirs

Revision ID: 0090
Revises: 0080
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0090'
down_revision: str | None = '0080'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'retention_periods',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('body_id', sa.Integer(), nullable=False),
        sa.Column('record_kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('years', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['body_id'], ['bodies.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('body_id', 'record_kind'),
    )
    with op.batch_alter_table('retention_periods', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_retention_periods_body_id'), ['body_id'],
                              unique=False)
    op.create_table(
        'disposals',
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('body_id', sa.Integer(), nullable=False),
        sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column('meeting_kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('starts_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('minutes_number', sa.Integer(), nullable=True),
        sa.Column('minutes_code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('sealed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('record_digest', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column('minutes_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column('retention_years', sa.Integer(), nullable=False),
        sa.Column('disposed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('disposed_by', sa.Integer(), nullable=False),
        sa.Column('disposer_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['body_id'], ['bodies.id'], ),
        sa.ForeignKeyConstraint(['disposed_by'], ['users.id'], ),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ),
        sa.PrimaryKeyConstraint('meeting_id'),
    )
    with op.batch_alter_table('disposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disposals_body_id'), ['body_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_disposals_disposed_at'), ['disposed_at'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_disposals_minutes_sha256'), ['minutes_sha256'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('disposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disposals_minutes_sha256'))
        batch_op.drop_index(batch_op.f('ix_disposals_disposed_at'))
        batch_op.drop_index(batch_op.f('ix_disposals_body_id'))
    op.drop_table('disposals')
    with op.batch_alter_table('retention_periods', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_retention_periods_body_id'))
    op.drop_table('retention_periods')
