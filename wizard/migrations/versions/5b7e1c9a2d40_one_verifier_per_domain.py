"""One verifier per domain: a partial unique index on verified_domain(domain) where verified

Revision ID: 5b7e1c9a2d40
Revises: 0e32e03cc595
Create Date: 2026-12-05 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b7e1c9a2d40'
down_revision = '0e32e03cc595'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('verified_domain', schema=None) as batch_op:
        batch_op.create_index(
            'uq_verified_domain_one_verifier',
            ['domain'],
            unique=True,
            sqlite_where=sa.text('verified_at IS NOT NULL'),
            postgresql_where=sa.text('verified_at IS NOT NULL'),
        )


def downgrade():
    with op.batch_alter_table('verified_domain', schema=None) as batch_op:
        batch_op.drop_index(
            'uq_verified_domain_one_verifier',
            sqlite_where=sa.text('verified_at IS NOT NULL'),
            postgresql_where=sa.text('verified_at IS NOT NULL'),
        )
