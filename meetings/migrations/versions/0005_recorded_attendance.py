"""attendance is what was recorded: a check-in without a recorded state becomes "present"

Until now a participant who checked in before attendance states existed had an empty state
and a check-in time, and three places each decided whether that meant present. From now on
the recorded state alone says it (meetings.roster).

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("UPDATE participants SET attendance = 'present' "
               "WHERE attendance = '' AND checked_in_at IS NOT NULL")


def downgrade() -> None:
    pass  # the states written are true before and after
