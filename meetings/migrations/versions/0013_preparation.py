"""preparation (issue 10): sub-items, the meeting's kind, deadline and publication, the
documents' order, late marker and withdrawal

Existing documents keep their order (position = id); existing meetings have no computed
deadline (NULL) and count as published, so members keep seeing what they saw.

Revision ID: 0013
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0013'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parent_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_agenda_items_parent_id'), ['parent_id'],
                              unique=False)
        batch_op.create_foreign_key('fk_agenda_items_parent_id', 'agenda_items',
                                    ['parent_id'], ['id'])
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16),
                                      nullable=False, server_default='regular'))
        batch_op.add_column(sa.Column('documents_due_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('published_at', sqlmodel.sql.sqltypes.UTCDateTime(),
                                      nullable=True))
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('position', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('late', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('withdrawn_at', sqlmodel.sql.sqltypes.UTCDateTime(),
                                      nullable=True))
    op.execute("UPDATE documents SET position = id")
    op.execute("UPDATE meetings SET published_at = created_at")


def downgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_column('withdrawn_at')
        batch_op.drop_column('late')
        batch_op.drop_column('position')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_column('published_at')
        batch_op.drop_column('documents_due_on')
        batch_op.drop_column('kind')
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.drop_constraint('fk_agenda_items_parent_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_agenda_items_parent_id'))
        batch_op.drop_column('parent_id')
