"""Configuration: the defaults, where the instance folder is, and the checks made at start-up.

Defaults live here; instance/config.py and FLASK_* environment variables override them.
`check()` reads the finished configuration once, when the app is built, so that a setting
that cannot work stops every command with one line that names it, instead of a traceback
later or, worse, a worker that quietly does nothing.
"""

from __future__ import annotations

import os
import secrets
import sys
import time
from collections.abc import Callable, Mapping
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

# Where the instance folder is, when set: the database (SQLite), the development key and
# mailbox, and an optional config.py. Read before the configuration itself, so not FLASK_*.
INSTANCE_PATH_VARIABLE = "WIZARD_INSTANCE_PATH"
MAKE_A_KEY = "python3 -c 'import secrets; print(secrets.token_hex(32))'"


class Defaults:
    # SQLite in instance/ is the embedded default; PostgreSQL (psycopg 3) is for production.
    SQLALCHEMY_DATABASE_URI = None  # filled in by create_app from the instance path
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # Werkzeug's scrypt at n=2**17, r=8, p=1: about half a second per check here, on purpose.
    # A method name, not a password.
    PASSWORD_HASH_METHOD = "scrypt:131072:8:1"  # nosec B105

    # Invitations
    INVITATION_VALID_DAYS = 30
    MAX_BATCH_SIZE = 9999
    # Emails to invitees (invitations, resent invitations, heads-up messages from the app)
    # one account may send in any 24 hours (wizard/invite/quota.py).
    INVITATIONS_PER_DAY = 50000
    # Of those, heads-up messages to addresses outside the account's verified domains: the
    # owner's own words to people the business cannot vouch for, so far fewer.
    HEADS_UP_OUTSIDE_DOMAINS_PER_DAY = 200
    # Where the footer of every heads-up tells people to report abuse (an address);
    # unset: MAIL_DEFAULT_SENDER's address.
    ABUSE_CONTACT = ""
    MAX_UPLOAD_BYTES = 2 * 1024 * 1024
    # A little more than the biggest upload, so the upload form can say what was wrong.
    MAX_CONTENT_LENGTH = 4 * 1024 * 1024

    # Links in emails are built from this, never from the request's Host header.
    BASE_URL = "http://127.0.0.1:5000"
    # How many proxies (load balancer, nginx) stand in front of the app and may be believed
    # about the client's address and the scheme (X-Forwarded-For, -Proto, -Host, -Prefix).
    PROXY_FIX = 0

    # Mail: without MAIL_SERVER, mail goes to the development mailbox page (demo and
    # development only: in production a missing MAIL_SERVER stops the app at start-up).
    MAIL_SERVER = None
    MAIL_PORT = 25
    MAIL_DEFAULT_SENDER = "Business Invite Wizard <no-reply@invite-wizard.example>"
    MAIL_DELIVER_IN_PROCESS = False

    # Verifying domains by TXT record: None asks the system's resolver; "host:port" (or a
    # comma-separated list) asks those servers, as the tests do with one on 127.0.0.1.
    DNS_RESOLVER = None
    DNS_TIMEOUT = 5  # seconds for the whole lookup, before "try again later"

    BABEL_DEFAULT_LOCALE = "en"
    LANGUAGES = ("en", "de")

    # Sessions end after this long without a request, and this long after sign-in at most.
    SESSION_IDLE_MINUTES = 120
    SESSION_ABSOLUTE_HOURS = 12
    # Rate limits (Flask-Limiter). memory:// is per process; use redis://… when scaling out.
    RATELIMIT_STORAGE_URI = "memory://"
    # Explicit on every app: Flask-Limiter otherwise keeps the previous app's choice.
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    SIGN_IN_LIMIT_PER_IP = "30 per 5 minutes"
    # Per address AND client network (/24, /64): failures from elsewhere never lock the
    # person out of their own network (wizard/accounts/attempts.py).
    SIGN_IN_LIMIT_PER_ADDRESS = "10 per 15 minutes"
    # Per address across all networks: past it, only networks that failed for it wait.
    SIGN_IN_LIMIT_PER_ADDRESS_ALL_NETWORKS = "100 per 15 minutes"
    # Failures (within the window above) after which the person is told by email, and how
    # often at most.
    SIGN_IN_ALERT_AFTER = 20
    SIGN_IN_ALERT_EMAILS = "1 per hour"
    INVITATION_LINK_LIMIT_PER_IP = "60 per minute"
    # Wrong current passwords on the change-password page, per person.
    # A rate, not a password.
    PASSWORD_CHANGE_LIMIT = "10 per hour"  # nosec B105
    # "Forgot your password?": requests per address and per IP (the same answer whether or
    # not the address has an account), and how long the emailed link works.
    PASSWORD_RESET_LIMIT_PER_ADDRESS = "3 per hour"  # nosec B105
    PASSWORD_RESET_LIMIT_PER_IP = "20 per hour"  # nosec B105
    PASSWORD_RESET_VALID_MINUTES = 60
    # The link that confirms a new address for a person's own account.
    ADDRESS_CHANGE_VALID_HOURS = 24

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # The token lives as long as the session: no surprise expiry in the middle of a form.
    WTF_CSRF_TIME_LIMIT = None

    # The platform's payment page (paying a balance, changing the number of licenses); the
    # app adds its work as query parameters (wizard/accounts/billing.py). Without it, demo
    # mode shows the development billing page and production names SUPPORT_URL/SUPPORT_EMAIL.
    BILLING_URL = None
    SUPPORT_URL = None
    SUPPORT_EMAIL = None

    # Demo mode (make run): the development mailbox page is shown, a secret key is made for
    # you, and mail may stay in the app.
    DEMO_MODE = False


