"""wizard/sso/oidc.py against real providers over HTTP, no app and no database.

The whole code flow runs through the certified oidc-provider's own login and consent forms;
the attacks a certified provider never produces come from the misbehaving issuer.
"""

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.sso.oidc_support import (
    CLIENT_ID,
    CLIENT_SECRET,
    PROTOCOL_REDIRECT_URI,
    callback_args,
    sign_in_at_provider,
)
from wizard.sso import oidc
from wizard.sso.protocol import SsoRefused, SsoSetupError

pytest_plugins = ["tests.sso.oidc_fixtures"]


def sign_in(provider, login="ada.lovelace@acme.example"):
    """begin, the provider's forms, and finish, as the app's two views do."""
    url, pending = oidc.begin(provider.issuer, provider.client_id, PROTOCOL_REDIRECT_URI)
    returned = callback_args(sign_in_at_provider(url, login, PROTOCOL_REDIRECT_URI))
    return returned, pending


def finish(issuer, returned, pending, client_id=CLIENT_ID):
    return oidc.finish(issuer, client_id, CLIENT_SECRET, PROTOCOL_REDIRECT_URI, returned, pending)


def test_discovery_reads_the_providers_endpoints(oidc_provider):
    document = oidc.discover(oidc_provider.issuer)

    assert document["issuer"] == oidc_provider.issuer
    assert document["token_endpoint"].startswith(oidc_provider.issuer)


@pytest.mark.parametrize("pasted", ["{issuer}/", "  {issuer}  ", " {issuer}/ "])
def test_an_issuer_pasted_with_spaces_or_a_trailing_slash_is_the_one_discovery_names(
    oidc_provider, pasted
):
    document = oidc.discover(pasted.format(issuer=oidc_provider.issuer))

    assert document["issuer"] == oidc_provider.issuer


def test_discovery_of_an_issuer_that_calls_itself_otherwise_says_to_copy_it_exactly(
    rogue_issuer,
):
    with pytest.raises(SsoSetupError) as error:
        oidc.discover(f"{rogue_issuer}/names-another")

    assert "calls itself https://another-issuer.example" in error.value.message
    assert "exactly as the provider shows it" in error.value.message


def test_discovery_of_an_unreachable_issuer_says_to_check_the_url():
    from tests.postgres import free_port

    with pytest.raises(SsoSetupError) as error:
        oidc.discover(f"http://127.0.0.1:{free_port()}")

    assert "could not be reached" in error.value.message


def test_discovery_of_a_page_that_is_not_json_says_it_is_not_a_discovery_document(
    rogue_issuer,
):
    with pytest.raises(SsoSetupError) as error:
        oidc.discover(f"{rogue_issuer}/no-such-issuer")

    assert "could not be reached" in error.value.message or "discovery document" in (
        error.value.message
    )


