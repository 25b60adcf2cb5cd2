"""SAML at protocol level: this app's pysaml2 service provider against a real identity provider.

The identity provider runs in its own process and signs with its own key (saml_idp.py); the
attacks are built from the responses it signs (saml_attacks.py). No app, no database: what the
protocol proves, and which REFUSALS code names each refusal.
"""

# ruff: noqa: F811 (the saml_idp fixture is imported from its module, then requested by name)

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.sso import saml_attacks as attack
from tests.sso.saml_idp import key_pair, saml_idp  # noqa: F401 (saml_idp: a fixture)
from wizard.sso import dev_idp, saml
from wizard.sso.protocol import SsoRefused, SsoSetupError

SP = "http://localhost/sso/acme/saml/metadata.xml"
ACS = "http://localhost/sso/acme/saml/acs"
ANA = "ana.pro@acme.example"


def _sign_in(idp, *, scenario: str = "", relay: str = "/after"):
    """begin → the provider's sign-in → (metadata, SAMLResponse, outstanding requests)."""
    metadata = idp.metadata()
    url, request_id = saml.begin(metadata, SP, ACS, relay)
    acs, response, relay_back = idp.sign_in(url, ANA, scenario=scenario)
    assert (acs, relay_back) == (ACS, relay)
    return metadata, response, {request_id: relay}


def _refusal(metadata, response, outstanding) -> str:
    with pytest.raises(SsoRefused) as refused:
        saml.finish(metadata, SP, ACS, response, outstanding)
    return refused.value.reason


def test_a_signed_response_hands_back_who_signed_in_and_what_the_provider_said(saml_idp):
    metadata, response, outstanding = _sign_in(saml_idp)

    received = saml.finish(metadata, SP, ACS, response, outstanding)

    assert received.subject == ANA
    assert received.attributes["mail"] == (ANA,)
    assert received.attributes["urn:oid:0.9.2342.19200300.100.1.3"] == (ANA,)
    assert received.attributes["givenName"] == ("Ana",)
    assert received.attributes["sn"] == ("Pro",)


def test_the_message_id_for_the_replay_check_is_the_assertion_id_valid_until_its_end(saml_idp):
    metadata, response, outstanding = _sign_in(saml_idp)

    received = saml.finish(metadata, SP, ACS, response, outstanding)

    assert received.message_id == attack.assertion_id(response)
    end = datetime.strptime(attack.not_on_or_after(response), "%Y-%m-%dT%H:%M:%SZ")
    assert received.valid_until == end.replace(tzinfo=UTC)
    assert received.valid_until > datetime.now(UTC)


@pytest.mark.parametrize("scenario", ["assertion_only", "response_only"])
def test_a_response_signed_on_either_the_assertion_or_the_response_is_accepted(saml_idp, scenario):
    metadata, response, outstanding = _sign_in(saml_idp, scenario=scenario)

    assert saml.finish(metadata, SP, ACS, response, outstanding).subject == ANA


@pytest.mark.parametrize(
    ("scenario", "reason"),
    [
        ("unsigned", "unsigned"),
        ("expired", "expired"),
        ("not_yet_valid", "not_yet_valid"),
        ("wrong_audience", "wrong_audience"),
        ("wrong_recipient", "wrong_destination"),
        ("wrong_destination", "wrong_destination"),
        ("other_request", "unknown_request"),
    ],
)
def test_a_response_the_provider_signed_wrongly_is_refused_with_its_reason(
    saml_idp, scenario, reason
):
    assert _refusal(*_sign_in(saml_idp, scenario=scenario)) == reason


@pytest.mark.parametrize(
    ("scenario", "forge", "reason"),
    [
        ("", lambda r: attack.altered(r, ANA), "bad_signature"),
        ("assertion_only", lambda r: attack.altered(r, ANA), "bad_signature"),
        ("", attack.without_signatures, "unsigned"),
        ("assertion_only", lambda r: attack.beside(r, ANA), "wrapped"),
        ("", lambda r: attack.beside(r, ANA), "bad_signature"),  # the response's signature breaks
        ("assertion_only", lambda r: attack.around(r, ANA), "wrapped"),
    ],
    ids=["altered", "altered-assertion", "stripped", "beside", "beside-signed-response", "around"],
)
def test_a_response_altered_after_signing_is_refused_with_its_reason(
    saml_idp, scenario, forge, reason
):
    metadata, response, outstanding = _sign_in(saml_idp, scenario=scenario)

    assert _refusal(metadata, forge(response), outstanding) == reason


