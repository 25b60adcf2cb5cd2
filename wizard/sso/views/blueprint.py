"""The `sso` blueprint: settings, "Sign in with SSO", /sso/<slug> and the outcome pages.

The protocol endpoints (`sso_saml`, `sso_oidc`) are blueprints of their own; they call
`finish.finish_sign_in` or `finish.refuse` once their protocol has spoken.
"""

from flask import Blueprint

bp = Blueprint("sso", __name__)


@bp.after_request
def keep_sso_pages_private(response):
    # Outcome pages name people and businesses: never cached, never sent on as a referrer.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
