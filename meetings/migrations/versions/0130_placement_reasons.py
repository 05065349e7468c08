"""annotations.placement_reason (issue 11 §3): why a new version of the document could not place
an annotation (text_not_found, text_ambiguous, ...), shown beside it in the owner's list of
unplaced annotations. Those unplaced before this migration have no reason recorded (NULL),
and the list shows none for them.

Revision ID: 0130
Revises: 0120
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0130'
down_revision: str | None = '0120'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('annotations') as batch:
        batch.add_column(sa.Column('placement_reason', sa.String(length=24), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('annotations') as batch:
        batch.drop_column('placement_reason')
