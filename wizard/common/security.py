"""Security headers, session lifetime and rate limits, for every response."""

import secrets
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from ..extensions import limiter

# No 'unsafe-inline' anywhere: pages carry no inline script or style attributes.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def start_session() -> None:
    """Called at sign-in: a new session from scratch, so nothing from before survives."""
    lang = session.get("lang")  # a language chosen before signing in is kept
    session.clear()
    if lang:
        session["lang"] = lang
    session["sid"] = secrets.token_urlsafe(16)
    now = datetime.now(UTC).timestamp()
    session["signed_in_at"] = now
    session["seen_at"] = now


def _session_expired(now: float, idle: timedelta, absolute: timedelta) -> bool:
    signed_in_at = session.get("signed_in_at", 0)
    seen_at = session.get("seen_at", signed_in_at)
    return now - seen_at > idle.total_seconds() or now - signed_in_at > absolute.total_seconds()


_limited_blueprints: set[str] = set()


def limit_invitation_links(app: Flask) -> None:
    """Guessing invitation links is pointless (256 bits), and rate-limited per address too."""
    blueprint = app.blueprints.get("invite")
    # The limiter and blueprints are module-level: decorate once, not once per app.
    if blueprint is not None and blueprint.name not in _limited_blueprints:
        limiter.limit(lambda: current_app.config["INVITATION_LINK_LIMIT_PER_IP"])(blueprint)
        _limited_blueprints.add(blueprint.name)


def served_over_https(config) -> bool:
    """What people type decides, not the hop behind a proxy that ended TLS: BASE_URL."""
    return urlsplit(str(config["BASE_URL"])).scheme == "https"


def init_app(app: Flask) -> None:
    https = served_over_https(app.config)
    if https:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    limiter.init_app(app)

    @app.before_request
    def enforce_session_lifetime():
        if not current_user.is_authenticated:
            return None
        now = datetime.now(UTC).timestamp()
        idle = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])
        absolute = timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"])
        if _session_expired(now, idle, absolute):
            logout_user()
            session.clear()
            flash(_("You were signed out because the session was too old. Sign in again."), "info")
            return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
        # Only touch the cookie about once a minute, not on every request.
        if now - session.get("seen_at", 0) > 60:
            session["seen_at"] = now
        return None

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if https:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
