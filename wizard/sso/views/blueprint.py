"""The `sso` blueprint: settings, "Sign in with SSO", /sso/<slug> and the outcome pages.

The protocol endpoints (`sso_saml`, `sso_oidc`) are blueprints of their own; they call
`finish.finish_sign_in` or `finish.refuse` once their protocol has spoken.
"""

from flask import Blueprint, current_app

from ...common.security import CONTENT_SECURITY_POLICY

bp = Blueprint("sso", __name__)


@bp.after_request
def keep_sso_pages_private(response):
    # Outcome pages name people and businesses: never cached, never sent on as a referrer.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    # Forms here (Sign in with SSO, Test the connection) end in a redirect to the business's
    # identity provider, which `form-action 'self'` would block in the browser.
    secure = current_app.config["BASE_URL"].startswith("https:")
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
        "form-action 'self'", "form-action 'self' https:" + ("" if secure else " http:")
    )
    return response
