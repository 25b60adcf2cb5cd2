"""The factory, the configuration order, the schema and the demo data."""

from datetime import date, timedelta
from decimal import Decimal

from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, select, text

from tests.conftest import make_app
from wizard import create_app
from wizard.config import load_or_create_secret_key
from wizard.demo import seed_demo
from wizard.extensions import db
from wizard.models import Account, Subscription, User, VerifiedDomain


def test_a_secret_key_is_generated_once_and_kept_private_in_instance(tmp_path):
    one = load_or_create_secret_key(str(tmp_path))
    two = load_or_create_secret_key(str(tmp_path))
    assert one == two and len(one) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_environment_overrides_instance_config(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text("INVITATION_VALID_DAYS = 14\nBASE_URL = 'https://a'\n")
    monkeypatch.setenv("FLASK_BASE_URL", "https://invite.example.com")
    monkeypatch.setenv("FLASK_SQLALCHEMY_DATABASE_URI", "sqlite://")
    monkeypatch.setenv("FLASK_SECRET_KEY", "a secret key from the environment")
    monkeypatch.setenv("FLASK_MAIL_SERVER", "smtp.example.com")
    monkeypatch.delenv("WIZARD_INSTANCE_PATH", raising=False)
    import flask

    monkeypatch.setattr(
        flask.Flask, "auto_find_instance_path", lambda self: str(tmp_path), raising=True
    )
    app = create_app()
    assert app.config["INVITATION_VALID_DAYS"] == 14
    assert app.config["BASE_URL"] == "https://invite.example.com"


def test_the_migrations_build_the_same_schema_as_the_models(database_url, tmp_path):
    if database_url.startswith("postgresql"):
        admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("DROP DATABASE IF EXISTS wizard_migrations WITH (FORCE)"))
            conn.execute(text("CREATE DATABASE wizard_migrations"))
        admin.dispose()
        url = database_url.rsplit("/", 1)[0] + "/wizard_migrations"
    else:
        url = f"sqlite:///{tmp_path / 'migrated.sqlite'}"
    app = make_app(url, tmp_path)
    with app.app_context():
        upgrade()
        from alembic.autogenerate import compare_metadata
        from alembic.migration import MigrationContext

        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == []
        assert "invitation" in inspect(db.engine).get_table_names()
        db.engine.dispose()


def _user(email):
    return db.session.execute(select(User).where(User.email == email)).scalar_one()


def test_the_demo_data_is_what_design_md_says(app):
    today = date.today()
    with app.app_context():
        acme = db.session.execute(select(Account).where(Account.name == "Acme Corp")).scalar_one()
        assert acme.license_seats == 10
        assert _user("owner@acme.example").role == "owner"
        assert _user("owner@acme.example").user_type == "licensed"
        assert _user("admin@acme.example").role == "admin"
        assert _user("member@acme.example").user_type == "basic"
        domains = db.session.execute(select(VerifiedDomain.domain)).scalars().all()
        assert domains == ["acme.example"]

        def plan(email):
            user = _user(email)
            return db.session.execute(
                select(Subscription).where(Subscription.account_id == user.account_id)
            ).scalar_one_or_none()

        ana = plan("ana.pro@acme.example")
        assert (ana.billing_period, ana.price, ana.currency) == ("monthly", Decimal("15.99"), "USD")
        assert ana.period_end == today + timedelta(days=20)
        assert ana.payment_method_label == "Visa •••• 4242"
        ben = plan("ben.pro@acme.example")
        assert (ben.billing_period, ben.price) == ("yearly", Decimal("159.90"))
        assert ben.period_end == today + timedelta(days=265)
        assert ben.payment_method_label == "Mastercard •••• 5454"
        assert _user("ben.pro@acme.example").locale == "de"
        assert plan("chen.pro@partner.example").price == Decimal("159.90")
        assert plan("dora@acme.example") is None
        assert plan("emil.pro@acme.example").outstanding_balance == Decimal("15.99")
        assert plan("fay.pro@acme.example").other_users == 2
        assert plan("gil.pro@studio.example").add_ons == 2
        assert db.session.execute(
            select(User).where(User.email == "gus@acme.example")
        ).scalar_one_or_none() is None
        globex = _user("owner@globex.example").account
        assert globex.name == "Globex" and globex.id != acme.id


def test_seeding_twice_changes_nothing(app):
    with app.app_context():
        before = db.session.execute(select(User.email, User.account_id)).all()
        seed_demo(password_hash="scrypt:1024:8:1$x$y")
        after = db.session.execute(select(User.email, User.account_id)).all()
        assert sorted(before) == sorted(after)
        assert db.session.scalar(select(db.func.count(Account.id))) == 2 + 7


def test_seed_demo_command_runs(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0
    assert "Demo data is ready." in result.output
