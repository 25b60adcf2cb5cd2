"""The Business Invite Wizard: bring people with their own Pro accounts into a business."""

import importlib
import os

from flask import Flask

from .config import Defaults, load_or_create_secret_key

# Each of these modules has one blueprint, `bp`.
BLUEPRINTS = (
    "accounts.views.sign_in",
    "accounts.views.home",
    "accounts.views.language",
    "manage.views.users",
    "accounts.views.account",
    "invite.views",
    "accept.views",
    "manage.views.pending",
    "manage.views.audit_log",
    "guide.views",
    "delivery.views",
    "domains.views",
)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: defaults, then instance/config.py, then FLASK_* environment variables."""
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_relative_config=True,
    )
    app.config.from_object(Defaults)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env()
    else:
        app.config.from_mapping(test_config)

    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_or_create_secret_key(app.instance_path)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        db_path = os.path.join(app.instance_path, "wizard.sqlite")
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{db_path}"

    from . import cli, delivery
    from .accounts import auth
    from .common import errors, i18n, layout, security
    from .extensions import csrf, db, login_manager, mail, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "migrations"))
    csrf.init_app(app)
    mail.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    layout.init_app(app)
    cli.init_app(app)
    delivery.init_app(app)

    for name in BLUEPRINTS:
        app.register_blueprint(importlib.import_module(f".{name}", __name__).bp)
    security.limit_invitation_links(app)

    return app
