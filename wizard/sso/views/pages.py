"""The person's side of single sign-on: "Sign in with SSO", /sso/<slug>, and the outcomes.

Proving who signed in is the protocol blueprints' work (`sso_saml`, `sso_oidc`); these pages
find the business's provider and send the person there, and say how it ended.
"""

from __future__ import annotations

from flask import abort, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.routing import BuildError

from ...domains.verification import display_domain
from ...models import IdentityProvider
from ..forms import SsoSignInForm
from ..joining import owner_of
from ..providers import domain_of_address, provider_for_email, provider_for_slug
from .blueprint import bp
from .finish import OUTCOME


def begin_url(provider: IdentityProvider) -> str | None:
    """Where the round trip to the provider starts; None while its protocol is not installed."""
    try:
        return url_for(f"sso_{provider.protocol}.begin", slug=provider.slug)
    except BuildError:
        return None


@bp.route("/sso")
def sign_in():
    # A GET form: it only looks the provider up and sends the browser there, changing nothing.
    form = SsoSignInForm(request.args, meta={"csrf": False})
    if "email" in request.args and form.validate():
        provider = provider_for_email(form.email.data)
        target = begin_url(provider) if provider is not None else None
        if target is not None:
            return redirect(target)
        domain = domain_of_address(form.email.data)  # the IDNA form: shown as typed
        form.email.errors.append(
            _("%(domain)s does not use single sign-on here. Sign in with your email address "
              "and password instead, or ask your IT team which address to use.",
              domain=display_domain(domain) if domain else form.email.data)
        )
    return render_template("sso/sign_in.html", form=form)


def _provider_or_404(slug: str) -> IdentityProvider:
    provider = provider_for_slug(slug)
    if provider is None:
        abort(404)
    return provider


@bp.route("/sso/<slug>")
def business(slug: str):
    provider = _provider_or_404(slug)
    target = begin_url(provider) if provider.enabled else None
    return render_template(
        "sso/business.html", provider=provider, business=provider.account, begin=target
    )


@bp.route("/sso/<slug>/welcome")
@login_required
def welcome(slug: str):
    provider = _provider_or_404(slug)
    if current_user.account_id != provider.account_id:
        return redirect(url_for("home.index"))
    outcome = session.pop(OUTCOME, None) or {}
    return render_template(
        "sso/welcome.html",
        business=provider.account,
        joined_as_basic=bool(outcome.get("joined_as_basic")),
        owner=owner_of(provider.account_id),
    )


@bp.route("/sso/<slug>/blocked")
def blocked(slug: str):
    provider = _provider_or_404(slug)
    outcome = session.get(OUTCOME)
    if not outcome or "other_business" not in outcome:
        return redirect(url_for(".business", slug=slug))
    return render_template("sso/blocked.html", business=provider.account, outcome=outcome)
