"""archive search of written opinions (issue 15 §1): a passage of the archive may be a written
opinion form (phiếu lấy ý kiến) reported in a sealed meeting's minutes, or one member's answer
to it; `author` names the member, `opinion_id` the form. The forms of meetings sealed before
this revision are indexed at start-up (`meetings.archive_search.backfill`).

Revision ID: 0100
Revises: 0070
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0100'
down_revision: str | None = '0070'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('archive_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('author', sqlmodel.sql.sqltypes.AutoString(length=300),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('opinion_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_archive_entries_opinion_id'), ['opinion_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('archive_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_archive_entries_opinion_id'))
        batch_op.drop_column('opinion_id')
        batch_op.drop_column('author')
