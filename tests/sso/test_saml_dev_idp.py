"""The development identity provider: demo mode only, this machine only, the whole journey.

`make run` seeds Acme with a SAML provider pointing at /dev/idp/; choosing a demo person there
signs them in through the real SAML code (pysaml2 on both sides, the app's own demo key).
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from tests.conftest import seed
from tests.helpers import csrf_token, text_of
from wizard.extensions import db
from wizard.models import AuditEvent, IdentityProvider, User


@pytest.fixture
def demo_app(app):
    """The app as `make run` serves it: in demo mode, seeding gives Acme the development IdP."""
    app.config["DEMO_MODE"] = True
    with app.app_context():
        seed(app)  # again: it adds only what is missing
        db.session.remove()
    return app


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _choose(client, email: str):
    """From Acme's SSO link to the development IdP's answer, posted back to the ACS."""
    begun = client.get("/sso/acme-corp/saml/login")
    assert begun.status_code == 302
    assert begun.location.startswith("http://invite.test/dev/idp/sso?SAMLRequest=")
    page = client.get(_path(begun.location))
    assert email in text_of(page)
    fields = dict(re.findall(r'name="(SAMLRequest|RelayState)" value="([^"]*)"', page.text))
    answer = client.post(
        "/dev/idp/sso",
        data={
            **{k: unescape(v) for k, v in fields.items()},
            "email": email,
            "csrf_token": csrf_token(page.text),
        },
    )
    assert answer.status_code == 200
    acs = unescape(re.search(r'<form method="post" action="([^"]+)"', answer.text).group(1))
    posted = {
        k: unescape(v)
        for k, v in re.findall(r'name="(SAMLResponse|RelayState)" value="([^"]*)"', answer.text)
    }
    return client.post(_path(acs), data=posted)


def test_demo_mode_gives_acme_a_saml_provider_at_the_development_idp(demo_app):
    with demo_app.app_context():
        provider = db.session.execute(select(IdentityProvider)).scalar_one()
        assert provider.enabled and provider.protocol == "saml"
        assert provider.idp_entity_id == "http://invite.test/dev/idp/metadata"


def test_someone_new_signs_in_through_the_development_idp_and_joins(demo_app):
    answer = _choose(demo_app.test_client(), "nora.new@acme.example")

    assert answer.status_code == 302 and "/welcome" in answer.location
    with demo_app.app_context():
        nora = db.session.execute(
            select(User).where(User.email == "nora.new@acme.example")
        ).scalar_one()
        assert nora.account.name == "Acme Corp"


def test_a_pro_user_is_sent_to_choose_refund_details(demo_app):
    answer = _choose(demo_app.test_client(), "ana.pro@acme.example")

    assert answer.status_code == 302 and "/invitation/" in answer.location


def test_an_address_outside_acmes_domain_is_turned_away_and_logged(demo_app):
    answer = _choose(demo_app.test_client(), "chen.pro@partner.example")

    assert answer.status_code == 403
    with demo_app.app_context():
        reasons = [
            e.details.get("reason")
            for e in db.session.scalars(select(AuditEvent))
            if e.action == "sso_refused"
        ]
        assert reasons == ["outside_domains"]


def test_the_development_idp_is_not_there_outside_demo_mode(client):
    assert client.get("/dev/idp/metadata").status_code == 404


def test_the_development_idp_answers_only_this_machine(demo_app):
    remote = demo_app.test_client()
    remote.environ_base["REMOTE_ADDR"] = "203.0.113.9"

    assert remote.get("/dev/idp/metadata").status_code == 404
    assert demo_app.test_client().get("/dev/idp/metadata").status_code == 200