def test_begin_sends_state_nonce_and_an_s256_pkce_challenge_never_the_verifier(oidc_provider):
    url, pending = oidc.begin(oidc_provider.issuer, CLIENT_ID, PROTOCOL_REDIRECT_URI)

    query = {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
    assert url.startswith(oidc_provider.issuer + "/auth?")
    assert query["response_type"] == "code"
    assert query["scope"] == "openid email profile"
    assert query["state"] == pending["state"]
    assert query["nonce"] == pending["nonce"]
    assert query["code_challenge_method"] == "S256"
    assert query["code_challenge"] and pending["code_verifier"] not in url
    assert query["redirect_uri"] == PROTOCOL_REDIRECT_URI


def test_two_sign_ins_never_share_state_nonce_or_verifier(oidc_provider):
    _url, first = oidc.begin(oidc_provider.issuer, CLIENT_ID, PROTOCOL_REDIRECT_URI)
    _url, second = oidc.begin(oidc_provider.issuer, CLIENT_ID, PROTOCOL_REDIRECT_URI)

    for key in ("state", "nonce", "code_verifier"):
        assert first[key] != second[key]


def test_a_full_code_flow_returns_the_email_and_names_from_userinfo(oidc_provider):
    returned, pending = sign_in(oidc_provider)

    received = finish(oidc_provider.issuer, returned, pending)

    assert received.subject == "ada.lovelace@acme.example"
    assert received.attributes["email"] == ("ada.lovelace@acme.example",)
    assert received.attributes["given_name"] == ("Ada",)
    assert received.attributes["family_name"] == ("Lovelace",)
    assert received.message_id == pending["nonce"]
    assert received.valid_until > datetime.now(UTC)


def test_a_full_code_flow_takes_the_email_from_the_id_token_when_it_is_there(
    oidc_provider_with_email_in_id_token,
):
    provider = oidc_provider_with_email_in_id_token
    returned, pending = sign_in(provider, login="grace.hopper@acme.example")

    received = finish(provider.issuer, returned, pending)

    assert received.attributes["email"] == ("grace.hopper@acme.example",)
    assert received.attributes["given_name"] == ("Grace",)


def test_a_callback_is_used_once_the_provider_refuses_its_code_twice(oidc_provider):
    returned, pending = sign_in(oidc_provider)
    finish(oidc_provider.issuer, returned, pending)

    with pytest.raises(SsoRefused) as refusal:
        finish(oidc_provider.issuer, returned, pending)

    assert refusal.value.reason == "provider_error"


def test_a_wrong_state_is_refused(oidc_provider):
    returned, pending = sign_in(oidc_provider)

    with pytest.raises(SsoRefused) as refusal:
        finish(oidc_provider.issuer, {**returned, "state": "forged"}, pending)

    assert refusal.value.reason == "wrong_state"


@pytest.mark.parametrize("pending", [None, {}], ids=["no sign-in begun", "empty"])
def test_a_callback_this_browser_never_began_is_refused_as_a_wrong_state(oidc_provider, pending):
    returned, _pending = sign_in(oidc_provider)

    with pytest.raises(SsoRefused) as refusal:
        finish(oidc_provider.issuer, returned, pending)

    assert refusal.value.reason == "wrong_state"


def test_a_code_injected_from_another_sign_in_fails_its_pkce_check(oidc_provider):
    attacker_returned, _attacker_pending = sign_in(oidc_provider, login="mallory@acme.example")
    _victim_returned, victim_pending = sign_in(oidc_provider)

    with pytest.raises(SsoRefused) as refusal:
        finish(
            oidc_provider.issuer,
            {**attacker_returned, "state": victim_pending["state"]},
            victim_pending,
        )

    assert refusal.value.reason == "provider_error"
    assert "invalid_grant" in refusal.value.detail


def test_a_callback_naming_another_issuer_is_refused_the_mix_up_attack(oidc_provider):
    returned, pending = sign_in(oidc_provider)
    assert returned["iss"] == oidc_provider.issuer  # RFC 9207: the provider names itself

    with pytest.raises(SsoRefused) as refusal:
        finish(oidc_provider.issuer, {**returned, "iss": "http://evil.test"}, pending)

    assert refusal.value.reason == "wrong_issuer"


def test_a_token_for_another_client_is_refused_as_a_wrong_audience(oidc_provider):
    """The provider issued the token to `wizard`; a client configured as someone else refuses."""
    returned, pending = sign_in(oidc_provider)

    with pytest.raises(SsoRefused) as refusal:
        oidc._verified_id_token(
            oidc.discover(oidc_provider.issuer),
            "another-client",
            pending["nonce"],
            _token(oidc_provider, returned, pending),
        )

    assert refusal.value.reason == "wrong_audience"


def _token(provider, returned, pending):
    with oidc._client(CLIENT_ID, CLIENT_SECRET, PROTOCOL_REDIRECT_URI) as client:
        return client.fetch_token(
            oidc.discover(provider.issuer)["token_endpoint"],
            code=returned["code"],
            code_verifier=pending["code_verifier"],
        )


def test_the_provider_saying_no_is_refused_with_its_reason_kept_for_the_log(oidc_provider):
    _url, pending = oidc.begin(oidc_provider.issuer, CLIENT_ID, PROTOCOL_REDIRECT_URI)
    said_no = {
        "error": "access_denied",
        "error_description": "End-User aborted interaction",
        "state": pending["state"],
        "iss": oidc_provider.issuer,
    }

    with pytest.raises(SsoRefused) as refusal:
        finish(oidc_provider.issuer, said_no, pending)

    assert refusal.value.reason == "provider_error"
    assert "access_denied" in refusal.value.detail


def rogue_sign_in(rogue_issuer, mode):
    issuer = f"{rogue_issuer}/{mode}"
    url, pending = oidc.begin(issuer, CLIENT_ID, PROTOCOL_REDIRECT_URI)
    returned = callback_args(sign_in_at_provider(url, "", PROTOCOL_REDIRECT_URI))
    return issuer, returned, pending


def test_the_misbehaving_issuer_behaving_is_accepted_so_its_refusals_are_for_one_reason(
    rogue_issuer,
):
    issuer, returned, pending = rogue_sign_in(rogue_issuer, "honest")

    received = finish(issuer, returned, pending)

    assert received.attributes["email"] == ("ada.lovelace@acme.example",)


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("wrong-issuer", "wrong_issuer"),
        ("wrong-audience", "wrong_audience"),
        ("audiences-without-this-client", "wrong_audience"),
        ("wrong-nonce", "wrong_nonce"),
        ("alg-none", "unsupported_algorithm"),
        ("expired", "expired"),
        ("not-yet-valid", "not_yet_valid"),
        ("unknown-key", "unknown_key"),
    ],
)
def test_an_id_token_a_certified_provider_would_never_send_is_refused(rogue_issuer, mode, reason):
    issuer, returned, pending = rogue_sign_in(rogue_issuer, mode)

    with pytest.raises(SsoRefused) as refusal:
        finish(issuer, returned, pending)

    assert refusal.value.reason == reason
