"""The settings keep an OpenID Connect issuer as its discovery document names it: pasted with
spaces around it or a trailing slash, it is trimmed rather than refused (real discovery over
HTTP against the misbehaving issuer's `honest` mode, real database)."""

import pytest
from sqlalchemy import select

from wizard.extensions import db
from wizard.models import Account, User
from wizard.sso import configuration as svc
from wizard.sso.configuration import SettingsInput, SettingsProblem

pytest_plugins = ["tests.sso.oidc_fixtures"]


def save(app, issuer: str):
    with app.app_context():
        acme = db.session.scalar(select(Account.id).where(Account.name == "Acme Corp"))
        owner = db.session.scalar(select(User.id).where(User.email == "owner@acme.example"))
        provider = svc.save_settings(acme, owner, SettingsInput(
            protocol="oidc", provisioning="jit", issuer=issuer, client_id="wizard",
            client_secret="s3cret-for-the-test"))
        return provider.issuer


@pytest.mark.parametrize("pasted", ["{base}/honest/", " {base}/honest ", "\t{base}/honest/ "])
def test_a_pasted_issuer_is_kept_as_discovery_names_it(app, rogue_issuer, pasted):
    assert save(app, pasted.format(base=rogue_issuer)) == f"{rogue_issuer}/honest"


def test_an_issuer_naming_another_is_still_refused_on_its_field(app, rogue_issuer):
    with pytest.raises(SettingsProblem) as problem:
        save(app, f"{rogue_issuer}/names-another")
    assert problem.value.field == "issuer"
    assert "calls itself" in problem.value.message
