"""speaker_requests.request_key (issue 13 §3): the idempotency key a tablet makes when a member
asks for the floor, offline or not. The same key from the same person in the same meeting names
one request: a second arrival (a reply lost, the outbox sent again) is answered with it. Requests
made before this migration have none (NULL), and NULLs never collide.

Revision ID: 0140
Revises: 0130
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0140'
down_revision: str | None = '0130'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('speaker_requests') as batch:
        batch.add_column(sa.Column('request_key', sa.String(length=64), nullable=True))
        batch.create_unique_constraint(
            'uq_speaker_requests_meeting_id_added_by_request_key',
            ['meeting_id', 'added_by', 'request_key'],
        )


def downgrade() -> None:
    with op.batch_alter_table('speaker_requests') as batch:
        batch.drop_constraint('uq_speaker_requests_meeting_id_added_by_request_key', type_='unique')
        batch.drop_column('request_key')
