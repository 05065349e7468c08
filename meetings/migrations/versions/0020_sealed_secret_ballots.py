"""secret ballots sealed under a key kept outside the database

The content of a secret ballot was stored in clear (choice, marks) beside its receipt, written
in the same transaction: on PostgreSQL a join on `xmin` linked voters to choices. Contents are
now sealed (meetings.votes.secrecy) and deleted at close. Closed and cancelled votes keep
their counts on the vote; their old content rows are deleted here. Upgrading while a secret
vote is open is refused: close it first.

Revision ID: 0020
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0020'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    open_secret = bind.execute(sa.text(
        "SELECT count(*) FROM votes WHERE kind = 'secret' AND status = 'open'")).scalar_one()
    if open_secret:
        raise RuntimeError("A secret vote is open: close it, then upgrade. / Đang có biểu "
                           "quyết kín chưa kết thúc: vui lòng kết thúc rồi nâng cấp.")
    op.drop_index('ix_secret_ballots_vote_id', table_name='secret_ballots')
    op.drop_table('secret_ballots')
    op.create_table('secret_ballots',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('vote_id', sa.Integer(), nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['vote_id'], ['votes.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sqlite_with_rowid=False
    )
    op.create_index('ix_secret_ballots_vote_id', 'secret_ballots', ['vote_id'], unique=False)
    with op.batch_alter_table('votes') as batch:
        batch.add_column(sa.Column('ballot_salt', sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("sealed secret ballots cannot be unsealed into the old table")
