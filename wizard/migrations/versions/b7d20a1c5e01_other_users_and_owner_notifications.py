"""Other users of an individual account as rows (so they can be removed), and how each owner
or admin hears of accepted and declined invitations

Revision ID: b7d20a1c5e01
Revises: 5b7e1c9a2d40
Create Date: 2026-12-05 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import wizard.models.types


# revision identifiers, used by Alembic.
revision = 'b7d20a1c5e01'
down_revision = '5b7e1c9a2d40'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('other_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('created_at', wizard.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('other_user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_other_user_account_id'), ['account_id'], unique=False)

    # Until now only a count was kept: one row per counted user, without an address (nobody
    # is emailed when such a row is removed).
    connection = op.get_bind()
    counted = connection.execute(
        sa.text('SELECT account_id, other_users FROM subscription WHERE other_users > 0')
    ).all()
    for account_id, number in counted:
        for n in range(1, number + 1):
            connection.execute(
                sa.text("INSERT INTO other_user (account_id, email, name, locale, created_at) "
                        "VALUES (:account_id, '', :name, 'en', CURRENT_TIMESTAMP)"),
                {"account_id": account_id, "name": f"User {n}"},
            )
    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.drop_column('other_users')

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('response_notices', sa.Enum('each', 'daily', 'none', name='responsenotices_enum', native_enum=False, create_constraint=True, length=20), server_default='each', nullable=False))
        batch_op.add_column(sa.Column('response_summary_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        # First the enum's CHECK: SQLite's copy of the table would still name the column.
        batch_op.drop_constraint('responsenotices_enum', type_='check')
        batch_op.drop_column('response_summary_on')
        batch_op.drop_column('response_notices')

    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.add_column(sa.Column('other_users', sa.Integer(), server_default='0', nullable=False))
    op.execute('UPDATE subscription SET other_users = (SELECT COUNT(*) FROM other_user '
               'WHERE other_user.account_id = subscription.account_id)')
    with op.batch_alter_table('other_user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_other_user_account_id'))
    op.drop_table('other_user')
