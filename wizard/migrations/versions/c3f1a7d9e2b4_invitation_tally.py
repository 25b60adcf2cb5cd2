"""Invitations counted as they change: the tally per account, status, user type and expiry
day, kept by triggers (issue 23)

Revision ID: c3f1a7d9e2b4
Revises: a19c5e0d7f31
Create Date: 2026-12-06 01:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

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
        "INSERT INTO invitation_tally (account_id, status, user_type, day, n) "
        f"SELECT account_id, status, user_type, CASE WHEN status = 'pending' THEN {_day(dialect)} "
        "ELSE 0 END AS day, count(*) FROM invitation GROUP BY 1, 2, 3, 4"
    )


def downgrade():
    for statement in DROP.get(op.get_bind().dialect.name, []):
        op.execute(statement)
    op.drop_table('invitation_tally')
