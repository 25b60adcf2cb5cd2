"""Settings that cannot work stop the app at start-up with one line that names them, and
the production safeguards (secret key, mail server, instance folder) hold."""

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.conftest import make_app
from wizard import create_app
from wizard.config import ConfigError, instance_folder, load_or_create_secret_key

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "TESTING": False,
    "SECRET_KEY": "a production secret key of enough length",
    "MAIL_SERVER": "smtp.example.com",
}


def build(tmp_path, **settings):
    return make_app(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path, **settings)


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"MAIL_LEASE_SECONDS": 5}, "MAIL_LEASE_SECONDS"),
        ({"MAIL_TIMEOUT_SECONDS": 200}, "MAIL_LEASE_SECONDS"),
        ({"MAIL_PORT": "five-eight-seven"}, "MAIL_PORT"),
        ({"MAIL_PORT": 70000}, "MAIL_PORT"),
        ({"INVITATION_VALID_DAYS": 0}, "INVITATION_VALID_DAYS"),
        ({"INVITATION_VALID_DAYS": True}, "INVITATION_VALID_DAYS"),
        ({"MAIL_USE_TLS": True, "MAIL_USE_SSL": True}, "MAIL_USE_TLS"),
        ({"MAIL_RETRY_BASE_SECONDS": 600, "MAIL_RETRY_MAX_SECONDS": 60}, "MAIL_RETRY_MAX"),
        ({"REMINDER_DAYS_BEFORE_EXPIRY": 30}, "REMINDER_DAYS_BEFORE_EXPIRY"),
        ({"MAX_CONTENT_LENGTH": 10}, "MAX_CONTENT_LENGTH"),
        ({"BASE_URL": "invite.example.com"}, "BASE_URL"),
        ({"BASE_URL": "ftp://invite.example.com"}, "BASE_URL"),
        ({"SIGN_IN_LIMIT_PER_IP": "lots"}, "SIGN_IN_LIMIT_PER_IP"),
        ({"RATELIMIT_STORAGE_URI": "somewhere"}, "RATELIMIT_STORAGE_URI"),
        ({"MAIL_DEFAULT_SENDER": "nobody"}, "MAIL_DEFAULT_SENDER"),
        ({"SQLALCHEMY_DATABASE_URI": "mysql+nothing://x/y"}, "SQLALCHEMY_DATABASE_URI"),
        ({"SQLALCHEMY_DATABASE_URI": "not a url"}, "SQLALCHEMY_DATABASE_URI"),
        ({"BABEL_DEFAULT_LOCALE": "fr"}, "BABEL_DEFAULT_LOCALE"),
    ],
)
def test_a_setting_that_cannot_work_is_named_at_start_up(tmp_path, settings, named):
    with pytest.raises(ConfigError, match=named) as refused:
        build(tmp_path, **settings)
    assert "\n" not in str(refused.value)


def test_the_default_lease_and_timeout_pass_and_numbers_from_the_environment_are_read(tmp_path):
    app = build(tmp_path, MAIL_PORT="587", MAIL_TIMEOUT_SECONDS="10")
    assert app.config["MAIL_PORT"] == 587 and app.config["MAIL_TIMEOUT_SECONDS"] == 10


def test_postgres_addresses_as_hosting_providers_give_them_mean_psycopg_3(tmp_path):
    app = build(tmp_path, SQLALCHEMY_DATABASE_URI="postgres://u:p@db.internal/wizard")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.internal/wizard"


def test_production_refuses_to_start_without_a_secret_key_and_says_how_to_make_one(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY is not set. Make one with python3 -c"):
        build(tmp_path, **{**PRODUCTION, "SECRET_KEY": None})
    assert not (tmp_path / "secret_key").exists()


def test_production_refuses_to_start_without_a_mail_server(tmp_path):
    with pytest.raises(ConfigError, match="MAIL_SERVER is not set"):
        build(tmp_path, **{**PRODUCTION, "MAIL_SERVER": None})


def test_production_settings_that_work_start(tmp_path):
    app = build(tmp_path, **PRODUCTION)
    assert app.config["MAIL_SERVER"] == "smtp.example.com"


def test_demo_mode_makes_its_own_key_and_keeps_mail_in_the_app(tmp_path, monkeypatch):
    monkeypatch.setenv("WIZARD_INSTANCE_PATH", str(tmp_path))
    app = build(tmp_path, TESTING=False, DEMO_MODE=True, SECRET_KEY=None)
    assert app.config["SECRET_KEY"] == (tmp_path / "secret_key").read_text().strip()


def test_processes_starting_together_make_one_development_key(tmp_path):
    keys = []
    barrier = threading.Barrier(8)

    def start():
        barrier.wait()
        keys.append(load_or_create_secret_key(str(tmp_path)))

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(keys)) == 1 and len(keys[0]) == 64
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]


