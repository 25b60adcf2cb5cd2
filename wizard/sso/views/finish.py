"""Where every proven sign-in ends, whichever protocol proved it.

The protocol views (`sso_saml`, `sso_oidc`) call `finish_sign_in` once pysaml2 or Authlib has
proven the message, and `refuse` when it could not be trusted. Nothing else of single
sign-on's rules lives in them.
"""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, session, url_for
from flask_babel import get_locale, refresh
from flask_babel import gettext as _
from flask_login import login_user

from ...common.security import start_session
from ...extensions import db
from ...models import IdentityProvider, User
from .. import testing
from ..joining import Kind, Refusal, complete_sign_in, owner_of, record_refusal
from ..protocol import Received, SsoRefused
from ..providers import remember_once

# The session key the settings page's "Test the connection" sets before the round trip.
TEST_FLAG = "sso_test_provider"
# What the outcome pages (GET, after the redirect) show.
OUTCOME = "sso_outcome"


def finish_sign_in(provider: IdentityProvider, received: Received, protocol: str) -> Response:
    """Act on a proven sign-in: replay check, then sign in, join, or the page that says why not.

    During a test-connection round trip, shows the owner what arrived instead of signing in."""
    testing_now = session.pop(TEST_FLAG, None) == provider.id
    if received.message_id and not remember_once(
        provider, received.message_id, received.valid_until
    ):
        return refuse(provider, SsoRefused("replayed", received.message_id), protocol)
    if testing_now:
        testing.record_test(provider, received)
        return redirect(url_for("sso.settings", _anchor="test-result"))
    try:
        outcome = complete_sign_in(
            provider, received, protocol=protocol, locale=str(get_locale() or "en")
        )
    except SsoRefused as error:
        return refuse(provider, error, protocol)
    if outcome.kind == Kind.REFUSED:
        return _refusal_page(provider, outcome.refusal, outcome.claims.email)
    if outcome.kind == Kind.OTHER_BUSINESS:
        session[OUTCOME] = {
            "email": outcome.claims.email,
            "other_business": outcome.other_business,
            "other_owner": outcome.other_owner,
        }
        return redirect(url_for("sso.blocked", slug=provider.slug))
    _sign_in(outcome.user_id)
    if outcome.kind == Kind.CHOOSE_REFUND:
        flash(_("You signed in with %(business)s's single sign-on. Before you join, choose what "
                "happens to your subscription.", business=provider.account.name), "info")
        return redirect(url_for("invite.show", token=outcome.token))
    if outcome.kind == Kind.JOINED:
        session[OUTCOME] = {"joined_as_basic": outcome.joined_as_basic}
        return redirect(url_for("sso.welcome", slug=provider.slug))
    return redirect(url_for("home.index"))


def _sign_in(user_id: int) -> None:
    start_session()  # a new session: nothing from before the round trip survives
    login_user(db.session.get(User, user_id))
    # The locale was chosen for the browser before anyone was signed in; what is said from now
    # on (the flash below, the next page) is in the person's own saved language.
    refresh()


def refuse(provider: IdentityProvider, error: SsoRefused, protocol: str) -> Response:
    """The page for a sign-in that could not be trusted (400), with its line in the audit log."""
    record_refusal(provider, error.reason, protocol=protocol, detail=error.detail)
    if session.pop(TEST_FLAG, None) == provider.id:
        testing.record_test_failure(provider, error.reason)
        return redirect(url_for("sso.settings", _anchor="test-result"))
    return _refusal_page(provider, error.reason, "", 400)


def _refusal_page(
    provider: IdentityProvider, reason: Refusal | str | None, email: str, status: int = 403
) -> Response:
    """The page that says why nobody was signed in: 400 for an untrusted answer, 403 for
    someone the business's own rules turn away. The audit line is already written."""
    return (
        render_template(
            "sso/refused.html",
            provider=provider,
            business=provider.account,
            owner=owner_of(provider.account_id),
            reason=str(reason),
            email=email,
        ),
        status,
    )
