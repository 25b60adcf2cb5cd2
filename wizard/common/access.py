"""Guarding pages: by role, against open redirects, and keeping input on a stale CSRF token.

Every capability's views use these; the sign-in itself lives in wizard/accounts.
"""

import ipaddress
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from ..extensions import db
from ..models import Role, User


def keeps_input_on_csrf_error(view: Callable) -> Callable:
    """Mark a view whose POST goes through form validation, so a missing or stale CSRF token
    is shown as a message on the form, with everything typed kept (see wizard/common/errors.py)."""
    view.keeps_input_on_csrf_error = True  # type: ignore[attr-defined]
    return view


def safe_next(target: str | None) -> str | None:
    """Only a path on this site; anything with a scheme, host or odd slashes is dropped."""
    if not target:
        return None
    target = target.strip()
    if "\\" in target or not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def refusal(roles: tuple[Role, ...]):
    """The page that refuses the signed-in person, or None when their role may go on.

    A module-level function, checked on every request, rather than code inside the decorator:
    mutation testing (make mutate) can then reach the check itself."""
    if not current_user.account.is_business:
        return render_template("errors/not_business.html"), 403
    if current_user.role in roles:
        return None
    if current_user.role == Role.ADMIN:  # an owner-only page: the admin is told whom to ask
        owner = db.session.scalar(
            select(User).where(User.account_id == current_user.account_id, User.role == Role.OWNER)
        )
        return render_template("errors/owner_only.html", owner=owner), 403
    return render_template("errors/not_allowed.html"), 403


def roles_required(*roles: Role) -> Callable:
    """Only owners/admins of a business account; everyone else gets a page saying why."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            refused = refusal(roles)
            if refused is not None:
                return refused
            return view(*args, **kwargs)

        return wrapped

    return decorator


manager_required = roles_required(Role.OWNER, Role.ADMIN)


def _from_this_machine(remote_addr: str | None) -> bool:
    try:
        return ipaddress.ip_address(remote_addr or "").is_loopback
    except ValueError:
        return False


def demo_mode_and_this_machine_only(blueprint: Blueprint) -> None:
    """A development page (the mailbox, the development IdP): a 404 unless the app runs in demo
    mode and the client is on this machine (loopback). Debug mode alone never opens it."""

    @blueprint.before_request
    def only_in_demo_mode_from_this_machine():
        if not (current_app.config.get("DEMO_MODE") and _from_this_machine(request.remote_addr)):
            abort(404)
