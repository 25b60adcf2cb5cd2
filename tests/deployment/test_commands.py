"""The operator's commands: setup without the demo, the first owner, and the health checks
a load balancer asks."""

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from tests.conftest import make_app
from tests.helpers import text_of
from wizard.accounts.passwords import password_matches
from wizard.extensions import db
from wizard.models import Account, AuditEvent, Role, User, UserType

PASSWORD = "blue tractor seventeen lanterns"


@pytest.fixture
def fresh_app(database_url, tmp_path):
    """The app on an empty database (no tables at all): only the migrations build it."""
    app = make_app(database_url, tmp_path)
    with app.app_context():
        db.drop_all()
        db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        # Leave no half-migrated schema behind (a test may downgrade): the next test's
        # create_all would keep old tables as they are.
        db.drop_all()
        db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        db.engine.dispose()


def create_owner(app, *extra, password=PASSWORD, email="chef@new.example"):
    args = ["create-owner", "--business", "Neu AG", "--email", email, "--licenses", "3", *extra]
    return app.test_cli_runner().invoke(args=args, input=f"{password}\n{password}\n")


def test_setup_without_the_demo_prints_no_demo_sign_ins_and_says_what_to_do_next(fresh_app):
    app = fresh_app
    result = app.test_cli_runner().invoke(args=["setup", "--no-demo"])
    assert result.exit_code == 0, result.output
    assert "Demo sign-ins" not in result.output and "correct-horse" not in result.output
    assert "flask --app wizard create-owner" in result.output
    with app.app_context():
        assert db.session.scalars(select(User)).all() == []


def test_create_owner_makes_a_business_whose_owner_can_sign_in(fresh_app):
    app = fresh_app
    app.test_cli_runner().invoke(args=["setup", "--no-demo"])
    result = create_owner(app, "--name", "Clara Chef", "--language", "de")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # asked without echo
    with app.app_context():
        owner = db.session.scalars(select(User)).one()
        account = db.session.get(Account, owner.account_id)
        assert (account.name, account.license_seats, account.default_locale) == ("Neu AG", 3, "de")
        assert (owner.email, owner.name, owner.role) == (
            "chef@new.example",
            "Clara Chef",
            Role.OWNER,
        )
        assert owner.user_type == UserType.LICENSED and password_matches(
            owner.password_hash, PASSWORD
        )
        event = db.session.scalars(select(AuditEvent)).one()
        assert (event.action, event.actor_id) == ("business_created", owner.id)
    client = app.test_client()
    from tests.helpers import submit

    signed_in = submit(
        client,
        "/sign-in",
        {"email": "Chef@New.example", "password": PASSWORD},
        follow_redirects=True,
    )
    assert "Neu AG" in text_of(signed_in)


def test_create_owner_refuses_a_taken_address_a_weak_password_and_bad_input(app):
    taken = create_owner(app, email="owner@acme.example")
    assert taken.exit_code != 0 and "already has an account" in taken.output
    weak = create_owner(app, password="password1")
    assert weak.exit_code != 0 and "most common passwords" in weak.output
    bad = create_owner(app, email="not an address")
    assert bad.exit_code == 2
    assert "Invalid value for --email: An email address must have an @-sign." in bad.output
    nameless = app.test_cli_runner().invoke(
        args=["create-owner", "--business", " ", "--email", "chef@new.example"]
    )
    assert nameless.exit_code == 2 and "--business" in nameless.output
    with app.app_context():
        assert not db.session.scalar(select(User.id).where(User.email == "chef@new.example"))
        assert not db.session.scalar(select(Account.id).where(Account.name == "Neu AG"))


def test_readyz_says_ready_only_when_the_schema_is_current(fresh_app):
    app = fresh_app
    client = app.test_client()
    not_migrated = client.get("/readyz")
    assert not_migrated.status_code == 503
    assert "run flask --app wizard setup" in not_migrated.json["database"]
    with app.app_context():
        upgrade()
    assert client.get("/readyz").status_code == 200
    with app.app_context():
        downgrade(revision="-1")
    assert client.get("/readyz").status_code == 503


def test_without_a_database_the_process_is_healthy_but_not_ready(tmp_path):
    app = make_app("postgresql+psycopg://nobody@127.0.0.1:1/none", tmp_path)
    client = app.test_client()
    assert client.get("/healthz").json == {"status": "ok"}
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json["database"] == "database unreachable"
    with app.app_context():
        db.engine.dispose()
