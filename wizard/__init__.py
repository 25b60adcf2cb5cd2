"""The Business Invite Wizard: bring people with their own Pro accounts into a business."""

import importlib
import os
import sys
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config
from .config import ConfigError, Defaults, is_development, load_or_create_secret_key

# Each of these modules has one blueprint, `bp`.
BLUEPRINTS = (
    "accounts.views.sign_in",
    "accounts.views.recovery",
    "accounts.views.home",
    "accounts.views.language",
    "manage.views.users",
    "manage.views.roles",
    "accounts.views.account",
    "accounts.views.billing",
    "manage.views.licenses",
    "invite.views",
    "accept.views",
    "manage.views.pending",
    "manage.views.audit_log",
    "guide.views",
    "delivery.views",
    "domains.views",
    "sso.views",
    "sso.views.oidc",
    "sso.views.saml",
    "sso.views.dev_idp",
    "scim.views.tokens",
    "scim.views.protocol",
)


def shipped_folder(name: str) -> str:
    """templates/ or static/: inside the package when installed from a wheel (setup.py puts
    them there at build time), at the top of the repository in a checkout or editable install."""
    package = Path(__file__).resolve().parent
    inside = package / name
    return str(inside if inside.is_dir() else package.parent / name)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: defaults, then instance/config.py, then FLASK_* environment variables.

    A setting that cannot work stops it with one line naming the setting (see config.check);
    from a command or a server that line is all that is printed, and the exit is non-zero.
    """
    try:
        return _build(test_config)
    except ConfigError as exc:
        if test_config is not None:
            raise
        raise SystemExit(f"Configuration error: {exc}") from None


def _build(test_config: dict | None) -> Flask:
    app = Flask(
        __name__,
        template_folder=shipped_folder("templates"),
        static_folder=shipped_folder("static"),
        instance_relative_config=True,
    )
    app.instance_path = app.config.root_path = config.instance_folder(app.instance_path)
    app.config.from_object(Defaults)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env()
    else:
        app.config.from_mapping(test_config)

    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SECRET_KEY") and is_development(app.config):
        app.config["SECRET_KEY"] = load_or_create_secret_key(app.instance_path)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        db_path = os.path.join(app.instance_path, "wizard.sqlite")
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{db_path}"

    from . import cli, delivery, health
    from .accounts import auth
    from .common import errors, i18n, ids, layout, security
    from .extensions import csrf, db, login_manager, mail, migrate

    delivery.apply_defaults(app.config)
    config.check(app.config)
    if app.config["PROXY_FIX"]:
        hops = app.config["PROXY_FIX"]
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops
        )

    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _write_ahead_log)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "migrations"))
    csrf.init_app(app)
    mail.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    ids.init_app(app)
    layout.init_app(app)
    cli.init_app(app)
    delivery.init_app(app)
    health.init_app(app)

    for name in BLUEPRINTS:
        app.register_blueprint(importlib.import_module(f".{name}", __name__).bp)
    security.limit_invitation_links(app)

    if test_config is None:
        _warn_about_per_process_limits(app)
        if click.get_current_context(silent=True) is not None:
            cli.check_database(app)  # a command is about to use it: say now if it cannot
    return app


def _write_ahead_log(dbapi_connection, _record) -> None:
    """SQLite in WAL mode: readers never wait for the writer (the app and the mail worker
    share one file), and with synchronous=NORMAL a commit does not wait for the disk. Safe
    when a process is killed; a power cut may lose the last few commits (README: backups)."""
    dbapi_connection.execute("PRAGMA journal_mode=WAL")
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")


def _warn_about_per_process_limits(app: Flask) -> None:
    """Under gunicorn every worker is a process of its own, and memory:// counts per process."""
    if "gunicorn" in sys.modules and app.config["RATELIMIT_STORAGE_URI"].startswith("memory"):
        app.logger.warning(
            "RATELIMIT_STORAGE_URI is memory://, which every worker process counts on its own: "
            "with several workers or instances the sign-in limits are that many times looser. "
            "Set it to a shared store such as redis://host:6379 (README: Scaling out)."
        )
