"""SCIM 2.0 provisioning: identities pushed by a business's identity provider, bearer tokens (issue 24)

Revision ID: c4e8a2f9b613
Revises: a19c5e0d7f31
Create Date: 2026-12-06 01:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

import wizard.models.types

UTCDateTime = wizard.models.types.UTCDateTime


# revision identifiers, used by Alembic.
revision = 'c4e8a2f9b613'
down_revision = "a19c5e0d7f31"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'scim_identity',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('invitation_id', sa.Integer(), nullable=True),
        sa.Column('user_name', sa.String(length=254), nullable=False),
        sa.Column('user_name_key', sa.String(length=254), nullable=False),
        sa.Column('external_id', sa.String(length=254), nullable=True),
        sa.Column('given_name', sa.String(length=200), nullable=False),
        sa.Column('family_name', sa.String(length=200), nullable=False),
        sa.Column('display_name', sa.String(length=200), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('user_type', sa.String(length=64), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['account.id']),
        sa.ForeignKeyConstraint(['invitation_id'], ['invitation.id']),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('account_id', 'user_name_key', name='uq_scim_user_name_per_account'),
        sa.UniqueConstraint('user_id'),
    )
    op.create_index(
        'ix_scim_identity_account_external', 'scim_identity', ['account_id', 'external_id']
    )
    op.create_index('ix_scim_identity_account_email', 'scim_identity', ['account_id', 'email'])
    op.create_index(
        'ix_scim_identity_account_created', 'scim_identity', ['account_id', 'created_at', 'id']
    )
    op.create_table(
        'scim_token',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('hint', sa.String(length=8), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('last_used_at', UTCDateTime(), nullable=True),
        sa.Column('revoked_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['account_id'], ['account.id']),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    op.create_index('ix_scim_token_account_id', 'scim_token', ['account_id'])


def downgrade():
    op.drop_index('ix_scim_token_account_id', table_name='scim_token')
    op.drop_table('scim_token')
    op.drop_index('ix_scim_identity_account_created', table_name='scim_identity')
    op.drop_index('ix_scim_identity_account_email', table_name='scim_identity')
    op.drop_index('ix_scim_identity_account_external', table_name='scim_identity')
    op.drop_table('scim_identity')
