"""The batch an email belongs to, on the email: a batch's progress from the outbox index alone

Revision ID: e2b8c4d6f1a3
Revises: d5a7e3c1b924
Create Date: 2026-12-06 07:40:00.000000

The Pending tab shows how far each batch still going out has got. It read every unsent email
of the recent batches, joined each to its invitation for the batch and looked up whether it
had been delivered after all: about 50 ms while a batch of 10,000 goes out. With the batch on
the email, the count is a range of the outbox's (account, status, kind, batch) index.

Existing invitation emails take their invitation's batch. A resend of an invitation that was
delivered before this migration and is still waiting counts with its batch until it goes (new
resends of delivered invitations carry no batch).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e2b8c4d6f1a3'
down_revision = "d5a7e3c1b924"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_email', schema=None) as batch_op:
        batch_op.add_column(sa.Column('batch_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            'fk_outbox_email_batch_id', 'invitation_batch', ['batch_id'], ['id']
        )
        batch_op.drop_index('ix_outbox_account_status')
    op.execute(
        "UPDATE outbox_email SET batch_id = (SELECT invitation.batch_id FROM invitation "
        "WHERE invitation.id = outbox_email.invitation_id) "
        "WHERE kind = 'invitation' AND invitation_id IS NOT NULL"
    )
    with op.batch_alter_table('outbox_email', schema=None) as batch_op:
        batch_op.create_index(
            'ix_outbox_account_status',
            ['account_id', 'status', 'kind', 'batch_id', 'invitation_id'],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table('outbox_email', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_account_status')
        batch_op.create_index(
            'ix_outbox_account_status', ['account_id', 'status', 'kind', 'invitation_id'], unique=False
        )
        batch_op.drop_constraint('fk_outbox_email_batch_id', type_='foreignkey')
        batch_op.drop_column('batch_id')