class ConfigError(Exception):
    """A setting that cannot work, said in one line that names it and what to do."""


def is_development(config: Mapping) -> bool:
    """Demo, debug or tests: conveniences are allowed that production must not rely on."""
    return bool(config.get("DEMO_MODE") or config.get("DEBUG") or config.get("TESTING"))


def instance_folder(found_by_flask: str) -> str:
    """The instance folder: $WIZARD_INSTANCE_PATH, else instance/ beside a source checkout,
    else (installed) a folder of the user's data, never inside the virtual environment."""
    if chosen := os.environ.get(INSTANCE_PATH_VARIABLE):
        return str(Path(chosen).expanduser().resolve())
    found = Path(found_by_flask).resolve()
    if not found.is_relative_to(Path(sys.prefix).resolve()):
        return str(found)  # a checkout: <checkout>/instance, as the project's layout has it
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return str(Path(data_home) / "business-invite-wizard")


def load_or_create_secret_key(instance_path: str) -> str:
    """Read instance/secret_key, creating it with 256 random bits on first run.

    For development and demo only. Atomic: the key is written whole to a temporary file and
    then linked into place, which fails if another process got there first; then theirs is
    read, so every process of one instance signs with the same key.
    """
    path = Path(instance_path) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    for _attempt in range(50):
        if path.exists():
            key = path.read_text().strip()
            if key:
                return key
            time.sleep(0.01)  # cannot be half-written (see below), but be patient with disks
            continue
        temporary = path.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_hex(32) + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process won: read its key on the next turn
        finally:
            temporary.unlink()
    raise ConfigError(f"{path} is empty: delete it, or set SECRET_KEY (make one: {MAKE_A_KEY})")


