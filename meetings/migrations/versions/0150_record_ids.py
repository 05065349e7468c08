"""record_ids (issue 15 §2): for a meeting imported from an archival package, the exporting
server's ids its record entries name (people, items, documents, votes) and the rows they are
here, so that the archive's page reads an imported record as it read the original.

Revision ID: 0150
Revises: 0140
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0150'
down_revision: str | None = '0140'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'record_ids',
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('ids', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ),
        sa.PrimaryKeyConstraint('meeting_id'),
    )


def downgrade() -> None:
    op.drop_table('record_ids')
