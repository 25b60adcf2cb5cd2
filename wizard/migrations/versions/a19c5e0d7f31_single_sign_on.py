"""Single sign-on: identity providers, who came through them, replay checks (issue 19)

Revision ID: a19c5e0d7f31
Revises: 7d2b9c41e0a6
Create Date: 2026-12-05 13:15:00.000000

"""
from alembic import op
import sqlalchemy as sa

import wizard.models.types

UTCDateTime = wizard.models.types.UTCDateTime


# revision identifiers, used by Alembic.
revision = 'a19c5e0d7f31'
down_revision = '7d2b9c41e0a6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'identity_provider',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('protocol', sa.String(length=10), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('slug', sa.String(length=63), nullable=False),
        sa.Column('provisioning', sa.String(length=10), nullable=False),
        sa.Column('email_attribute', sa.String(length=200), nullable=False),
        sa.Column('first_name_attribute', sa.String(length=200), nullable=False),
        sa.Column('last_name_attribute', sa.String(length=200), nullable=False),
        sa.Column('user_type_attribute', sa.String(length=200), nullable=False),
        sa.Column('licensed_value', sa.String(length=200), nullable=False),
        sa.Column('role_attribute', sa.String(length=200), nullable=False),
        sa.Column('admin_value', sa.String(length=200), nullable=False),
        sa.Column('idp_metadata_xml', sa.Text(), nullable=True),
        sa.Column('metadata_url', sa.String(length=2000), nullable=False),
        sa.Column('idp_entity_id', sa.String(length=1000), nullable=False),
        sa.Column('issuer', sa.String(length=1000), nullable=False),
        sa.Column('client_id', sa.String(length=255), nullable=False),
        sa.Column('client_secret_sealed', sa.Text(), nullable=False),
        sa.Column('tested_at', UTCDateTime(), nullable=True),
        sa.Column('test_result', sa.JSON(), nullable=True),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.CheckConstraint("protocol in ('saml', 'oidc')", name='sso_protocol_known'),
        sa.CheckConstraint("provisioning in ('jit', 'invited')", name='sso_provisioning_known'),
        sa.ForeignKeyConstraint(['account_id'], ['account.id']),
        sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('account_id'),
        sa.UniqueConstraint('slug'),
    )
    op.create_table(
        'sso_member',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('provider_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('subject', sa.String(length=1000), nullable=False),
        sa.Column('joined_via_sso', sa.Boolean(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('last_sign_in_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['provider_id'], ['identity_provider.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id'),
    )
    op.create_index('ix_sso_member_provider_id', 'sso_member', ['provider_id'])
    op.create_table(
        'sso_seen_message',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('provider_id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.String(length=255), nullable=False),
        sa.Column('expires_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['provider_id'], ['identity_provider.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('provider_id', 'message_id', name='uq_sso_message_once'),
    )
    op.create_index('ix_sso_seen_message_expires_at', 'sso_seen_message', ['expires_at'])
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('via_sso', sa.Boolean(), server_default=sa.text('false'), nullable=False)
        )
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deactivated_at', UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('deactivated_at')
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_column('via_sso')
    op.drop_index('ix_sso_seen_message_expires_at', table_name='sso_seen_message')
    op.drop_table('sso_seen_message')
    op.drop_index('ix_sso_member_provider_id', table_name='sso_member')
    op.drop_table('sso_member')
    op.drop_table('identity_provider')