def normalised_database_url(url: str) -> str:
    """postgres:// and postgresql:// (as hosting providers hand them out) mean psycopg 3 here."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


# --- The checks ----------------------------------------------------------------------------

# Whole numbers, each with its smallest sensible value.
WHOLE_NUMBERS = {
    "INVITATION_VALID_DAYS": 1,
    "MAX_BATCH_SIZE": 1,
    "INVITATIONS_PER_DAY": 0,
    "HEADS_UP_OUTSIDE_DOMAINS_PER_DAY": 0,
    "SIGN_IN_ALERT_AFTER": 1,
    "MAX_UPLOAD_BYTES": 1,
    "MAX_CONTENT_LENGTH": 1,
    "MAIL_PORT": 1,
    "MAIL_MAX_ATTEMPTS": 1,
    "REMINDER_DAYS_BEFORE_EXPIRY": 0,
    "SESSION_IDLE_MINUTES": 1,
    "SESSION_ABSOLUTE_HOURS": 1,
    "PROXY_FIX": 0,
}
# Seconds, each more than zero (or at least zero for the retry base).
SECONDS = {
    "MAIL_TIMEOUT_SECONDS": 0.001,
    "MAIL_LEASE_SECONDS": 1,
    "MAIL_RETRY_BASE_SECONDS": 0,
    "MAIL_RETRY_MAX_SECONDS": 0,
    "MAIL_DELIVERY_INTERVAL_SECONDS": 0.001,
    "DNS_TIMEOUT": 0.001,
}
RATES = (
    "SIGN_IN_LIMIT_PER_IP",
    "SIGN_IN_LIMIT_PER_ADDRESS",
    "INVITATION_LINK_LIMIT_PER_IP",
    "PASSWORD_CHANGE_LIMIT",
)


def _number(config: Mapping, key: str, smallest: float, kind: type) -> float:
    value = config.get(key)
    if isinstance(value, str) and value.strip():
        try:
            value = kind(value.strip())
        except ValueError:
            pass
    allowed = (int,) if kind is int else (int, float)
    if isinstance(value, bool) or not isinstance(value, allowed):
        noun = "a whole number" if kind is int else "a number of seconds"
        raise ConfigError(f"{key} must be {noun}, not {value!r}.")
    if value < smallest:
        raise ConfigError(f"{key} must be at least {smallest:g}, not {value!r}.")
    return value


def _check_numbers(config: dict) -> None:
    for key, smallest in WHOLE_NUMBERS.items():
        config[key] = _number(config, key, smallest, int)
    for key, smallest in SECONDS.items():
        config[key] = _number(config, key, smallest, float)
    if config["MAIL_PORT"] > 65535:
        raise ConfigError(f"MAIL_PORT must be a port number (1-65535), not {config['MAIL_PORT']}.")
    if config["MAX_CONTENT_LENGTH"] < config["MAX_UPLOAD_BYTES"]:
        raise ConfigError(
            "MAX_CONTENT_LENGTH must be at least MAX_UPLOAD_BYTES, or uploads that are allowed "
            "are refused before the form can say anything."
        )
    if config["MAIL_RETRY_MAX_SECONDS"] < config["MAIL_RETRY_BASE_SECONDS"]:
        raise ConfigError("MAIL_RETRY_MAX_SECONDS must be at least MAIL_RETRY_BASE_SECONDS.")
    margin = 3 * config["MAIL_TIMEOUT_SECONDS"]
    if config["MAIL_LEASE_SECONDS"] <= margin:
        # The worker never starts a message its lease might not outlast (three timeouts):
        # with a shorter lease it would claim, give back and never send anything.
        raise ConfigError(
            f"MAIL_LEASE_SECONDS ({config['MAIL_LEASE_SECONDS']:g}) must be more than three "
            f"times MAIL_TIMEOUT_SECONDS ({margin:g}), or no email is ever sent: raise "
            "MAIL_LEASE_SECONDS or lower MAIL_TIMEOUT_SECONDS."
        )
    if config["REMINDER_DAYS_BEFORE_EXPIRY"] >= config["INVITATION_VALID_DAYS"]:
        raise ConfigError(
            "REMINDER_DAYS_BEFORE_EXPIRY must be fewer than INVITATION_VALID_DAYS "
            "(or 0 for no reminders)."
        )


def _check_mail(config: Mapping) -> None:
    if config.get("MAIL_USE_TLS") and config.get("MAIL_USE_SSL"):
        raise ConfigError(
            "MAIL_USE_TLS and MAIL_USE_SSL are both on: choose one (STARTTLS on port 587 is "
            "MAIL_USE_TLS, TLS from the start on port 465 is MAIL_USE_SSL)."
        )
    for key in ("MAIL_DEFAULT_SENDER", "MAIL_INVITATION_SENDER"):
        value = config.get(key)
        if value is not None and "@" not in parseaddr(str(value))[1]:
            raise ConfigError(f"{key} must be an email address like 'Name <a@b.example>'.")
    if not config.get("MAIL_SERVER") and not is_development(config):
        raise ConfigError(
            "MAIL_SERVER is not set, so no email could ever leave: set FLASK_MAIL_SERVER (and "
            "FLASK_MAIL_PORT, FLASK_MAIL_USERNAME, ...) to your SMTP server."
        )


def _check_urls(config: dict) -> None:
    parts = urlsplit(str(config.get("BASE_URL") or ""))
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(
            f"BASE_URL must be the app's public address, like https://invite.example.com, "
            f"not {config.get('BASE_URL')!r}."
        )
    config["BASE_URL"] = config["BASE_URL"].rstrip("/")
    from limits.errors import ConfigurationError
    from limits.storage import SCHEMES, storage_from_string

    storage = str(config.get("RATELIMIT_STORAGE_URI") or "")
    if storage.split("://", 1)[0] not in SCHEMES or "://" not in storage:
        raise ConfigError(
            f"RATELIMIT_STORAGE_URI must be memory:// or a shared store such as "
            f"redis://host:6379, not {storage!r}."
        )
    try:
        storage_from_string(storage)  # connects lazily: this only checks the client is there
    except ConfigurationError:
        raise ConfigError(
            f"RATELIMIT_STORAGE_URI is {storage.split('://', 1)[0]}://, but its client library "
            "is not installed: pip install 'business-invite-wizard[prod]' brings redis."
        ) from None


def _check_database_url(config: dict) -> None:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    raw = str(config.get("SQLALCHEMY_DATABASE_URI") or "")
    config["SQLALCHEMY_DATABASE_URI"] = normalised_database_url(raw)
    try:
        url = make_url(config["SQLALCHEMY_DATABASE_URI"])
        url.get_dialect()
    except (ArgumentError, NoSuchModuleError, ValueError, ImportError):
        raise ConfigError(
            "SQLALCHEMY_DATABASE_URI is not a database address this app can use: use "
            "postgresql+psycopg://user:password@host/name or sqlite:////path/to/file.sqlite."
        ) from None


def _check_rates_and_languages(config: Mapping) -> None:
    from limits import parse_many

    for key in RATES:
        try:
            parse_many(str(config.get(key)))
        except ValueError:
            raise ConfigError(
                f"{key} must be a rate like '10 per 15 minutes', not {config.get(key)!r}."
            ) from None
    if config["BABEL_DEFAULT_LOCALE"] not in config["LANGUAGES"]:
        raise ConfigError("BABEL_DEFAULT_LOCALE must be one of LANGUAGES.")


def _check_secret_key(config: Mapping) -> None:
    key = config.get("SECRET_KEY")
    if not key and not is_development(config):
        raise ConfigError(
            f"SECRET_KEY is not set. Make one with {MAKE_A_KEY} and set it as FLASK_SECRET_KEY "
            "(the same value on every instance and worker)."
        )
    if key and len(str(key)) < 16 and not config.get("TESTING"):
        raise ConfigError(f"SECRET_KEY is too short to be secret: make one with {MAKE_A_KEY}.")


CHECKS: tuple[Callable[[dict], None], ...] = (
    _check_secret_key,
    _check_database_url,
    _check_numbers,
    _check_urls,
    _check_mail,
    _check_rates_and_languages,
)


def check(config: dict) -> None:
    """Raise ConfigError for the first setting that cannot work; tidy the ones that can."""
    for one in CHECKS:
        one(config)
