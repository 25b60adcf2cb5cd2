"""Fixtures for single sign-on: Acme's identity provider, and what a provider says.

The protocols (SAML, OpenID Connect) bring their own providers in their own fixture modules;
these fixtures serve the rules that come after the protocol: who joins, who is refused.
"""

import pytest
from flask import Blueprint, request
from sqlalchemy import select

from wizard.extensions import csrf, db
from wizard.models import Account, IdentityProvider, User
from wizard.sso.protocol import Received, SsoRefused
from wizard.sso.providers import provider_for_slug

# The OpenID Connect fixtures are a plugin of two test modules and imported by a third: rewrite
# their asserts whichever is collected first.
pytest.register_assert_rewrite("tests.sso.oidc_fixtures")

ACME_OWNER = "owner@acme.example"


def said(email: str | None, *, subject: str = "", message_id: str = "", **attributes) -> Received:
    """What a provider asserts: the email under the default name, plus any other attributes."""
    values = {name: (value,) if isinstance(value, str) else tuple(value)
              for name, value in attributes.items()}
    if email is not None:
        values["email"] = (email,)
    return Received(subject=subject or (email or "someone"), attributes=values,
                    message_id=message_id)


def make_provider(app, account_name: str = "Acme Corp", **settings) -> int:
    """An enabled provider for a business (SAML unless told otherwise); returns its id."""
    with app.app_context():
        account = db.session.execute(
            select(Account).where(Account.name == account_name)
        ).scalar_one()
        provider = IdentityProvider(
            account_id=account.id,
            protocol=settings.pop("protocol", "saml"),
            enabled=settings.pop("enabled", True),
            slug=settings.pop("slug", "acme"),
            idp_metadata_xml="<EntityDescriptor/>",
            **settings,
        )
        db.session.add(provider)
        db.session.commit()
        return provider.id


@pytest.fixture
def acme_sso(app):
    """Acme's provider: enabled, creating members at their first sign-in."""
    return make_provider(app)


def provider(provider_id: int) -> IdentityProvider:
    return db.session.get(IdentityProvider, provider_id)


def person(email: str) -> User | None:
    return db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()


@pytest.fixture
def finish_route(app):
    """A stand-in for a protocol's last step (see add_proven_route)."""
    add_proven_route(app)
    return "/test-sso/acme/proven"


def add_proven_route(app) -> None:
    """A stand-in for a protocol's last step: the test says what the provider proved, and the
    real finish_sign_in (or refuse) takes it from there, as the SAML and OIDC views do."""
    from wizard.sso.views.finish import finish_sign_in, refuse

    bp = Blueprint("sso_proven", __name__)

    @bp.route("/test-sso/<slug>/proven", methods=["POST"])
    @csrf.exempt
    def proven(slug):
        found = provider_for_slug(slug)
        if "refuse" in request.form:
            refused = SsoRefused(request.form["refuse"], request.form.get("detail", "test"))
            return refuse(found, refused, "saml")
        attributes = {
            key.removeprefix("attr:"): tuple(request.form.getlist(key))
            for key in request.form
            if key.startswith("attr:")
        }
        received = Received(
            subject=request.form.get("subject", ""),
            attributes=attributes,
            message_id=request.form.get("message_id", ""),
        )
        return finish_sign_in(found, received, "saml")

    app.register_blueprint(bp)
