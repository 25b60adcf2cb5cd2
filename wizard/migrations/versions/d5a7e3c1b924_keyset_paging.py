"""Keyset paging on the Pending tab: the address index carries the id, and an expiry index

Revision ID: d5a7e3c1b924
Revises: d5a1c7e3b920
Create Date: 2026-12-06 03:00:00.000000

The Pending tab pages by `after=`/`before=` cursors (wizard/manage/keyset.py). Sorted by
address or by expiry date, with the id breaking ties, a page is a range of one index in that
order on both databases (SQLite appends the rowid to every index by itself; PostgreSQL needs
the id in the index).
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd5a7e3c1b924'
down_revision = "d5a1c7e3b920"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_index('ix_invitation_account_email')
        batch_op.create_index('ix_invitation_account_email', ['account_id', 'email', 'id'], unique=False)
        batch_op.create_index('ix_invitation_account_expires', ['account_id', 'expires_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_index('ix_invitation_account_expires')
        batch_op.drop_index('ix_invitation_account_email')
        batch_op.create_index('ix_invitation_account_email', ['account_id', 'email'], unique=False)
