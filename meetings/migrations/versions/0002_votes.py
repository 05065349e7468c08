"""votes and attendance (issue 5)

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ = sqlmodel


def upgrade() -> None:
    op.create_table('ballot_receipts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vote_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('cast_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['vote_id'], ['votes.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('vote_id', 'user_id')
    )
    with op.batch_alter_table('ballot_receipts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballot_receipts_vote_id'), ['vote_id'], unique=False)

    op.create_table('secret_ballots',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('vote_id', sa.Integer(), nullable=False),
    sa.Column('choice', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('marks', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.ForeignKeyConstraint(['vote_id'], ['votes.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('secret_ballots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_secret_ballots_vote_id'), ['vote_id'], unique=False)

    op.create_table('vote_voters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vote_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('present', sa.Boolean(), nullable=False),
    sa.Column('proxy_user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['vote_id'], ['votes.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('vote_id', 'user_id')
    )
    with op.batch_alter_table('vote_voters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vote_voters_vote_id'), ['vote_id'], unique=False)

    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.add_column(sa.Column('marks', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('cast_by', sa.Integer(), nullable=True))

    with op.batch_alter_table('bodies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rule_tie', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False, server_default='fails'))
        batch_op.add_column(sa.Column('quorum_numerator', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('quorum_denominator', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('proxies_allowed', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('default_vote_kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False, server_default='named'))

    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attendance', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('absence_reason', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('proxy_user_id', sa.Integer(), nullable=True))

    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False, server_default='named'))
        batch_op.add_column(sa.Column('options', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('min_marks', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('max_marks', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('rule_tie', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False, server_default='fails'))
        batch_op.add_column(sa.Column('closes_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('present', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('quorum_required', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('quorum_overridden', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('counts', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('cancel_reason', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False, server_default=''))



def downgrade() -> None:
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.drop_column('cancel_reason')
        batch_op.drop_column('counts')
        batch_op.drop_column('quorum_overridden')
        batch_op.drop_column('quorum_required')
        batch_op.drop_column('present')
        batch_op.drop_column('closes_at')
        batch_op.drop_column('rule_tie')
        batch_op.drop_column('max_marks')
        batch_op.drop_column('min_marks')
        batch_op.drop_column('options')
        batch_op.drop_column('kind')

    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_column('proxy_user_id')
        batch_op.drop_column('absence_reason')
        batch_op.drop_column('attendance')

    with op.batch_alter_table('bodies', schema=None) as batch_op:
        batch_op.drop_column('default_vote_kind')
        batch_op.drop_column('proxies_allowed')
        batch_op.drop_column('quorum_denominator')
        batch_op.drop_column('quorum_numerator')
        batch_op.drop_column('rule_tie')

    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.drop_column('cast_by')
        batch_op.drop_column('marks')

    with op.batch_alter_table('vote_voters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vote_voters_vote_id'))

    op.drop_table('vote_voters')
    with op.batch_alter_table('secret_ballots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_secret_ballots_vote_id'))

    op.drop_table('secret_ballots')
    with op.batch_alter_table('ballot_receipts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ballot_receipts_vote_id'))

    op.drop_table('ballot_receipts')
