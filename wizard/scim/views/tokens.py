"""The owner's SCIM page: the base URL, and the bearer tokens (made, shown once, rotated,
revoked), beside the Single sign-on page.

A new token is shown once, on the page the POST redirects to: it crosses that redirect in the
session cookie encrypted (Fernet, a key derived from SECRET_KEY for this use alone), is taken
out of the session when shown, and cannot be opened after ten minutes.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from ...common.access import keeps_input_on_csrf_error, roles_required
from ...common.forms import EmptyForm
from ...extensions import db
from ...models import Role
from ...models.types import utcnow
from .. import tokens as svc

bp = Blueprint("scim_tokens", __name__, url_prefix="/users/single-sign-on/scim")

owner_required = roles_required(Role.OWNER)
SHOWN_FOR_SECONDS = 600
NEW_TOKEN_KEY = "scim_new_token"  # nosec B105: the session key's name, not a secret


def _fernet() -> Fernet:
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    derived = hashlib.sha256(b"scim-token-shown-once:" + key).digest()
    return Fernet(base64.urlsafe_b64encode(derived))


def _show_once(plain: str):
    session[NEW_TOKEN_KEY] = _fernet().encrypt(plain.encode()).decode()
    return redirect(url_for(".index"))


def _new_token() -> str | None:
    sealed = session.pop(NEW_TOKEN_KEY, None)
    if not sealed:
        return None
    try:
        return _fernet().decrypt(sealed.encode(), ttl=SHOWN_FOR_SECONDS).decode()
    except (InvalidToken, ValueError):
        return None


def base_url() -> str:
    """Where the identity provider sends its SCIM requests (from BASE_URL, never the Host)."""
    return current_app.config["BASE_URL"].rstrip("/") + "/scim/v2"


@bp.route("/")
@owner_required
def index():
    return render_template(
        "scim/tokens.html",
        base_url=base_url(),
        tokens=svc.tokens_of(current_user.account_id),
        new_token=_new_token(),
        form=EmptyForm(),
    )


@bp.route("/tokens", methods=["POST"])
@owner_required
@keeps_input_on_csrf_error
def create():
    """A new token, shown once on the page this redirects to."""
    if not EmptyForm().validate_on_submit():
        flash(_("Nothing was changed. Try again."), "error")
        return redirect(url_for(".index"))
    plain = svc.create_token(current_user.account, current_user, now=utcnow())
    db.session.commit()
    return _show_once(plain)


def _confirm(action: str, token_id: int):
    """GET: what rotating or revoking this token will do, to confirm first. It cuts the
    identity provider off at once and cannot be undone, so it is never a single click."""
    token = svc.find_token(current_user.account_id, token_id)
    if token is None:
        abort(404)
    return render_template("scim/confirm_token.html", action=action, token=token,
                           form=EmptyForm())


@bp.route("/tokens/<id:token_id>/rotate", methods=["GET", "POST"])
@owner_required
@keeps_input_on_csrf_error
def rotate(token_id: int):
    """A new token in place of this one: the old one stops working now."""
    if request.method == "GET":
        return _confirm("rotate", token_id)
    if svc.find_token(current_user.account_id, token_id) is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        flash(_("Nothing was changed. Try again."), "error")
        return redirect(url_for(".index"))
    now = utcnow()
    if svc.revoke_token(current_user.account, token_id, now=now, by_user=current_user) is None:
        db.session.rollback()
        flash(_("That token was revoked already; nothing was changed."), "info")
        return redirect(url_for(".index"))
    plain = svc.create_token(current_user.account, current_user, now=now)
    db.session.commit()
    return _show_once(plain)


@bp.route("/tokens/<id:token_id>/revoke", methods=["GET", "POST"])
@owner_required
@keeps_input_on_csrf_error
def revoke(token_id: int):
    if request.method == "GET":
        return _confirm("revoke", token_id)
    if svc.find_token(current_user.account_id, token_id) is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        flash(_("Nothing was changed. Try again."), "error")
    elif svc.revoke_token(current_user.account, token_id, now=utcnow(),
                          by_user=current_user) is None:
        db.session.rollback()
        flash(_("That token was revoked already; nothing was changed."), "info")
    else:
        db.session.commit()
        flash(_("The token is revoked. Requests that use it are refused from now on."),
              "success")
    return redirect(url_for(".index"))
