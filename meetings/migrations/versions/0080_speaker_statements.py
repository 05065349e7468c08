"""speaker statements (issue 14 §5): what each speaker said on a turn, in the secretary's words,
for the minutes ("Ý kiến phát biểu"); empty for the turns that have none.

Revision ID: 0080
Revises: 0070
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0080'
down_revision: str | None = '0070'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('speaker_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('statement', sa.Text(), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('speaker_requests', schema=None) as batch_op:
        batch_op.drop_column('statement')
