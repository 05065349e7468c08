"""integrity checks (issue 15 §4): each run of the scheduled check of stored files and records

Revision ID: 0060
Revises: 0030
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0060'
down_revision: str | None = '0030'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'integrity_checks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('finished_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('trigger', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('files_checked', sa.Integer(), nullable=False),
        sa.Column('meetings_checked', sa.Integer(), nullable=False),
        sa.Column('ok', sa.Boolean(), nullable=False),
        sa.Column('damage', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade() -> None:
    op.drop_table('integrity_checks')
