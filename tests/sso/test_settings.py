"""The single sign-on page: owners and admins set up one provider (issue 19)."""

from sqlalchemy import select

from tests.helpers import h1_of, submit, text_of, title_of
from tests.sso.conftest import make_provider, provider
from wizard.extensions import db
from wizard.models import AuditEvent, IdentityProvider, VerifiedDomain
from wizard.sso.sealing import seal, unseal

PAGE = "/users/single-sign-on"


def test_the_page_shows_the_values_to_copy_into_the_provider(client, auth):
    auth.sign_in()
    page = client.get(PAGE)
    assert h1_of(page) == "Single sign-on" and title_of(page).startswith("Single sign-on")
    text = text_of(page)
    assert "http://invite.test/sso/acme-corp/saml/metadata.xml" in text  # entity ID
    assert "http://invite.test/sso/acme-corp/saml/acs" in text
    assert "http://invite.test/sso/acme-corp/oidc/callback" in text
    assert "http://invite.test/sso/acme-corp" in text
    assert "Off" in text


def test_members_cannot_open_it(client, auth):
    auth.sign_in("member@acme.example")
    assert client.get(PAGE).status_code == 403


def test_the_users_page_links_to_it(client, auth):
    auth.sign_in()
    assert f'href="{PAGE}"' in client.get("/users/").get_data(as_text=True)


def test_it_cannot_be_turned_on_before_it_is_set_up(app, client, auth):
    auth.sign_in()
    response = submit(client, f"{PAGE}/switch", {"on": "1"}, page=PAGE, follow_redirects=True)
    assert "Save the settings of your identity provider first." in text_of(response)


def test_it_cannot_be_turned_on_without_a_verified_domain(app, client, auth):
    provider_id = make_provider(app, enabled=False)
    with app.app_context():
        db.session.execute(VerifiedDomain.__table__.update().values(verified_at=None))
        db.session.commit()
    auth.sign_in()
    page = client.get(PAGE)
    assert "once your business has a verified domain" in text_of(page)
    response = submit(client, f"{PAGE}/switch", {"on": "1"}, page=PAGE, follow_redirects=True)
    assert "Verify a domain first" in text_of(response)
    with app.app_context():
        assert provider(provider_id).enabled is False


def test_turning_it_on_and_off_is_logged(app, client, auth):
    provider_id = make_provider(app, enabled=False)
    auth.sign_in()
    submit(client, f"{PAGE}/switch", {"on": "1"}, page=PAGE)
    with app.app_context():
        assert provider(provider_id).enabled is True
    submit(client, f"{PAGE}/switch", {"on": "0"}, page=PAGE)
    with app.app_context():
        assert provider(provider_id).enabled is False
        actions = db.session.execute(select(AuditEvent.action)).scalars().all()
        assert actions[-2:] == ["sso_turned_on", "sso_turned_off"]


def test_the_client_secret_is_stored_encrypted_and_never_shown(app, client, auth):
    make_provider(app, protocol="oidc", issuer="https://login.example", client_id="wizard",
                  client_secret_sealed="")
    with app.app_context():
        found = db.session.execute(select(IdentityProvider)).scalar_one()
        found.client_secret_sealed = seal("s3cret-value-42")
        db.session.commit()
        assert "s3cret-value-42" not in found.client_secret_sealed
        assert unseal(found.client_secret_sealed) == "s3cret-value-42"
    auth.sign_in()
    page = client.get(PAGE)
    assert "s3cret-value-42" not in page.get_data(as_text=True)
    assert "A secret is saved" in text_of(page)


def test_another_businesss_provider_is_not_shown(app, client, auth):
    make_provider(app, slug="acme", idp_entity_id="https://idp.acme.example/")
    auth.sign_in("owner@globex.example")
    page = client.get(PAGE)
    assert "idp.acme.example" not in page.get_data(as_text=True)
    assert "/sso/globex" in text_of(page)