def test_the_instance_folder_is_never_inside_the_virtual_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("WIZARD_INSTANCE_PATH", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    inside_the_venv = str(Path(sys.prefix) / "var" / "wizard-instance")
    assert instance_folder(inside_the_venv) == str(tmp_path / "data" / "business-invite-wizard")
    checkout = str(ROOT / "instance")
    assert instance_folder(checkout) == checkout
    monkeypatch.setenv("WIZARD_INSTANCE_PATH", str(tmp_path / "chosen"))
    assert instance_folder(inside_the_venv) == str(tmp_path / "chosen")


def command(*args: str, **env: str) -> subprocess.CompletedProcess:
    """`flask --app wizard ARGS` as an operator runs it, with only these settings."""
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wizard", *args],
        env={"PATH": "/usr/bin:/bin", "HOME": env.pop("HOME"), **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_every_command_says_in_one_line_what_is_wrong_and_exits_non_zero(tmp_path):
    good = {
        "HOME": str(tmp_path),
        "WIZARD_INSTANCE_PATH": str(tmp_path / "instance"),
        "FLASK_SECRET_KEY": "a production secret key of enough length",
        "FLASK_MAIL_SERVER": "smtp.example.com",
    }
    cases = [
        ({**good, "FLASK_SECRET_KEY": ""}, "SECRET_KEY is not set"),
        ({**good, "FLASK_MAIL_LEASE_SECONDS": "5"}, "MAIL_LEASE_SECONDS (5) must be more"),
        (
            {**good, "FLASK_SQLALCHEMY_DATABASE_URI": "postgresql://who:pw@127.0.0.1:1/none"},
            "cannot reach the database at postgresql+psycopg://who:***@127.0.0.1:1/none",
        ),
    ]
    for env, says in cases:
        for args in (("setup", "--no-demo"), ("send-mail",)):
            result = command(*args, **dict(env))
            assert result.returncode != 0, (args, result.stdout)
            (line,) = result.stderr.strip().splitlines()
            assert line.startswith("Configuration error: ")
            assert says in result.stderr and "Traceback" not in result.stderr


def test_a_german_page_without_its_catalogue_is_not_labelled_german(tmp_path, monkeypatch):
    import wizard.common.i18n

    monkeypatch.setattr(wizard.common.i18n, "TRANSLATIONS", tmp_path / "no-translations")
    app = build(tmp_path)
    page = app.test_client().get("/sign-in", headers={"Accept-Language": "de"})
    assert '<html lang="en">' in page.get_data(as_text=True)
    with pytest.raises(ConfigError, match="translations for de are not installed"):
        build(tmp_path, **PRODUCTION)


def test_behind_a_proxy_the_client_and_the_scheme_come_from_the_forwarded_headers(tmp_path):
    app = build(tmp_path, PROXY_FIX=1)
    seen = {}

    @app.get("/probe")
    def probe():
        from flask import request

        seen.update(addr=request.remote_addr, secure=request.is_secure)
        return "ok"

    headers = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    app.test_client().get("/probe", headers=headers, environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert seen == {"addr": "203.0.113.9", "secure": True}

    unproxied = build(tmp_path)

    @unproxied.get("/probe")
    def probe_without():
        from flask import request

        seen.update(addr=request.remote_addr, secure=request.is_secure)
        return "ok"

    unproxied.test_client().get("/probe", headers=headers, environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert seen == {"addr": "10.0.0.2", "secure": False}


def test_create_app_from_a_server_stops_with_the_line_not_a_traceback(monkeypatch, tmp_path):
    monkeypatch.setenv("WIZARD_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("FLASK_MAIL_LEASE_SECONDS", "5")
    monkeypatch.setenv("FLASK_SECRET_KEY", "a production secret key of enough length")
    monkeypatch.setenv("FLASK_MAIL_SERVER", "smtp.example.com")
    with pytest.raises(SystemExit, match="^Configuration error: MAIL_LEASE_SECONDS"):
        create_app()


def test_the_sqlite_database_uses_a_write_ahead_log(tmp_path):
    from sqlalchemy import text

    from wizard.extensions import db

    app = build(tmp_path)
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
        db.session.remove()
        db.engine.dispose()
