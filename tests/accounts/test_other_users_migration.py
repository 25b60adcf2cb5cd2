"""The migration that turns an individual account's count of other users into rows keeps the
count: a count of 2 becomes 2 removable users (and going back restores the count)."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, select, text

from tests.conftest import make_app
from wizard.extensions import db
from wizard.models import OtherUser, Subscription

BEFORE = "5b7e1c9a2d40"


def fresh_database(database_url, tmp_path) -> str:
    if not database_url.startswith("postgresql"):
        return f"sqlite:///{tmp_path / 'other-users.sqlite'}"
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS wizard_other_users WITH (FORCE)"))
        conn.execute(text("CREATE DATABASE wizard_other_users"))
    admin.dispose()
    return database_url.rsplit("/", 1)[0] + "/wizard_other_users"


def test_a_counted_other_user_becomes_a_row_that_can_be_removed(database_url, tmp_path):
    app = make_app(fresh_database(database_url, tmp_path), tmp_path)
    with app.app_context():
        upgrade(revision=BEFORE)
        db.session.execute(text(
            "INSERT INTO account (id, kind, name, license_seats, default_locale, "
            "reminders_enabled, created_at) VALUES (1, 'individual', 'Fay', 0, 'en', true, "
            "CURRENT_TIMESTAMP)"
        ))
        db.session.execute(text(
            "INSERT INTO subscription (account_id, plan, billing_period, price, currency, "
            "period_start, period_end, payment_method_label, outstanding_balance, other_users, "
            "add_ons) VALUES (1, 'pro', 'monthly', 15.99, 'USD', '2026-11-20', '2026-12-20', "
            "'Amex', 0, 2, 0)"
        ))
        db.session.commit()
        upgrade()
        rows = db.session.scalars(select(OtherUser).where(OtherUser.account_id == 1)).all()
        assert [row.name for row in rows] == ["User 1", "User 2"]
        assert db.session.scalars(select(Subscription)).one().other_users == 2
        db.session.remove()
        downgrade(revision=BEFORE)
        count = db.session.execute(text("SELECT other_users FROM subscription")).scalar_one()
        assert count == 2
        db.session.remove()
        db.engine.dispose()