@pytest.mark.parametrize("scenario", ["sha1", "sha1_signature", "sha1_digest"])
def test_a_response_signed_or_digested_with_sha1_is_refused_as_an_unsupported_algorithm(
    saml_idp, scenario
):
    """Correctly signed with the provider's own key, yet with SHA-1: refused before pysaml2."""
    metadata, response, outstanding = _sign_in(saml_idp, scenario=scenario)
    assert "sha1" in attack.decoded(response)
    assert _refusal(metadata, response, outstanding) == "unsupported_algorithm"


def test_without_the_allow_list_xmlsec1_would_have_accepted_sha1(saml_idp, monkeypatch):
    """Why the allow-list is needed: the same SHA-1 response passes pysaml2 and xmlsec1."""
    metadata, response, outstanding = _sign_in(saml_idp, scenario="sha1")
    monkeypatch.setattr(saml, "_refuse_weak_algorithms", lambda saml_response: None)
    assert saml.finish(metadata, SP, ACS, response, outstanding).subject == ANA


def test_a_response_to_a_request_this_browser_no_longer_has_is_refused(saml_idp):
    metadata, response, _ = _sign_in(saml_idp)

    assert _refusal(metadata, response, {}) == "unknown_request"


def test_a_response_signed_by_a_key_the_metadata_does_not_name_is_refused(saml_idp, tmp_path):
    metadata, response, outstanding = _sign_in(saml_idp)
    key, cert = key_pair(tmp_path, "other")
    summary = saml.read_idp_metadata(metadata)
    impostor = dev_idp.idp_metadata_xml(
        dev_idp.IdpIdentity(summary.entity_id, summary.sso_url, str(key), str(cert))
    )

    assert _refusal(impostor, response, outstanding) == "bad_signature"


def test_garbage_in_the_response_field_is_refused_not_crashed_on(saml_idp):
    metadata = saml_idp.metadata()

    assert _refusal(metadata, "not base64 at all!", {"id-1": "/"}) == "provider_error"
    assert _refusal(metadata, attack.encoded("<x/>"), {"id-1": "/"}) == "provider_error"


# ------------------------------------------------------------------ metadata


def test_the_providers_metadata_gives_its_entity_id_and_sign_in_url(saml_idp):
    summary = saml.read_idp_metadata(saml_idp.metadata())

    assert summary.entity_id == saml_idp.entity_id
    assert summary.sso_url == saml_idp.base_url + "/sso"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda xml: "This is not XML", "not XML metadata"),
        (lambda xml: xml[: len(xml) // 2], "not XML metadata"),
        (lambda xml: saml.sp_metadata_xml(SP, ACS), "does not describe an identity provider"),
        (
            lambda xml: attack.re.sub(
                r"<ns0:KeyDescriptor\b.*?</ns0:KeyDescriptor>", "", xml, flags=attack.re.S
            ),
            "no signing certificate",
        ),
    ],
    ids=["text", "cut-off", "sp-metadata", "no-certificate"],
)
def test_unusable_metadata_says_what_to_do(saml_idp, edit, message):
    with pytest.raises(SsoSetupError) as error:
        saml.read_idp_metadata(edit(saml_idp.metadata()))

    assert message in error.value.message


def test_metadata_is_fetched_from_the_providers_url(saml_idp):
    xml = saml.fetch_idp_metadata(saml_idp.metadata_url, allow_private_addresses=True)

    assert saml.read_idp_metadata(xml).entity_id == saml_idp.entity_id


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://idp.example/metadata", "starting with https://"),
        ("idp.example/metadata", "starting with https://"),
        ("http://127.0.0.1:9/metadata", "private network address"),
    ],
)
def test_a_metadata_url_that_cannot_work_says_why(url, message):
    with pytest.raises(SsoSetupError) as error:
        saml.fetch_idp_metadata(url)

    assert message in error.value.message


def test_a_metadata_url_that_answers_with_an_error_says_so(saml_idp):
    with pytest.raises(SsoSetupError) as error:
        saml.fetch_idp_metadata(saml_idp.base_url + "/nothing-here", allow_private_addresses=True)

    assert "could not be downloaded" in error.value.message


def test_this_apps_metadata_names_its_entity_id_and_acs_url_for_http_post():
    xml = saml.sp_metadata_xml(SP, ACS)

    assert f'entityID="{SP}"' in xml
    assert f'Location="{ACS}"' in xml
    assert "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" in xml


def test_the_sign_in_url_carries_a_request_for_this_app(saml_idp):
    url, request_id = saml.begin(saml_idp.metadata(), SP, ACS, "/after")

    assert url.startswith(saml_idp.base_url + "/sso?SAMLRequest=")
    assert "RelayState=%2Fafter" in url
    assert request_id.startswith("id-")
