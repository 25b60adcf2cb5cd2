"""Loading the signed-in user, and where a person lands after signing in."""

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l

from ..extensions import db, login_manager
from ..models import User


def home_for(user: User) -> str:
    """Where a person lands after signing in: an admin asked to take over the business
    lands on that question first."""
    if user.ownership_offered_at is not None and user.can_manage_users:
        return url_for("roles.answer")
    if user.can_manage_users:
        return url_for("users.index")
    return url_for("account.overview")


def load_user(session_id: str) -> User | None:
    """The user of a session id "<user id>:<session version>"; None once signed out elsewhere."""
    user_id, _sep, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version) or user.deactivated_at is not None:
        return None
    return user


def init_app(app: Flask) -> None:
    # Registered here rather than by decorating load_user, so that mutation testing (make
    # mutate), which leaves decorated functions alone, checks the session-version rule too.
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = _l("Sign in to see that page.")
    login_manager.login_message_category = "info"
    # Session protection is Flask-Login's default ("basic"): it only marks a session not
    # fresh, and nothing here asks for a fresh login.
