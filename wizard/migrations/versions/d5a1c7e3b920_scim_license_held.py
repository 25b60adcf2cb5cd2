"""SCIM: remember that a deactivated member held a license, to give it back on reactivation (issue 24)

Revision ID: d5a1c7e3b920
Revises: c4e8a2f9b613
Create Date: 2026-12-06 03:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd5a1c7e3b920'
down_revision = "c4e8a2f9b613"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('scim_identity') as batch_op:
        batch_op.add_column(
            sa.Column('license_held', sa.Boolean(), nullable=False, server_default=sa.text('false'))
        )


def downgrade():
    with op.batch_alter_table('scim_identity') as batch_op:
        batch_op.drop_column('license_held')
