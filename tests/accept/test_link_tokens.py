"""Invitation link tokens: only the app's secret key makes a working link, and only the exact
link opens it.

The database holds each invitation's nonce: whoever can read it (a backup, a leaked dump) must
still not be able to build a working link without the secret key. Tokens are looked up by
their SHA-256 hash, so a link is matched exactly, never after case-folding.
"""

import base64
import hashlib
import hmac
import re

import pytest

from tests.accept.factory import invitation_for, snapshot
from tests.helpers import h1_of, text_of

EXPIRED = "This invitation link has expired"


def _b64(digest: bytes) -> str:
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _hmac(key: bytes, nonce: str) -> str:
    return _b64(hmac.new(key, b"invitation-link:" + nonce.encode(), hashlib.sha256).digest())


def _nonce(app, token: str) -> str:
    with app.app_context():
        return invitation_for(token).token_nonce


def assert_closed(page):
    assert page.status_code == 410
    assert h1_of(page) == EXPIRED
    assert "Acme" not in text_of(page)


def test_the_genuine_link_opens_the_invitation(client, ana_link):
    page = client.get(f"/invitation/{ana_link}")
    assert page.status_code == 200
    assert h1_of(page) == "Join Acme Corp"


@pytest.mark.parametrize(
    "forge",
    [
        lambda nonce: _hmac(b"", nonce),
        lambda nonce: _hmac(b"another secret key", nonce),
        lambda nonce: _b64(hashlib.sha256(b"invitation-link:" + nonce.encode()).digest()),
        lambda nonce: _b64(hashlib.sha256(nonce.encode()).digest()),
        lambda nonce: nonce,
    ],
    ids=["empty-key", "another-key", "plain-hash", "hash-of-nonce", "the-nonce-itself"],
)
def test_a_link_built_from_the_database_without_the_secret_key_does_not_open(
    app, client, ana_link, forge
):
    forged = forge(_nonce(app, ana_link))
    assert forged != ana_link
    assert_closed(client.get(f"/invitation/{forged}"))


@pytest.mark.parametrize(
    "change", [str.swapcase, str.upper, str.lower], ids=["swapped", "upper", "lower"]
)
def test_a_link_differing_only_in_letter_case_does_not_open(client, ana_link, change):
    assert change(ana_link) != ana_link  # 43 characters of base64: letters of both cases
    assert_closed(client.get(f"/invitation/{change(ana_link)}"))


def test_a_link_differing_in_case_cannot_decline_either(app, client, ana_link):
    with app.app_context():
        before = snapshot(ana_link)
    client.post(f"/invitation/{ana_link.swapcase()}/decline", data={"message": "no"})
    with app.app_context():
        assert snapshot(ana_link) == before


SECRET = "test secret key, not for production"  # tests/conftest.py's SECRET_KEY


def test_a_token_is_the_hmac_of_its_nonce_and_only_its_hash_is_stored(app, ana_link):
    """The derivation is fixed: links already in people's inboxes must keep working after an
    upgrade, and the database must keep finding them by the hash it stored."""
    from wizard.accept import tokens

    with app.app_context():
        invitation = invitation_for(ana_link)
        assert re.fullmatch(r"[0-9a-f]{64}", invitation.token_nonce)  # 256 random bits
        assert ana_link == _hmac(SECRET.encode(), invitation.token_nonce)
        assert invitation.token_hash == hashlib.sha256(ana_link.encode()).hexdigest()
        assert len(ana_link) == 43 and "=" not in ana_link  # URL-safe base64, unpadded
        assert tokens.token_for("00" * 32) == _hmac(SECRET.encode(), "00" * 32)


def test_a_bytes_secret_key_makes_the_same_links_as_its_text(app):
    from wizard.accept import tokens

    with app.app_context():
        as_text = tokens.token_for("ab" * 32)
        app.config["SECRET_KEY"] = SECRET.encode()
        assert tokens.token_for("ab" * 32) == as_text


def test_the_emailed_link_is_built_on_base_url_and_opens_the_invitation(app, client, ana_link):
    from wizard.accept import tokens

    app.config["BASE_URL"] = "https://invite.example.com/"
    with app.app_context():
        url = tokens.invitation_url(invitation_for(ana_link))
    assert url == f"https://invite.example.com/invitation/{ana_link}"
    assert client.get(url.removeprefix("https://invite.example.com")).status_code == 200


@pytest.mark.parametrize("path", ["/WIZARDX", "/WIZARDX/", "/invite/"])
def test_a_base_url_with_a_path_keeps_all_of_it_and_only_its_last_slash_goes(app, ana_link, path):
    from wizard.accept import tokens

    app.config["BASE_URL"] = f"https://tools.example{path}"
    with app.app_context():
        url = tokens.invitation_url(invitation_for(ana_link))
    assert url == f"https://tools.example{path.rstrip('/')}/invitation/{ana_link}"


def test_a_link_that_is_not_valid_text_is_unknown_not_an_error(app, ana_link):
    from wizard.accept.link import LinkState, look_up

    with app.app_context():
        assert look_up("\udcff" + ana_link).state == LinkState.UNKNOWN
