"""Pages at scale (issue 23): invitations counted as they change (the tally per account,
status, user type and expiry day) and the Users page's order kept in two columns, both by
triggers

Revision ID: c3f1a7d9e2b4
Revises: a19c5e0d7f31
Create Date: 2026-12-06 01:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

from wizard.models import member_order
from wizard.models.tally import DROP, trigger_ddl


# revision identifiers, used by Alembic.
revision = 'c3f1a7d9e2b4'
down_revision = 'a19c5e0d7f31'
branch_labels = None
depends_on = None


def _day(dialect):
    if dialect == 'sqlite':
        return "CAST(strftime('%s', expires_at) AS INTEGER) / 86400"
    return "floor(extract(epoch FROM expires_at) / 86400)::int"


def upgrade():
    op.create_table(
        'invitation_tally',
        sa.Column('account_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('user_type', sa.String(length=20), nullable=False),
        sa.Column('day', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('n', sa.Integer(), server_default=sa.text('0'), nullable=False),
        sa.PrimaryKeyConstraint('account_id', 'status', 'user_type', 'day'),
    )
    dialect = op.get_bind().dialect.name
    for statement in trigger_ddl(dialect):
        op.execute(statement)
    # The invitations there already, counted once.
    op.execute(
        "INSERT INTO invitation_tally (account_id, status, user_type, day, n) "  # nosec B608 (constants only)
        f"SELECT account_id, status, user_type, CASE WHEN status = 'pending' THEN {_day(dialect)} "
        "ELSE 0 END AS day, count(*) FROM invitation GROUP BY 1, 2, 3, 4"
    )


    # The Users page's order, kept by triggers, and its index.
    op.add_column('user_account', sa.Column('member_rank', sa.Integer(), server_default=sa.text('2'), nullable=False))
    op.add_column('user_account', sa.Column('sort_name', sa.String(length=254), server_default=sa.text("''"), nullable=False))
    op.create_index('ix_user_account_sorted', 'user_account', ['account_id', 'member_rank', 'sort_name', 'id'], unique=False)
    for statement in member_order.trigger_ddl(dialect):
        op.execute(statement)
    op.execute(member_order.BACKFILL)


def downgrade():
    for statement in member_order.DROP.get(op.get_bind().dialect.name, []):
        op.execute(statement)
    op.drop_index('ix_user_account_sorted', table_name='user_account')
    with op.batch_alter_table('user_account') as batch_op:
        batch_op.drop_column('sort_name')
        batch_op.drop_column('member_rank')
    for statement in DROP.get(op.get_bind().dialect.name, []):
        op.execute(statement)
    op.drop_table('invitation_tally')
