"""No dead ends: personal links (password reset, address change), ownership handover, and
what the owner sees of an invitee (blocked by what, declined why)

Revision ID: 7d2b9c41e0a6
Revises: b7d20a1c5e01
Create Date: 2026-12-05 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
import wizard.models.types


# revision identifiers, used by Alembic.
revision = '7d2b9c41e0a6'
down_revision = 'b7d20a1c5e01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('personal_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('new_email', sa.String(length=254), nullable=True),
    sa.Column('invitation_id', sa.Integer(), nullable=True),
    sa.Column('token_nonce', sa.String(length=64), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', wizard.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', wizard.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', wizard.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitation.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('personal_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_personal_link_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ownership_offered_at', wizard.models.types.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('blocked_by', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('blocked_at', wizard.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('decline_reason', sa.String(length=30), nullable=True))


def downgrade():
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_column('decline_reason')
        batch_op.drop_column('blocked_at')
        batch_op.drop_column('blocked_by')

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('ownership_offered_at')

    with op.batch_alter_table('personal_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_personal_link_user_id'))

    op.drop_table('personal_link')
