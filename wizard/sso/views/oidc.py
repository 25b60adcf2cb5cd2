"""OpenID Connect's two endpoints (blueprint `sso_oidc`): off to the provider, and back.

`begin` keeps what the callback must match (state, nonce, PKCE verifier) in the session;
`callback` takes it out before anything else, so each sign-in's callback is used once, then
lets oidc.finish prove the answer and hands what it proved to finish_sign_in (or refuse).
Both are GETs that the provider's redirects drive: no CSRF token can ride along, `state` and
PKCE are what tie the callback to this browser.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, session, url_for

from ...models import IdentityProvider
from .. import oidc
from ..endpoints import oidc_redirect_uri
from ..protocol import SsoRefused, SsoSetupError
from ..providers import provider_for_slug
from ..sealing import unseal
from .finish import TEST_FLAG, finish_sign_in, refuse

bp = Blueprint("sso_oidc", __name__)
PENDING = "sso_oidc_pending"
PROTOCOL = "oidc"


@bp.after_request
def keep_private(response):
    # The callback's URL carries a one-time code: never cached, never sent on as a referrer.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _oidc_provider_or_404(slug: str) -> IdentityProvider:
    provider = provider_for_slug(slug)
    if provider is None or provider.protocol != PROTOCOL or not provider.is_configured:
        abort(404)
    return provider


@bp.route("/sso/<slug>/oidc/login")
def begin(slug: str):
    provider = _oidc_provider_or_404(slug)
    if not provider.enabled and session.get(TEST_FLAG) != provider.id:
        return redirect(url_for("sso.business", slug=provider.slug))  # it says it is off
    try:
        url, pending = oidc.begin(provider.issuer, provider.client_id, oidc_redirect_uri(provider))
    except SsoSetupError as error:
        return refuse(provider, SsoRefused("provider_error", error.message), PROTOCOL)
    session[PENDING] = {**pending, "provider_id": provider.id}
    return redirect(url)


@bp.route("/sso/<slug>/oidc/callback")
def callback(slug: str):
    provider = _oidc_provider_or_404(slug)
    pending = session.pop(PENDING, None)
    if not pending or pending.get("provider_id") != provider.id:
        pending = None  # begun for another business, or never: refused as a wrong state
    try:
        received = oidc.finish(
            provider.issuer,
            provider.client_id,
            unseal(provider.client_secret_sealed),
            oidc_redirect_uri(provider),
            request.args,
            pending,
        )
    except SsoRefused as error:
        return refuse(provider, error, PROTOCOL)
    return finish_sign_in(provider, received, PROTOCOL)
