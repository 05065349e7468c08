"""the room screen: how long a vote's result stays up, and which one is up (issue 10)

Revision ID: 0011
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0011'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('room_screens',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('result_seconds', sa.Integer(), nullable=True),
    sa.Column('result_vote_id', sa.Integer(), nullable=True),
    sa.Column('result_shown_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ),
    sa.ForeignKeyConstraint(['result_vote_id'], ['votes.id'], ),
    sa.PrimaryKeyConstraint('meeting_id')
    )


def downgrade() -> None:
    op.drop_table('room_screens')
