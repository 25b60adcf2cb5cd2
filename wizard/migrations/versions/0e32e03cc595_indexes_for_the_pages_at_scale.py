"""Indexes for the pages at scale: counts per status, seats, emails waiting, members by name

Revision ID: 0e32e03cc595
Revises: 340d5061de25
Create Date: 2026-11-26 14:10:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0e32e03cc595'
down_revision = '340d5061de25'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.create_index('ix_invitation_account_status_expiry', ['account_id', 'status', 'expires_at'], unique=False)
        batch_op.create_index('ix_invitation_seats', ['account_id', 'status', 'user_type', 'expires_at'], unique=False)

    with op.batch_alter_table('outbox_email', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_account_status', ['account_id', 'status', 'kind', 'invitation_id'], unique=False)

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.create_index('ix_user_account_members', ['account_id', 'user_type', 'role', 'name', 'email'], unique=False)


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_index('ix_user_account_members')

    with op.batch_alter_table('outbox_email', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_account_status')

    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_index('ix_invitation_seats')
        batch_op.drop_index('ix_invitation_account_status_expiry')
