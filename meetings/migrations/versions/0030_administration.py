"""administration (issue 10 §4): users' title, e-mail and phone; a body's kind, default
secretary and chair, default recipients of its minutes; the audit log.

Existing bodies get the kind their name says ("UBND ..." a People's Committee, "HĐND ..." a
People's Council, anything else `other`). The two legal kinds take the quorum the law fixes
(two thirds); an `other` body that had no quorum (0/1, the old default) gets at least half,
so no body is left needing nobody.

Revision ID: 0030
Revises: 0050
"""

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0030'
down_revision: str | None = '0050'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).lower().split())


def _kind(name: str) -> str:
    folded = _fold(name)
    for kind, prefixes in (("people_committee", ("uy ban nhan dan", "ubnd")),
                           ("people_council", ("hoi dong nhan dan", "hdnd"))):
        if any(folded == p or folded.startswith(p + " ") for p in prefixes):
            return kind
    return "other"


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=32),
                                      nullable=False, server_default=''))
    with op.batch_alter_table('bodies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32),
                                      nullable=False, server_default='other'))
        batch_op.add_column(sa.Column('default_secretary_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('default_chair_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('recipients', sa.Text(), nullable=False,
                                      server_default=''))
        batch_op.create_foreign_key('fk_bodies_default_secretary', 'users',
                                    ['default_secretary_id'], ['id'])
        batch_op.create_foreign_key('fk_bodies_default_chair', 'users',
                                    ['default_chair_id'], ['id'])
    op.create_table(
        'audit_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=48), nullable=False),
        sa.Column('target', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('details', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entries_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_actor_id'), ['actor_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_action'), ['action'], unique=False)
    bodies = sa.table('bodies', sa.column('id', sa.Integer()), sa.column('name', sa.String()),
                      sa.column('kind', sa.String()),
                      sa.column('quorum_numerator', sa.Integer()),
                      sa.column('quorum_denominator', sa.Integer()))
    conn = op.get_bind()
    for body_id, name, numerator in conn.execute(
            sa.select(bodies.c.id, bodies.c.name, bodies.c.quorum_numerator)).all():
        kind = _kind(name or "")
        values: dict[str, object] = {"kind": kind}
        if kind != "other":
            values.update(quorum_numerator=2, quorum_denominator=3)
        elif not numerator:
            values.update(quorum_numerator=1, quorum_denominator=2)
        conn.execute(bodies.update().where(bodies.c.id == body_id).values(**values))


def downgrade() -> None:
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entries_action'))
        batch_op.drop_index(batch_op.f('ix_audit_entries_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entries_at'))
    op.drop_table('audit_entries')
    with op.batch_alter_table('bodies', schema=None) as batch_op:
        batch_op.drop_constraint('fk_bodies_default_chair', type_='foreignkey')
        batch_op.drop_constraint('fk_bodies_default_secretary', type_='foreignkey')
        batch_op.drop_column('recipients')
        batch_op.drop_column('default_chair_id')
        batch_op.drop_column('default_secretary_id')
        batch_op.drop_column('kind')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('phone')
        batch_op.drop_column('email')
        batch_op.drop_column('title')
