"""Configuration defaults. instance/config.py and FLASK_* environment variables override them."""

import secrets
from pathlib import Path


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
    MAX_UPLOAD_BYTES = 2 * 1024 * 1024
    # A little more than the biggest upload, so the upload form can say what was wrong.
    MAX_CONTENT_LENGTH = 4 * 1024 * 1024

    # Links in emails are built from this, never from the request's Host header.
    BASE_URL = "http://127.0.0.1:5000"

    # Mail: without MAIL_SERVER, mail goes to the development mailbox page.
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
    SIGN_IN_LIMIT_PER_ADDRESS = "10 per 15 minutes"
    INVITATION_LINK_LIMIT_PER_IP = "60 per minute"
    # Wrong current passwords on the change-password page, per person.
    # A rate, not a password.
    PASSWORD_CHANGE_LIMIT = "10 per hour"  # nosec B105

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # The token lives as long as the session: no surprise expiry in the middle of a form.
    WTF_CSRF_TIME_LIMIT = None

    # Demo mode (make run): the development mailbox page is shown.
    DEMO_MODE = False


def load_or_create_secret_key(instance_path: str) -> str:
    """Read instance/secret_key, creating it with 256 random bits on first run."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        key = path.read_text().strip()
        if key:
            return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key + "\n")
    path.chmod(0o600)
    return key
